"""The SQLite database (aiosqlite, WAL) with versioned schemas per component.

Each component (``catalog``, ``bot``, ...) owns an ordered list of migration scripts.
``schema_versions`` records how many of them ran, so components evolve independently
and a re-run applies only what is new.

A store that is not a SQLite database (a text file, random bytes) or is visibly damaged
(truncated, garbage pages) is found as it is opened, before anything is written to it, and
is ``StoreError`` naming the file: each table's first row is read (a few pages per table, not
an integrity check of the whole file). ``check_sqlite_file`` does the same, read only, for a
SQLite file another library opens (the conversation checkpoints).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import aiosqlite

from catalog.disk_full import disk_full_error
from reclmms.errors import DataError, StoreError, store_file_error

logger = logging.getLogger(__name__)

CATALOG_REMEDY = "restore it from a backup, or move it aside and run `reclmms ingest demo|hm|catalog` again"
CHECKPOINTS_REMEDY = "restore it from a backup, or move it aside to start again with no saved conversations"

# Every table (virtual ones are read through their shadow tables); reading its first row reads its root page
# and the pages down to its first leaf.
_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%'"

_VERSIONS_DDL = """
CREATE TABLE IF NOT EXISTS schema_versions (
    component TEXT PRIMARY KEY,
    version INTEGER NOT NULL
)
"""


def _make_data_dir(folder: Path) -> None:
    """Create the database's folder (the data dir); DataError naming it when that cannot be done."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder)
        raise DataError(f"cannot use {folder} as the data directory: {blocker} is a file, not a folder") from None
    except OSError as exc:  # no permission, a read-only or odd file system
        raise DataError(f"cannot create the data directory {folder}: {exc.strerror}") from None


def read_only_reason(path: Path) -> str | None:
    """Why the database at ``path`` (or its folder) cannot be written, or None when it can."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "it is on a read-only file system"
    except OSError:
        pass
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return "it cannot be written (permission denied)"
    return None


def _first_row_query(table: str) -> str:
    return 'SELECT * FROM "{}" LIMIT 1'.format(table.replace('"', '""'))


def damaged_error(path: Path, exc: BaseException, remedy: str = CATALOG_REMEDY) -> StoreError | None:
    """The StoreError for a SQLite error that says the file at ``path`` is not a database or is damaged
    (``SQLITE_NOTADB``, ``SQLITE_CORRUPT``), else None."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    if name.startswith("SQLITE_NOTADB"):
        return store_file_error(path, "is not a SQLite database", remedy)
    if name.startswith("SQLITE_CORRUPT"):
        return store_file_error(path, f"is damaged ({exc})", remedy)
    return None


def _open_error(path: Path, exc: BaseException, remedy: str = CATALOG_REMEDY) -> StoreError:
    """A one-line StoreError saying why the SQLite database at ``path`` could not be opened."""
    if path.is_dir():
        return StoreError(f"cannot open the database {path}: it is a folder, not a file")
    damaged = damaged_error(path, exc, remedy)
    if damaged is not None:
        return damaged
    full = disk_full_error(exc, path.parent, f"cannot open the database {path.name}")
    if full is not None:
        return full
    reason = read_only_reason(path)
    if reason is not None:
        return StoreError(
            f"cannot use the data directory {path.parent}: {reason}, and the store needs to write "
            f"{path.name} there (give a writable [storage] data_dir)"
        )
    return StoreError(f"cannot open the database {path}: {exc}")


def connect_existing(path: Path, timeout: float) -> sqlite3.Connection:
    """A connection to the SQLite file at ``path`` that never creates it (``mode=rw`` opens it only if it is
    there; unlike ``mode=ro`` it also removes the WAL files it opened when it closes); for checks that read."""
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True, timeout=timeout)


def has_articles(path: Path) -> bool | None:
    """Whether the SQLite store at ``path`` holds at least one article (read only); None when it cannot be
    read here (not a database, locked, unreadable): the command's own open then says why."""
    try:
        conn = connect_existing(path, 5)
    except sqlite3.Error:
        return None
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'").fetchone() is None:
            return False
        return conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def check_sqlite_file(path: Path, remedy: str) -> None:
    """Raise StoreError when the SQLite file at ``path`` is a folder, not a database, visibly damaged or cannot
    be opened for writing; ``remedy`` says what the operator can do. Read only: the file is never created or
    changed (``connect_existing``), and a file that is not there is no error."""
    if path.is_dir():
        raise store_file_error(path, "is a folder, not a SQLite database", remedy)
    if not path.exists():
        return
    try:
        conn = connect_existing(path, 30)
    except sqlite3.Error as exc:
        raise _open_error(path, exc, remedy) from None
    try:
        for (table,) in conn.execute(_TABLES).fetchall():
            conn.execute(_first_row_query(table)).fetchone()
    except sqlite3.Error as exc:
        raise _open_error(path, exc, remedy) from None
    finally:
        conn.close()
    reason = read_only_reason(path)
    if reason is not None:
        raise StoreError(f"cannot use the data directory {path.parent}: {reason}, and {path.name} there "
                         "needs to be written (give a writable [storage] data_dir)")


async def _read_first_rows(conn: aiosqlite.Connection) -> None:
    """Read each table's first row: a file that is not a database, or whose pages are garbage, fails here."""
    async with conn.execute(_TABLES) as cur:
        tables = [str(row[0]) for row in await cur.fetchall()]
    for table in tables:
        async with conn.execute(_first_row_query(table)) as cur:
            await cur.fetchone()


def find_damaged(files: Sequence[tuple[Path, str]], budget_s: float = 10.0) -> StoreError | None:
    """The first of ``files`` (a path and its remedy) that ``PRAGMA quick_check`` finds damaged, for a damage
    that showed only in the middle of a command, where the error does not say which file it was in. Read only;
    the checks stop after ``budget_s`` in all (a large store takes longer), and None then says none was found."""
    deadline = time.monotonic() + budget_s
    for path, remedy in files:
        if not path.is_file():
            continue
        try:
            conn = connect_existing(path, 5)
        except sqlite3.Error:
            continue
        try:
            conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
            if [tuple(row) for row in conn.execute("PRAGMA quick_check").fetchall()] != [("ok",)]:
                return store_file_error(path, "is damaged (database disk image is malformed)", remedy)
        except sqlite3.Error as exc:  # damaged, or interrupted by the deadline
            damaged = damaged_error(path, exc, remedy)
            if damaged is not None:
                return damaged
        finally:
            conn.close()
    return None


class Database:
    """An open aiosqlite connection in WAL mode. Use ``async with Database(path) as db``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def open(self) -> Database:
        if self._conn is not None:
            return self
        if str(self.path) != ":memory:":
            _make_data_dir(self.path.parent)
            if self.path.is_dir():
                raise _open_error(self.path, sqlite3.OperationalError("a folder"))
        try:
            conn = await aiosqlite.connect(self.path, timeout=30)
        except sqlite3.Error as exc:
            raise _open_error(self.path, exc) from None
        try:
            conn.row_factory = aiosqlite.Row
            await _read_first_rows(conn)  # before anything is written to it
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA synchronous=NORMAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA busy_timeout=30000")
            await conn.execute(_VERSIONS_DDL)
            await conn.commit()
        except BaseException as exc:
            # aiosqlite runs each connection on a non-daemon thread: a connection left open
            # here would keep the process alive after the error.
            await conn.close()
            if isinstance(exc, sqlite3.DatabaseError):  # locked, read-only, full, not a database, damaged
                raise _open_error(self.path, exc) from None
            raise
        self._conn = conn
        return self

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def __aenter__(self) -> Database:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def schema_version(self, component: str) -> int:
        async with self.conn.execute(
            "SELECT version FROM schema_versions WHERE component = ?", (component,)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, component: str, migrations: Sequence[str]) -> int:
        """Apply the scripts of ``migrations`` not yet applied for ``component``; return the version."""
        current = await self.schema_version(component)
        if current > len(migrations):
            raise RuntimeError(
                f"database schema for {component} is version {current}, newer than this code "
                f"({len(migrations)}); upgrade reclmms"
            )
        for version, script in enumerate(migrations[current:], start=current + 1):
            logger.info("migrating %s schema to version %d", component, version)
            try:
                await self.conn.executescript(
                    "BEGIN;\n"
                    + script
                    + f"\nINSERT INTO schema_versions(component, version) VALUES ('{component}', {version})"
                    " ON CONFLICT(component) DO UPDATE SET version = excluded.version;\nCOMMIT;"
                )
            except sqlite3.OperationalError as exc:
                full = disk_full_error(exc, self.path.parent, f"cannot update the {component} tables of {self.path.name}")
                if full is None:
                    raise
                if self.conn.in_transaction:
                    await self.conn.rollback()
                raise full from None
        return len(migrations)


def damaged_store(catalog: Path, conversations: Path, exc: BaseException, *,
                  conversations_first: bool = False) -> StoreError | None:
    """For a SQLite error that says a database is damaged or not a database, raised in the middle of a command
    or turn (where it does not say which file): the one-line error naming the catalog's store or the
    conversations' that ``find_damaged`` finds damaged, checked in that order (the conversations' first with
    ``conversations_first``); None for any other error, or when neither check finds the damage."""
    if not isinstance(exc, sqlite3.DatabaseError) or damaged_error(catalog, exc) is None:
        return None
    files = [(catalog, CATALOG_REMEDY), (conversations, CHECKPOINTS_REMEDY)]
    return find_damaged(files[::-1] if conversations_first else files)
