"""One ``reclmms serve`` per bot and data dir.

Two processes serving the same bot from the same data dir would both poll Telegram (each message
answered twice, or by whichever poll Telegram answered) and both write the same stores. ``serving_alone``
holds an advisory lock (``fcntl.flock``) on ``DATA_DIR/serve-<digest>.lock`` while the bot runs, the digest
a hash of the bot token (never the token itself), and writes its pid in the file. A second ``serve`` of that
bot on that data dir finds the lock held and stops with one line naming the other process's pid, before it
asks the Bot API anything. The lock goes with the process: one that ends, however (``kill -9`` too), releases it;
the file stays, and the next ``serve`` takes it again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from reclmms.errors import StoreError

LOCK_PREFIX = "serve-"


def lock_path(data_dir: Path, token: str) -> Path:
    """The lock file of the bot with ``token`` in ``data_dir``: named by a hash of the token."""
    digest = hashlib.sha256(b"reclmms serve lock\0" + token.encode("utf-8")).hexdigest()[:16]
    return data_dir / f"{LOCK_PREFIX}{digest}.lock"


def _holder(fd: int) -> int | None:
    """The pid the process holding the lock wrote in the file, or None when it cannot be read (yet)."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


@contextlib.contextmanager
def serving_alone(data_dir: Path, token: str) -> Iterator[Path]:
    """Hold the lock of the bot with ``token`` on ``data_dir`` for the body (yields the lock file's path);
    ``StoreError`` at once, naming the holder's pid, when another process holds it."""
    path = lock_path(data_dir, token)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)  # there already under serve (its catalog is in it)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise StoreError(f"cannot use the data directory {data_dir}: the lock file {path.name} that keeps a second "
                         f"`reclmms serve` of this bot out cannot be opened ({exc.strerror or exc})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _holder(fd)
            other = f"another process (pid {pid})" if pid is not None else "another process"
            raise StoreError(
                f"{other} is already serving this bot (the same RECLMMS_TELEGRAM_TOKEN) from {data_dir}: stop it "
                "first; two would both poll Telegram and answer messages twice"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
    finally:
        os.close(fd)  # releases the lock
