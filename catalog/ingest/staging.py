"""Staged tables: an ingest writes the new catalog, customers and histories beside the live tables
and swaps them in at the end, so a failed or interrupted ingest leaves the stores as they were.

- SQLite: ``staged_<table>`` has the live table's own definition (read from ``sqlite_master``, so
  it follows the migrations) without its secondary indexes. ``swap_sqlite`` renames each staged
  table over its live table and rebuilds the indexes, in one transaction.
- DuckDB: ``staged_<table>`` tables are renamed over the live ones in one transaction
  (``swap_duck``); the tables they replace are kept as ``replaced_<table>`` until the SQLite swap
  has committed, so ``undo_duck_swap`` can put them back if it fails.

Staged tables outlive a failed run: a re-run from the same input resumes from them. A successful
swap drops whatever is left (``drop_leftovers``): tables staged by an earlier failed run from other
input.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence

import duckdb

from catalog.db import Database

STAGED = "staged_"
REPLACED = "replaced_"

_CREATE_TABLE = re.compile(r'^\s*CREATE\s+TABLE\s+(?:"[^"]+"|\[[^\]]+\]|`[^`]+`|\w+)', re.IGNORECASE)


def staged(table: str) -> str:
    return STAGED + table


async def sqlite_has(db: Database, table: str) -> bool:
    async with db.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)) as cur:
        return await cur.fetchone() is not None


async def create_staged(db: Database, table: str) -> str:
    """A new, empty ``staged_<table>`` defined like ``table`` (an earlier one is dropped); return its name."""
    async with db.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)) as cur:
        row = await cur.fetchone()
    if row is None:
        raise RuntimeError(f"table {table} does not exist")
    ddl, found = _CREATE_TABLE.subn(f"CREATE TABLE {staged(table)}", str(row[0]), count=1)
    if not found:
        raise RuntimeError(f"cannot read the definition of table {table}")
    await db.conn.execute(f"DROP TABLE IF EXISTS {staged(table)}")
    await db.conn.execute(ddl)
    await db.conn.commit()
    return staged(table)


async def swap_sqlite(
    db: Database, tables: Sequence[str], also: Callable[[], Awaitable[None]] | None = None
) -> None:
    """Replace each live table by its staged table and run ``also`` (more writes), in one transaction."""
    conn = db.conn
    await conn.commit()
    await conn.execute("BEGIN IMMEDIATE")
    try:
        for table in tables:
            async with conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)
            ) as cur:
                indexes = [str(r[0]) for r in await cur.fetchall()]
            await conn.execute(f"ALTER TABLE {table} RENAME TO {REPLACED}{table}")
            await conn.execute(f"ALTER TABLE {staged(table)} RENAME TO {table}")
            await conn.execute(f"DROP TABLE {REPLACED}{table}")
            for sql in indexes:
                await conn.execute(sql)
        if also is not None:
            await also()
        await conn.commit()
    except BaseException:
        await conn.rollback()
        raise


def duck_has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND database_name = current_database() "
        "AND schema_name = current_schema()",
        [table],
    ).fetchone()
    return bool(row and row[0])


def _in_transaction(con: duckdb.DuckDBPyConnection, statements: Sequence[str]) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        for sql in statements:
            con.execute(sql)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def swap_duck(con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> None:
    """Rename each ``staged_<table>`` to ``<table>``, keeping the live one as ``replaced_<table>``."""
    statements: list[str] = []
    for table in tables:
        statements.append(f"DROP TABLE IF EXISTS {REPLACED}{table}")
        if duck_has(con, table):
            statements.append(f"ALTER TABLE {table} RENAME TO {REPLACED}{table}")
        statements.append(f"ALTER TABLE {staged(table)} RENAME TO {table}")
    _in_transaction(con, statements)


def undo_duck_swap(con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> None:
    """Put back what ``swap_duck`` replaced (the new tables become staged again)."""
    statements: list[str] = []
    for table in tables:
        statements.append(f"ALTER TABLE {table} RENAME TO {staged(table)}")
        if duck_has(con, REPLACED + table):
            statements.append(f"ALTER TABLE {REPLACED}{table} RENAME TO {table}")
    _in_transaction(con, statements)


def drop_replaced(con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> None:
    _in_transaction(con, [f"DROP TABLE IF EXISTS {REPLACED}{t}" for t in tables])


async def drop_leftovers(db: Database, con: duckdb.DuckDBPyConnection) -> None:
    """Drop every staged table still there (a swap has just made the ones in use live)."""
    async with db.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ?", (len(STAGED), STAGED)
    ) as cur:
        names = [str(r[0]) for r in await cur.fetchall()]
    for name in names:
        await db.conn.execute(f"DROP TABLE IF EXISTS {name}")
    await db.conn.commit()
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = current_schema() AND starts_with(table_name, ?)",
        [STAGED],
    ).fetchall()
    _in_transaction(con, [f"DROP TABLE IF EXISTS {r[0]}" for r in rows])
