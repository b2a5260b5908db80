"""Writing what a command outputs: the standard output and files named by ``--output``/``--chart``.

A write that fails (a full disk, an I/O error, a file over the size limit) raises ``OutputError``,
which the CLI prints as one line, ``error: cannot write ...: No space left on device``, exit code 2.
``reclmms.cli.main`` puts ``GuardedStdout`` in front of ``sys.stdout`` for the whole command, so
every ``print`` of every command is covered in one place; a closed standard output (``>&-``, where
``sys.stdout`` is None) is ``ClosedStdout``, whose writes fail as a closed file's do. A broken pipe
(the reader went away, as with ``| head -1``) stays a ``BrokenPipeError``: the CLI ends quietly then.

``write_file`` writes a file whole or not at all: into a temporary file in the same folder, renamed
over the target only once every byte is on disk, so a failed write leaves the old file as it was
(and no new file). A path that is not a regular file (``/dev/stdout``, a FIFO, a device) is written
in place, never replaced.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import sys
from pathlib import Path
from typing import Any, TextIO

from reclmms.errors import OutputError

STDOUT_NAME = "standard output"


def reason(exc: OSError) -> str:
    """Why a write failed, in the system's words ("No space left on device")."""
    return exc.strerror or str(exc) or type(exc).__name__


class ClosedStdout(io.TextIOBase):
    """What stands for standard output when file descriptor 1 is closed (``reclmms ... >&-``): writing
    anything fails as writing a closed descriptor does ("Bad file descriptor"); writing nothing does not."""

    def write(self, text: str) -> int:
        if text:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        return 0


def guard_stdout(stream: TextIO | None) -> GuardedStdout:
    """``stream`` (``sys.stdout``) behind ``GuardedStdout``. None means file descriptor 1 is closed: /dev/null
    takes its place, so that no file the command opens gets it (a library's stray write to descriptor 1 would
    land in that file), and what the command prints fails in one line, as for a full disk."""
    if stream is not None:
        return GuardedStdout(stream)
    try:
        os.fstat(1)
    except OSError:
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            if devnull != 1:
                os.dup2(devnull, 1)
                os.close(devnull)
    return GuardedStdout(ClosedStdout())


class GuardedStdout:
    """``sys.stdout`` whose failed writes raise ``OutputError`` (a broken pipe stays ``BrokenPipeError``)."""

    def __init__(self, stream: TextIO | io.TextIOBase) -> None:
        self.stream = stream

    def _failed(self, exc: OSError) -> OutputError:
        return OutputError(f"cannot write to {STDOUT_NAME}: {reason(exc)}", stdout=True)

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from None

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from None

    def __getattr__(self, name: str) -> Any:  # fileno, isatty, encoding, buffer...: the real stream's
        return getattr(self.stream, name)


def shown(text: object) -> str:
    """``text`` as a message may echo it: what a terminal would act on or not show (an escape sequence, a
    carriage return, a newline, a zero-width space) written as Python writes it in a repr (``\\x1b``)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(text))


def warn(message: str) -> None:
    """One ``warning: ...`` line on stderr (the command carries on)."""
    print(f"warning: {shown(message)}", file=sys.stderr)


def discard_stdout() -> None:
    """After a failed or broken standard output: point file descriptor 1 at /dev/null, so what is still
    buffered for it is dropped at exit instead of failing again there ("Exception ignored ...")."""
    stream = sys.stdout.stream if isinstance(sys.stdout, GuardedStdout) else sys.stdout
    if stream is not sys.__stdout__ or sys.__stdout__ is None:
        return  # replaced (a test's capture): nothing of the process's own to silence
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.__stdout__.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError):
        pass


def check_writable(path: Path) -> None:
    """Fail now, as writing ``path`` would later (a folder, a missing folder, no permission): the OSError
    names ``path``, so the CLI says so in one line. Creates nothing that was not there."""
    existed = os.path.lexists(path)
    if existed and not path.is_file() and not path.is_dir():
        return  # a device, a FIFO, /dev/stdout: opened only to be written (opening a FIFO could block)
    with path.open("a", encoding="utf-8"):
        pass
    if not existed:
        path.unlink(missing_ok=True)


def write_file(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` whole or not at all; ``OutputError`` when it cannot be."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    check_writable(path)
    target = Path(os.path.realpath(path))  # a symbolic link keeps pointing where it did
    try:
        if target.exists() and not target.is_file():
            with target.open("wb") as fh:
                fh.write(payload)
            return
        _replace(target, payload)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {reason(exc)}") from None


def _replace(target: Path, payload: bytes) -> None:
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for a new file
    except PermissionError:  # the file may be written but not its folder: in place is all there is
        with target.open("wb") as fh:
            fh.write(payload)
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
