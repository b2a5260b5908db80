"""Rows kept in memory and written to SQLite behind the bot's back, in one commit per flush.

A flush writes each row with its own statement, then commits once. SQLite checks each statement
on its own, so one row it refuses for what it holds (a value of the wrong type, a broken
constraint: ``sqlite3.IntegrityError`` and the like, or a value that cannot be bound) never
stops the others: that row can never be written, and it is dropped with a warning. A failure of
the database itself (``sqlite3.OperationalError``: locked past the busy timeout, disk full, an
I/O error; a damaged file, ``sqlite3.DatabaseError``) ends the flush: the rows written so far are
committed when the database allows it, and every row not committed stays buffered for the next flush.
A buffer that cannot be written for long keeps at most ``limit`` rows, dropping the oldest: one warning
when it starts dropping, and the count when its rows are written again. ``FlushTrouble`` keeps the log
of a periodic flush to one line when it starts failing (or fails for another reason) and one when it
works again, not a line per flush.
"""

from __future__ import annotations

import itertools
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

import aiosqlite

logger = logging.getLogger(__name__)

R = TypeVar("R")
MAX_ROWS = 100_000
# what a row that SQLite refuses for its content raises; any other sqlite3.DatabaseError (OperationalError, a
# damaged file) is the database's own trouble
ROW_ERRORS = (sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.ProgrammingError, sqlite3.DataError,
              ValueError, TypeError, OverflowError)


class RowBuffer(Generic[R]):
    """Rows of one kind waiting to be written; ``write(conn, row)`` runs one row's statements.
    A row added with a ``key`` replaces the waiting row of that key (the latest wins)."""

    def __init__(self, what: str, write: Callable[[aiosqlite.Connection, R], Awaitable[object]],
                 limit: int = MAX_ROWS) -> None:
        self.what = what
        self._write = write
        self.limit = limit
        self._rows: dict[Hashable, R] = {}
        self._keys = itertools.count()
        self._overflow = 0

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, row: R, key: Hashable | None = None) -> None:
        self._rows[next(self._keys) if key is None else key] = row
        while len(self._rows) > self.limit:
            del self._rows[next(iter(self._rows))]
            if not self._overflow:  # once, until they can be written again (then ``write`` gives the count)
                logger.warning("%d %s rows are waiting to be written: the oldest are dropped until the database "
                               "can be written", self.limit, self.what)
            self._overflow += 1

    async def write(self, conn: aiosqlite.Connection) -> tuple[list[tuple[Hashable, R]], sqlite3.DatabaseError | None]:
        """Execute the waiting rows (no commit): the rows done with (written or dropped), and the
        database failure that stopped the rest, if any."""
        done: list[tuple[Hashable, R]] = []
        for key, row in list(self._rows.items()):
            try:
                await self._write(conn, row)
            except ROW_ERRORS as exc:
                logger.warning("dropping a %s row that SQLite cannot store (%s: %s): %r",
                               self.what, type(exc).__name__, exc, row)
            except sqlite3.DatabaseError as exc:  # locked, full, an I/O error, a damaged file: none is the row's
                return done, exc
            done.append((key, row))
        if self._overflow:
            logger.warning("dropped the %d oldest %s rows: they could not be written for too long",
                           self._overflow, self.what)
            self._overflow = 0
        return done, None

    def forget(self, done: list[tuple[Hashable, R]]) -> None:
        """Remove rows that are committed (not one replaced by a newer row meanwhile)."""
        for key, row in done:
            if self._rows.get(key) is row:
                del self._rows[key]


async def flush_rows(
    conn: aiosqlite.Connection,
    buffers: Sequence[RowBuffer[Any]],
    before_commit: Callable[[aiosqlite.Connection], Awaitable[object]] | None = None,
) -> int:
    """Write ``buffers`` in one transaction (the caller keeps flushes of the same buffers apart);
    returns how many rows left them. Raises the database failure that stopped it, after
    committing what was written before it (when even that fails, every row stays)."""
    written: list[tuple[RowBuffer[Any], list[tuple[Hashable, Any]]]] = []
    failure: sqlite3.DatabaseError | None = None
    for buffer in buffers:
        done, failure = await buffer.write(conn)
        written.append((buffer, done))
        if failure is not None:
            break
    count = sum(len(done) for _, done in written)
    if count:
        if failure is None and before_commit is not None:
            await before_commit(conn)
        await conn.commit()
        for buffer, done in written:
            buffer.forget(done)
    if failure is not None:
        raise failure
    return count


class FlushTrouble:
    """The log of a flush that runs every few seconds: a database that cannot be written for an hour is
    one line when the flushes start failing (again when they fail for another reason) and one when they
    work again, not a line per flush. ``describe(exc)`` is the reason's one line (for a store file that
    is damaged: the file, what is wrong, what to do)."""

    def __init__(self, what: str, describe: Callable[[BaseException], str]) -> None:
        self.what = what
        self._describe = describe
        self.reason: str | None = None  # why the flushes fail, while they do
        self.failures = 0
        self._since = 0.0

    def failed(self, exc: BaseException, waiting: int) -> None:
        """A flush failed; ``waiting``: the rows kept for the next one."""
        reason = self._describe(exc)
        if self.reason is None:
            self.failures, self._since = 0, time.monotonic()
        self.failures += 1
        if reason == self.reason:
            logger.debug("could not write the %s (%d rows waiting): %s", self.what, waiting, reason)
            return
        self.reason = reason
        # a fault of the program (not the database's) keeps its traceback
        trace = None if isinstance(exc, sqlite3.Error) else exc
        logger.error("could not write the %s: %s (%d rows wait in memory; logged again only when this changes)",
                     self.what, reason, waiting, exc_info=trace)

    def succeeded(self) -> None:
        if self.reason is not None:
            logger.info("the %s are written again, after %d failed flushes in %.0f s",
                           self.what, self.failures, time.monotonic() - self._since)
        self.reason = None
