"""Connections of their own to the database file, beside the shared one.

The bot's and the catalog's repositories share one aiosqlite connection (``catalog.db.Database``): its work runs
one statement at a time on one thread, each write is an implicit transaction, and any coroutine's ``commit``
commits whatever the connection holds. Two kinds of work do better on a short-lived connection of their own:

- writes that must happen both or neither (redeeming a link code): ``own_transaction`` runs them in
  ``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any failure, which no other coroutine can commit halfway;
- long reads (/stats over the whole history): ``own_connection`` keeps them off the shared connection's thread,
  so the chats' own reads and writes do not queue behind them (WAL: readers and the writer do not block).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator

import aiosqlite

from catalog.db import Database

BUSY_TIMEOUT_S = 30.0  # as the shared connection waits for another writer


@contextlib.asynccontextmanager
async def own_connection(db: Database) -> AsyncIterator[aiosqlite.Connection]:
    """A connection of its own to ``db``'s file (the shared one for an in-memory database), closed after."""
    if str(db.path) == ":memory:":
        yield db.conn
        return
    conn = await aiosqlite.connect(db.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        yield conn
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def own_transaction(db: Database) -> AsyncIterator[aiosqlite.Connection]:
    """A write transaction on a connection of its own to ``db``'s file: committed when the block ends, rolled
    back when it raises (or is cancelled) or when the commit fails; the connection is closed either way."""
    conn = await aiosqlite.connect(db.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        await conn.execute("BEGIN IMMEDIATE")
        yield conn
        await conn.execute("COMMIT")
    finally:
        try:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # the failure that brought us here is the one to raise
                    await conn.execute("ROLLBACK")
        finally:
            await conn.close()
