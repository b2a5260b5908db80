"""One turn at a time per conversation, across processes.

The agent serialises the turns of one session inside a process; two terminal processes
(``reclmms ask --session S`` twice at once, or ``ask`` next to ``chat``) would each read the
same conversation checkpoint and write their own next one, so one turn would be lost. A turn
of a named session therefore holds an advisory lock (``fcntl.flock``) on a file under
``DATA_DIR/sessions/``, named by a hash of the session id. Another process waits for it, up
to a bound, and then gives up with ``SessionBusyError``. The lock goes with the process: a
process that dies releases it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

from reclmms.errors import SessionBusyError, store_file_error

LOCK_DIR = "sessions"
POLL_S = 0.05


def lock_path(data_dir: Path, session_id: str) -> Path:
    digest = hashlib.sha256(session_id.encode("utf-8")).hexdigest()[:32]
    return data_dir / LOCK_DIR / f"{digest}.lock"


@contextlib.asynccontextmanager
async def session_turn(data_dir: Path, session_id: str, *, wait_s: float) -> AsyncIterator[None]:
    """Hold session ``session_id``'s lock for the body; wait up to ``wait_s`` seconds for it."""
    path = lock_path(data_dir, session_id)
    try:
        path.parent.mkdir(exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file where the folder goes: never replaced here
        raise store_file_error(path.parent, "is a file, not the folder of conversation locks",
                               "move it aside (the folder is made again, empty)") from None
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise SessionBusyError(f"session {session_id} is busy in another process") from None
                await asyncio.sleep(POLL_S)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
