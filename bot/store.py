"""The bot's SQLite tables (component ``bot``) behind small async repositories.

Tables: users, account links and link codes (``bot.link_store.LinkStore``), messages, turns (metrics), turn terms
(searched categories and colours), errors, processed update ids, messages accepted but not
answered yet (``bot_pending``, used by ``bot.pending``), chats that go on with another chat's
conversation (``bot_chat_moves``, used by ``bot.sessions``) and albums' leading photos (``bot_albums``,
used by ``bot.albums``). All timestamps are Unix seconds (UTC).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite

from bot.link_store import LinkStore
from bot.own_connection import own_connection
from bot.write_behind import FlushTrouble, RowBuffer, flush_rows
from catalog.db import Database, damaged_error
from reclmms.errors import StoreError, describe_error

__all__ = ["BOT_MIGRATIONS", "LinkStore", "MetricsStore", "TurnRecord", "UpdateLog", "UserStore",
           "ensure_bot_schema", "stop_task", "store_error"]

logger = logging.getLogger(__name__)
Rows = Callable[..., Awaitable[list[tuple[Any, ...]]]]  # rows(sql, params=()): the rows of a query

BOT_MIGRATIONS: list[str] = [
    # 1: users, links, codes, messages, metrics, processed updates
    """
    CREATE TABLE bot_users (
        user_id INTEGER PRIMARY KEY,
        username TEXT,
        first_name TEXT,
        language_code TEXT,
        first_seen REAL NOT NULL,
        last_seen REAL NOT NULL
    );

    CREATE TABLE bot_links (
        user_id INTEGER PRIMARY KEY,
        customer_id TEXT NOT NULL,
        linked_at REAL NOT NULL
    );

    CREATE TABLE bot_link_codes (
        nonce TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        used_at REAL,
        used_by INTEGER
    );

    CREATE TABLE bot_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL,
        chat_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        at REAL NOT NULL
    );
    CREATE INDEX bot_messages_at ON bot_messages(at);

    CREATE TABLE bot_turns (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL,
        chat_id INTEGER NOT NULL,
        at REAL NOT NULL,
        seconds REAL NOT NULL,
        llm_seconds REAL NOT NULL DEFAULT 0,
        photo INTEGER NOT NULL DEFAULT 0,
        products INTEGER NOT NULL DEFAULT 0,
        ungrounded_dropped INTEGER NOT NULL DEFAULT 0,
        intent TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL DEFAULT '',
        tools TEXT NOT NULL DEFAULT '[]',
        ok INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX bot_turns_at ON bot_turns(at);

    CREATE TABLE bot_turn_terms (
        turn_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL
    );

    CREATE TABLE bot_errors (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at REAL NOT NULL,
        kind TEXT NOT NULL
    );

    CREATE TABLE bot_updates (
        update_id INTEGER PRIMARY KEY,
        at REAL NOT NULL
    );
    """,
    # 2: messages accepted and not answered yet (bot/pending.py)
    """
    CREATE TABLE bot_pending (
        update_id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        language_code TEXT,
        summary TEXT NOT NULL,
        update_json TEXT NOT NULL,
        accepted_at REAL NOT NULL,
        starts INTEGER NOT NULL DEFAULT 0,
        owner TEXT NOT NULL,
        alive_at REAL NOT NULL
    );
    """,
    # 3: a group upgraded to a supergroup goes on with the group's conversation (bot/sessions.py)
    """
    CREATE TABLE bot_chat_moves (
        chat_id INTEGER PRIMARY KEY,
        session_chat_id INTEGER NOT NULL,
        moved_at REAL NOT NULL
    );
    """,
    # 4: a turn stopped with /cancel is told apart from a failed one; and the searched categories and
    # colours are what the shopper asked for. Earlier versions counted the first product shown when the
    # tools had no filter: a photo's look-alikes, history, recommendations. Those terms go: such a turn
    # made no search_catalog call, whose filters are the only ones with a category.
    """
    ALTER TABLE bot_turns ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;
    DELETE FROM bot_turn_terms WHERE turn_id IN (
        SELECT t.id FROM bot_turns t
        WHERE t.tools NOT LIKE '%"search_catalog"%'
          AND EXISTS (SELECT 1 FROM bot_turn_terms x WHERE x.turn_id = t.id AND x.kind = 'category')
    );
    """,
    # 5: the photo that answers for an album, and its caption (bot/albums.py)
    """
    CREATE TABLE bot_albums (
        chat_id INTEGER NOT NULL,
        media_group_id TEXT NOT NULL,
        update_id INTEGER NOT NULL,
        caption TEXT NOT NULL,
        seen_at REAL NOT NULL,
        PRIMARY KEY (chat_id, media_group_id)
    );
    """,
    # 6: a turn and its terms are one statement (a trigger writes the terms given with the turn), so that no
    # commit, the flush's or another coroutine's on the shared connection, can take the turn without them;
    # and /stats reads the latency percentiles from an index
    """
    ALTER TABLE bot_turns ADD COLUMN terms TEXT NOT NULL DEFAULT '[]';
    CREATE TRIGGER bot_turns_terms AFTER INSERT ON bot_turns WHEN NEW.terms <> '[]' BEGIN
        INSERT INTO bot_turn_terms(turn_id, kind, value)
        SELECT NEW.id, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]') FROM json_each(NEW.terms) AS j;
    END;
    CREATE INDEX bot_turns_ok_seconds ON bot_turns(ok, seconds);
    """,
]


async def stop_task(task: asyncio.Task[None] | None) -> None:
    """Cancel a background loop and wait until it has stopped."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def ensure_bot_schema(db: Database) -> int:
    return await db.migrate("bot", BOT_MIGRATIONS)


def store_error(path: Path, exc: BaseException, doing: str) -> StoreError:
    """The one line for a SQLite failure on the store at ``path``: a file that is damaged or no database is
    ``store_file_error`` (the file, what is wrong, restore it from a backup); any other failure says what could not
    be done (``doing``: "read the bot's figures from") and why."""
    return damaged_error(path, exc) or StoreError(f"could not {doing} {path}: {describe_error(exc)}")


class UserStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def touch(
        self, user_id: int, username: str | None, first_name: str | None, language_code: str | None
    ) -> None:
        now = time.time()
        await self._db.conn.execute(
            "INSERT INTO bot_users(user_id, username, first_name, language_code, first_seen, last_seen)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET username = excluded.username,"
            " first_name = excluded.first_name, language_code = excluded.language_code,"
            " last_seen = excluded.last_seen",
            (user_id, username, first_name, language_code, now, now),
        )
        await self._db.conn.commit()


@dataclass(slots=True)
class TurnRecord:
    user_id: int
    chat_id: int
    seconds: float
    llm_seconds: float = 0.0
    photo: bool = False
    products: int = 0
    ungrounded_dropped: int = 0
    intent: str = ""
    language: str = ""
    tools: list[str] = field(default_factory=list)
    terms: list[tuple[str, str]] = field(default_factory=list)  # ("category"|"colour", value) asked for
    ok: bool = True  # answered; neither failed nor cancelled
    cancelled: bool = False  # stopped with /cancel


class MetricsStore:
    """Users seen, messages, turns, errors: what /stats reports.

    Writes are buffered and flushed in one transaction every ``flush_every_s`` (and before any
    read, and on close), so a busy bot pays one SQLite commit per interval, not four per update.
    A flush that fails keeps its rows for the next one (``bot.write_behind``); the flush loop logs one line
    when the flushes start failing (for a damaged file: the file, and to restore it from a backup) and one when
    they work again. ``rows`` and ``reading`` raise ``StoreError`` when the tables cannot be flushed or read.
    """

    def __init__(self, db: Database, flush_every_s: float = 0.5) -> None:
        self._db = db
        self.flush_every_s = flush_every_s
        self._users: RowBuffer[tuple[int, str | None, str | None, str | None, float]] = RowBuffer("user", _write_user)
        self._messages: RowBuffer[tuple[int, int, str, float]] = RowBuffer("message", _write_message)
        self._turns: RowBuffer[tuple[TurnRecord, float]] = RowBuffer("turn", _write_turn)
        self._errors: RowBuffer[tuple[float, str]] = RowBuffer("error", _write_error)
        self._task: asyncio.Task[None] | None = None
        self._flush_lock = asyncio.Lock()
        self.also_flush: list[Callable[[], Awaitable[None]]] = []  # other write-behind buffers

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._flush_loop())

    async def close(self) -> None:
        """Stop the flush loop and write what is buffered; when that fails, the rows lost are counted in the
        log and the failure is raised (a damaged file: ``StoreError`` naming it)."""
        await stop_task(self._task)
        self._task = None
        try:
            await self.flush()
        except sqlite3.Error as exc:
            logger.warning("%d rows of bot metrics are lost: they could not be written", self.waiting())
            raise store_error(self._db.path, exc, "write the bot's figures to") from None

    def waiting(self) -> int:
        """The rows buffered and not written yet."""
        return sum(len(b) for b in (self._users, self._messages, self._turns, self._errors))

    def _describe(self, exc: BaseException) -> str:
        """Why a flush failed, in one line: for a damaged file, which, and to restore it from a backup."""
        if isinstance(exc, sqlite3.Error):
            return str(damaged_error(self._db.path, exc) or f"{self._db.path}: {describe_error(exc)}")
        return describe_error(exc)

    async def _flush_loop(self) -> None:
        trouble = FlushTrouble("bot metrics", self._describe)
        while True:
            await asyncio.sleep(self.flush_every_s)
            try:
                await self.flush()
            except Exception as exc:  # noqa: BLE001 - keep flushing; the rows stay buffered
                trouble.failed(exc, self.waiting())
            else:
                trouble.succeeded()

    async def seen_user(
        self, user_id: int, username: str | None, first_name: str | None, language_code: str | None
    ) -> None:
        self._users.add((user_id, username, first_name, language_code, time.time()), key=user_id)

    async def message(self, user_id: int, chat_id: int, kind: str) -> None:
        self._messages.add((user_id, chat_id, kind, time.time()))

    async def turn(self, rec: TurnRecord) -> None:
        self._turns.add((rec, time.time()))

    async def error(self, kind: str) -> None:
        self._errors.add((time.time(), kind))

    async def flush(self) -> None:
        """Write every buffer, each on its own (one that fails does not keep the others back);
        raises the first failure once all were tried."""
        failures: list[Exception] = []
        for hook in self.also_flush:
            try:
                await hook()
            except Exception as exc:  # noqa: BLE001 - raised below, after the other buffers
                failures.append(exc)
        try:
            async with self._flush_lock:
                await flush_rows(self._db.conn, [self._users, self._messages, self._turns, self._errors])
        except Exception as exc:  # noqa: BLE001
            failures.append(exc)
        if failures:
            raise failures[0]

    async def rows(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        async with self._readable():
            await self.flush()
            async with self._db.conn.execute(sql, tuple(params)) as cur:
                return [tuple(r) for r in await cur.fetchall()]

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[Rows]:
        """The buffers flushed, then ``rows(sql, params)`` on a connection of its own, for a batch of long reads
        (/stats) that the shared connection's other work does not queue behind (``bot.own_connection``)."""
        async with self._readable():
            await self.flush()
            async with own_connection(self._db) as conn:

                async def rows(sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
                    async with conn.execute(sql, tuple(params)) as cur:
                        return [tuple(r) for r in await cur.fetchall()]

                yield rows

    @contextlib.asynccontextmanager
    async def _readable(self) -> AsyncIterator[None]:
        """SQLite failures of the flush or the reads as ``StoreError``: one line for the admin and the log."""
        try:
            yield
        except sqlite3.Error as exc:
            raise store_error(self._db.path, exc, "read the bot's figures from") from None


class UpdateLog:
    """Update ids already taken, so that no update is processed twice (restarts, webhook retries).

    Each id is checked on its own, never against the highest one seen: Telegram may start its ids
    lower again (after a week without updates the next id is random, and a new token on an old data
    dir starts elsewhere). Telegram keeps an unconfirmed update for 24 hours, so ids are kept for
    ``KEEP_S`` (two days), in memory and written behind (``flush``, driven by the metrics flusher and
    run on shutdown).
    """

    KEEP_S = 2 * 86_400.0
    MAX_IN_MEMORY = 200_000  # ids held before the old ones are dropped early (a flood of updates)

    def __init__(self, db: Database) -> None:
        self._db = db
        self._seen: dict[int, float] | None = None
        self._pending: RowBuffer[tuple[int, float]] = RowBuffer("update id", _write_update, limit=self.MAX_IN_MEMORY)
        self._flush_lock = asyncio.Lock()

    async def load(self) -> None:
        since = time.time() - self.KEEP_S
        async with self._db.conn.execute(
            "SELECT update_id, at FROM bot_updates WHERE at >= ? ORDER BY at DESC LIMIT ?", (since, self.MAX_IN_MEMORY)
        ) as cur:
            self._seen = {int(u): float(at) for u, at in await cur.fetchall()}

    async def claim(self, update_id: int) -> bool:
        """True the first time an update id is seen (within ``KEEP_S``); False for a duplicate."""
        if self._seen is None:
            await self.load()
        assert self._seen is not None
        if update_id in self._seen:
            return False
        now = time.time()
        self._seen[update_id] = now
        self._pending.add((update_id, now))
        if len(self._seen) > self.MAX_IN_MEMORY:
            cut = sorted(self._seen.values())[len(self._seen) - self.MAX_IN_MEMORY // 2]
            self._seen = {u: at for u, at in self._seen.items() if at >= cut}
        return True

    async def flush(self) -> None:
        """Write the ids claimed since the last flush (and forget those past ``KEEP_S``); a flush
        that fails keeps them for the next one."""

        async def prune(conn: aiosqlite.Connection) -> None:
            await conn.execute("DELETE FROM bot_updates WHERE at < ?", (time.time() - self.KEEP_S,))

        async with self._flush_lock:
            await flush_rows(self._db.conn, [self._pending], before_commit=prune)

    async def last(self) -> int | None:
        await self.flush()
        async with self._db.conn.execute("SELECT MAX(update_id) FROM bot_updates") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row and row[0] is not None else None


# --- one buffered row each (bot.write_behind) -------------------------------------------------
async def _write_user(conn: aiosqlite.Connection, row: tuple[int, str | None, str | None, str | None, float]) -> None:
    user_id, username, first_name, language_code, at = row
    await conn.execute(
        "INSERT INTO bot_users(user_id, username, first_name, language_code, first_seen, last_seen)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET username = excluded.username,"
        " first_name = excluded.first_name, language_code = excluded.language_code,"
        " last_seen = excluded.last_seen",
        (user_id, username, first_name, language_code, at, at),
    )


async def _write_message(conn: aiosqlite.Connection, row: tuple[int, int, str, float]) -> None:
    await conn.execute("INSERT INTO bot_messages(user_id, chat_id, kind, at) VALUES (?, ?, ?, ?)", row)


async def _write_turn(conn: aiosqlite.Connection, row: tuple[TurnRecord, float]) -> None:
    """One statement: the schema's trigger writes the terms (migration 6)."""
    rec, at = row
    await conn.execute(
        "INSERT INTO bot_turns(user_id, chat_id, at, seconds, llm_seconds, photo, products, ungrounded_dropped,"
        " intent, language, tools, ok, cancelled, terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (rec.user_id, rec.chat_id, at, rec.seconds, rec.llm_seconds, int(rec.photo), rec.products,
         rec.ungrounded_dropped, rec.intent, rec.language, json.dumps(rec.tools), int(rec.ok), int(rec.cancelled),
         json.dumps([[kind, value] for kind, value in rec.terms])),
    )


async def _write_error(conn: aiosqlite.Connection, row: tuple[float, str]) -> None:
    await conn.execute("INSERT INTO bot_errors(at, kind) VALUES (?, ?)", row)


async def _write_update(conn: aiosqlite.Connection, row: tuple[int, float]) -> None:
    await conn.execute("INSERT OR REPLACE INTO bot_updates(update_id, at) VALUES (?, ?)", row)
