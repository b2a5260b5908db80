"""A full disk under the data dir: one line that says so, and what state the store is in.

SQLite, DuckDB, Chroma and plain file writes each report a full disk their own way
(``sqlite3.OperationalError: database or disk is full``, DuckDB's and Chroma's errors with the
same words or "No space left on device", ``OSError`` with ``ENOSPC``); ``disk_full_reason`` reads
them all. ``ingest_disk_full_error`` words the error by how far the ingest got:

- before the swap, nothing live was changed: the staged copy of the new data is kept, so the same
  ingest, run again once there is space, continues from it;
- after the swap, the new catalog, customers and transactions are live and their vectors were
  written before it (catalog/ingest/index_steps.py), so search and recommendations work; what was
  left (the sales summary, removing old vectors) is done by running the same ingest again.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from reclmms.errors import DiskFullError, ReclmmsError

NEARLY_FULL = 1 << 20
_MARKERS = ("database or disk is full", "no space left on device", "disk is full", "disk full")


def disk_full_reason(exc: BaseException, where: Path | None = None) -> str | None:
    """The words of ``exc`` (or of an exception it was raised from) that say the disk is full; else,
    when the disk holding ``where`` has less than ``NEARLY_FULL`` bytes free (some errors do not say,
    such as Chroma's "Failed to apply logs to the metadata segment"), "less than 1 MiB free"; else None.
    Of the project's own errors, only a ``DiskFullError`` is about a full disk."""
    if isinstance(exc, DiskFullError):
        return exc.reason
    if isinstance(exc, ReclmmsError):
        return None
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno == errno.ENOSPC:
            return "no space left on device"
        text = str(current).lower()
        for marker in _MARKERS:
            if marker in text:
                return marker
        current = current.__cause__ or current.__context__
    if where is not None and _free_bytes(where) < NEARLY_FULL:
        return "less than 1 MiB free"
    return None


def _free_bytes(where: Path) -> int:
    for path in (where, *where.parents):
        try:
            return shutil.disk_usage(path).free
        except OSError:  # not there (yet)
            continue
    return NEARLY_FULL


def disk_full_error(exc: BaseException, where: Path, doing: str) -> DiskFullError | None:
    """``the disk holding WHERE is full (...): DOING; free some space`` (None when ``exc`` is about something else)."""
    reason = disk_full_reason(exc, where)
    if reason is None:
        return None
    return DiskFullError(f"the disk holding {where} is full ({reason}): {doing}; free some space and try again", reason)


def ingest_disk_full_error(exc: BaseException, data_dir: Path, *, swapped: bool) -> DiskFullError | None:
    """The one-line error for a full disk during an ingest (None when ``exc`` is about something else)."""
    reason = disk_full_reason(exc, data_dir)
    if reason is None:
        return None
    head = f"the disk holding {data_dir} is full ({reason})"
    if not swapped:
        return DiskFullError(
            f"{head}: the ingest changed nothing, so the catalog, customers, transactions and search index are "
            "as they were; free some space (search, too, needs a little to start) and run the same ingest again "
            "to continue it", reason
        )
    return DiskFullError(
        f"{head} after the new catalog, customers and transactions were swapped in (they are searchable); "
        "free some space and run the same ingest again to finish it", reason
    )
