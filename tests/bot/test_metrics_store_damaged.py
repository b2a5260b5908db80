"""Offline: the bot's metrics when reclmms.sqlite3 is damaged (or locked) while the bot runs, on a real SQLite file.

The flush loop logs one line naming the file, that it is damaged and to restore it from a backup, when the
flushes start failing, and one when they work again; never a traceback per flush. The rows stay buffered
(bounded), the loop keeps running, and /stats' figures raise ``StoreError`` with that line, not a raw
``sqlite3.DatabaseError``."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.stats import collect_stats, stats_unavailable_html
from bot.store import MetricsStore, TurnRecord, UpdateLog, ensure_bot_schema
from bot.write_behind import RowBuffer, flush_rows
from catalog.db import Database
from reclmms.errors import StoreError
from tests.core.store_damage import CATALOG_REMEDY, garbage_pages

FLUSH_S = 0.02


@pytest.fixture
async def store(tmp_path: Path) -> Path:
    """A store with the bot's tables over several pages, closed (its pages are in the file, not a WAL)."""
    path = tmp_path / "reclmms.sqlite3"
    async with Database(path) as db:
        await ensure_bot_schema(db)
        await db.conn.executemany("INSERT INTO bot_messages(user_id, chat_id, kind, at) VALUES (?, ?, ?, ?)",
                                  [(n, n, "message" * 20, float(n)) for n in range(2000)])
        await db.conn.commit()
    return path


def stores(db: Database) -> tuple[UpdateLog, MetricsStore]:
    updates, metrics = UpdateLog(db), MetricsStore(db, flush_every_s=FLUSH_S)
    metrics.also_flush.append(updates.flush)  # as the bot wires them
    return updates, metrics


async def traffic(updates: UpdateLog, metrics: MetricsStore, first: int, n: int) -> None:
    for i in range(first, first + n):
        assert await updates.claim(i)
        await metrics.message(1, 1, "message")
        await metrics.turn(TurnRecord(user_id=1, chat_id=1, seconds=1.0))
        await asyncio.sleep(FLUSH_S)


def bot_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("bot.") and r.levelname in ("WARNING", "ERROR")]


async def test_a_store_damaged_while_running_is_one_line_and_the_rows_wait(
    store: Path, caplog: pytest.LogCaptureFixture
) -> None:
    damaged = f"{store} is damaged (database disk image is malformed): {CATALOG_REMEDY}"
    async with Database(store) as db:
        updates, metrics = stores(db)
        metrics.start()
        with caplog.at_level("DEBUG"):
            await traffic(updates, metrics, 1, 3)
            garbage_pages(store)  # as `dd` over the file's pages while the bot runs
            await db.conn.execute("PRAGMA shrink_memory")  # the pages it had read before are read again
            await traffic(updates, metrics, 100, 20)  # some 20 flushes, each one failing
            assert metrics._task is not None and not metrics._task.done()  # the loop goes on
            assert metrics.waiting() >= 40  # nothing lost: the rows wait in memory
            with pytest.raises(StoreError) as raised:
                await collect_stats(metrics)
            assert str(raised.value) == damaged
            assert stats_unavailable_html(raised.value) == f"<b>RecLMMs stats</b> are unavailable: {damaged}"
            with pytest.raises(StoreError, match="is damaged"):
                await metrics.close()
        lines = bot_lines(caplog)
        assert not any(r.exc_info for r in lines)
        failing = [r.getMessage() for r in lines if r.getMessage().startswith("could not write the bot metrics")]
        assert len(failing) == 1 and f"bot metrics: {damaged} (" in failing[0], failing
        assert any("rows of bot metrics are lost" in r.getMessage() for r in lines)  # at close: counted


async def test_a_store_locked_for_a_while_is_one_line_when_it_fails_and_one_when_it_works_again(
    store: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with Database(store) as db:
        await db.conn.execute("PRAGMA busy_timeout = 10")
        updates, metrics = stores(db)
        metrics.start()
        other = sqlite3.connect(store, isolation_level=None)  # another process holding the write lock
        with caplog.at_level("INFO"):
            other.execute("BEGIN IMMEDIATE")
            try:
                await traffic(updates, metrics, 1, 10)
            finally:
                other.execute("ROLLBACK")
                other.close()
            await traffic(updates, metrics, 20, 5)
            await metrics.close()
        messages = [r.getMessage() for r in caplog.records if r.name.startswith("bot.")]
        assert len(messages) == 2, messages
        assert messages[0].startswith(f"could not write the bot metrics: {store}: database is locked (")
        assert messages[1].startswith("the bot metrics are written again, after ")
        assert not any(r.exc_info for r in caplog.records)
        async with db.conn.execute("SELECT COUNT(*) FROM bot_messages WHERE kind = 'message'") as cur:
            assert (await cur.fetchone())[0] == 15  # every one written, once


async def test_a_full_buffer_says_once_that_it_drops_rows_and_counts_them_when_written_again(
    store: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = True

    async def write(conn: object, row: int) -> None:
        if broken:
            raise sqlite3.OperationalError("disk I/O error")
        await db.conn.execute("INSERT INTO bot_errors(at, kind) VALUES (?, ?)", (row, "x"))

    async with Database(store) as db:
        rows: RowBuffer[int] = RowBuffer("test", write, limit=3)
        with caplog.at_level("WARNING"):
            for n in range(10):  # a flush per row added, each failing: 7 rows dropped over 7 flushes
                rows.add(n)
                with pytest.raises(sqlite3.OperationalError):
                    await flush_rows(db.conn, [rows])
            broken = False
            assert await flush_rows(db.conn, [rows]) == 3
        assert [r.getMessage() for r in caplog.records] == [
            "3 test rows are waiting to be written: the oldest are dropped until the database can be written",
            "dropped the 7 oldest test rows: they could not be written for too long"]
        async with db.conn.execute("SELECT at FROM bot_errors ORDER BY at") as cur:
            assert [int(r[0]) for r in await cur.fetchall()] == [7, 8, 9]
