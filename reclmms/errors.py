"""The project's exception tree, in one place.

ReclmmsError
├── ConfigError          bad configuration; the message names the key
├── DataError            input data files are missing columns or files
│   ├── StoreError       the data dir cannot be used: not writable, full, or a file in it unusable
│   │   └── DiskFullError    the disk holding the data dir is full (``reason``: how it was reported)
│   ├── NoImageIndexError    a photo search of a catalog ingested without image vectors
│   └── EmbedderChangedError vectors computed with another embedder than the configured one (also a
│                            SearchUnavailableError: the shopper is told search is unavailable)
├── BadQueryError        a user query or filter that cannot be served (empty, unknown filter key)
├── BadImageError        an uploaded photo that is not an image, is corrupt, too large, or a bomb
├── NotFoundError        an article, customer or session that does not exist
├── SessionBusyError     a conversation whose turn another process is running
├── ModelError           a model backend failed (down, slow, garbage)
│   └── ModelUnavailableError  weights or a server are not there
├── SearchUnavailableError   the search index (a Chroma server) cannot be reached right now
├── TurnError            a turn that failed inside the agent, for a fault of the program (the log has its traceback)
├── LinkError            an account-link code that is bad, expired or reused
└── OutputError          a command's output (stdout, an --output or --chart file) cannot be written

Messages are written for the person who will read them: they are shown as-is by the
CLI and the bot, so they never contain tracebacks or secrets. A file of the data dir that cannot be
used (not a database, damaged, a folder, unreadable) is ``store_file_error``: the file, what is
wrong with it and what the operator can do, in that order. Nothing is ever repaired by recreating
a file that is there.
"""

from __future__ import annotations

import os


class ReclmmsError(Exception):
    """Base of every error the project raises on purpose."""


class ConfigError(ReclmmsError):
    pass


class DataError(ReclmmsError):
    pass


class StoreError(DataError):
    pass


class NoImageIndexError(DataError):
    """A photo search on a catalog with no indexed article images: there is nothing to compare the photo with."""

    def __init__(self) -> None:
        super().__init__("no article images are indexed in this catalog, so a photo has nothing to be compared "
                         "with: search by words, or ingest the catalog with its images (without --no-images)")


class SearchUnavailableError(ReclmmsError):
    pass


class EmbedderChangedError(DataError, SearchUnavailableError):
    """A search of vectors computed with another embedder than the configured one. For the operator a
    ``DataError``: one line naming both embedders and what to do; for the shopper a ``SearchUnavailableError``:
    the agent and the bot say that product search is unavailable, not that nothing matched."""


class DiskFullError(StoreError):
    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def store_file_error(path: str | os.PathLike[str], problem: str, remedy: str) -> StoreError:
    """``<path> <problem>: <remedy>``, e.g. "/srv/data/reclmms.sqlite3 is not a SQLite database: restore it from
    a backup, or ...": one line that names the file, says what is wrong and what to do."""
    return StoreError(f"{os.fspath(path)} {problem}: {remedy}")


class BadQueryError(ReclmmsError):
    pass


class BadImageError(BadQueryError):
    pass


class TooManyPixelsError(BadImageError):
    """A readable image with more pixels than a photo is decoded at (a decompression bomb, or a
    huge non-JPEG file): a smaller copy will do."""


class NotFoundError(ReclmmsError):
    pass


class SessionBusyError(ReclmmsError):
    pass


class ModelError(ReclmmsError):
    pass


class ModelUnavailableError(ModelError):
    pass


class TurnError(ReclmmsError):
    pass


class LinkError(ReclmmsError):
    pass


class OutputError(ReclmmsError):
    """Writing a command's output failed (a full disk, an I/O error); ``stdout`` says whether it was the
    standard output (the CLI then discards what is still buffered for it)."""

    def __init__(self, message: str, *, stdout: bool = False) -> None:
        super().__init__(message)
        self.stdout = stdout


def describe_error(exc: BaseException) -> str:
    """What went wrong, for a log line or a status: the exception's message, or its class name when it has none
    (``TimeoutError()`` from ``asyncio.timeout``, a bare ``RuntimeError()``), so that no reason is ever empty."""
    return str(exc) or type(exc).__name__
