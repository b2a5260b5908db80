"""Offline: the bot's write-behind buffers (update ids, /stats figures) on a real SQLite file.
A flush that fails keeps its rows for the next one; a row that SQLite can never take is dropped
with a warning and does not hold the others back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import MetricsStore, TurnRecord, UpdateLog, ensure_bot_schema
from bot.write_behind import RowBuffer, flush_rows
from catalog.db import Database


@pytest.fixture
async def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    async with Database(tmp_path / "t.sqlite3") as database:
        await ensure_bot_schema(database)
        yield database


async def count(db: Database, sql: str) -> int:
    async with db.conn.execute(sql) as cur:
        row = await cur.fetchone()
    return int(row[0])


def stores(db: Database) -> tuple[UpdateLog, MetricsStore]:
    updates, metrics = UpdateLog(db), MetricsStore(db)
    metrics.also_flush.append(updates.flush)  # as the bot wires them
    return updates, metrics


async def test_a_row_sqlite_refuses_is_dropped_and_the_others_are_written(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    updates, metrics = stores(db)
    assert await updates.claim("abc")  # type: ignore[arg-type]  # not an integer: SQLite refuses it
    assert await updates.claim(41)
    await metrics.seen_user("u1", "bad", "Bad", "en")  # type: ignore[arg-type]
    await metrics.seen_user(1, "ann", "Ann", "en")
    await metrics.message(1, 1, "message")
    await metrics.turn(TurnRecord(user_id=1, chat_id=1, seconds=1.0, terms=[("category", "dress")]))
    await metrics.error("RuntimeError")
    with caplog.at_level("WARNING"):
        await metrics.flush()
        await metrics.flush()  # nothing left over: no second warning
    dropped = [r.getMessage() for r in caplog.records if "dropping" in r.getMessage()]
    assert len(dropped) == 2 and "'abc'" in dropped[0]
    assert await count(db, "SELECT COUNT(*) FROM bot_updates WHERE update_id = 41") == 1
    assert await count(db, "SELECT COUNT(*) FROM bot_users") == 1
    assert await count(db, "SELECT COUNT(*) FROM bot_messages") == 1
    assert await count(db, "SELECT COUNT(*) FROM bot_turns") == 1
    assert await count(db, "SELECT COUNT(*) FROM bot_turn_terms") == 1
    assert await count(db, "SELECT COUNT(*) FROM bot_errors") == 1
    assert not await UpdateLog(db).claim(41)  # after a restart the id is still known


async def test_a_failed_flush_keeps_its_rows_for_the_next_one(db: Database, tmp_path: Path) -> None:
    updates, metrics = stores(db)
    assert await updates.claim(51)
    await metrics.seen_user(2, "bob", "Bob", "en")
    await metrics.message(2, 2, "message")
    await metrics.turn(TurnRecord(user_id=2, chat_id=2, seconds=2.0))
    await db.conn.execute("PRAGMA busy_timeout = 100")
    other = sqlite3.connect(tmp_path / "t.sqlite3", isolation_level=None)  # another process writing
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await metrics.flush()
    finally:
        other.execute("ROLLBACK")
        other.close()
    await metrics.flush()
    assert await count(db, "SELECT COUNT(*) FROM bot_updates WHERE update_id = 51") == 1
    assert await count(db, "SELECT COUNT(*) FROM bot_users WHERE user_id = 2") == 1
    assert await count(db, "SELECT COUNT(*) FROM bot_messages") == 1  # written once, not lost, not twice
    assert await count(db, "SELECT COUNT(*) FROM bot_turns") == 1


async def test_a_buffer_that_cannot_be_written_keeps_only_its_newest_rows(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    async def write(conn: object, row: int) -> None:
        await db.conn.execute("INSERT INTO bot_errors(at, kind) VALUES (?, ?)", (row, "x"))

    rows: RowBuffer[int] = RowBuffer("test", write, limit=3)
    for n in range(5):
        rows.add(n)
    assert len(rows) == 3
    with caplog.at_level("WARNING"):
        assert await flush_rows(db.conn, [rows]) == 3
    assert any("dropped the 2 oldest test rows" in r.getMessage() for r in caplog.records)
    async with db.conn.execute("SELECT at FROM bot_errors ORDER BY at") as cur:
        assert [int(r[0]) for r in await cur.fetchall()] == [2, 3, 4]


async def test_a_turn_is_written_with_its_terms_or_not_at_all(db: Database) -> None:
    """A turn and its searched terms are one statement: when the terms cannot be written (the database's own
    trouble, here a table gone), the turn is not committed either, and the next flush writes it once, whole."""
    metrics = MetricsStore(db)
    await metrics.message(3, 3, "message")
    await metrics.turn(TurnRecord(user_id=3, chat_id=3, seconds=1.5, tools=["search_catalog"],
                                  terms=[("category", "dress"), ("colour", "black")]))
    await db.conn.execute("CREATE TRIGGER broken BEFORE INSERT ON bot_turn_terms BEGIN"
                          " INSERT INTO no_such_table VALUES (1); END")
    await db.conn.commit()
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        await metrics.flush()
    assert await count(db, "SELECT COUNT(*) FROM bot_turns") == 0  # the message before it is committed, not it
    assert await count(db, "SELECT COUNT(*) FROM bot_messages") == 1
    await db.conn.execute("DROP TRIGGER broken")
    await db.conn.commit()
    await metrics.flush()
    assert await count(db, "SELECT COUNT(*) FROM bot_turns") == 1  # once, not twice
    async with db.conn.execute("SELECT t.seconds, x.kind, x.value FROM bot_turns t JOIN bot_turn_terms x"
                               " ON x.turn_id = t.id ORDER BY x.kind") as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [(1.5, "category", "dress"), (1.5, "colour", "black")]
