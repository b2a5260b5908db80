"""Messages the bot accepted but has not answered yet, kept in SQLite until they are answered.

python-telegram-bot confirms updates to Telegram as soon as it has fetched them (the next
getUpdates carries a higher offset; a webhook answers 200 at once), so after a crash Telegram
never sends them again, and the update log (``bot.store.UpdateLog``) only stops them from being
processed twice. So a text or photo message that will get a turn, and a button press (its cards
follow the chat's running turn), is written here, in one commit, before it waits for its turn,
and deleted once its handler is done with it, whatever the outcome (answered, refused, failed
with the apology, stopped by /cancel). A graceful stop lets running turns finish, so rows
outlive only a crash (or a stop that was cut short).

Rows belong to the process that accepted them (``owner``), which marks them alive every
``HEARTBEAT_S``. Another process, or the next one after a crash, adopts the rows of an owner
that is gone: at once when the owner ran on this host and its pid is gone (or is its own, as
after a container restart), else once the rows are ``STALE_S`` old. So several bot processes can
share the database (webhook mode) without answering each other's messages.

An adopted message goes back on the application's update queue, ahead of new updates; the
update log lets it through once, and the shopper first gets "sorry, I was restarted while
working on ...". A message whose turn already started ``MAX_STARTS`` times without finishing
(one that may be what crashes the bot), or that is older than ``MAX_AGE_S``, is not run again:
the shopper gets "please send it again" instead. A crash in the instant between a turn's last
message and the row's deletion repeats that answer: at least once, never lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from telegram import Bot, CallbackQuery, Message, Update

from bot.i18n import t
from bot.store import stop_task
from catalog.db import Database

logger = logging.getLogger(__name__)

HEARTBEAT_S = 5.0
STALE_S = 30.0
MAX_STARTS = 2
MAX_AGE_S = 3600.0
SUMMARY_CHARS = 60


@dataclass(frozen=True, slots=True)
class Pending:
    update_id: int
    chat_id: int
    language_code: str | None
    summary: str  # the message's first words ("" for a photo without a caption)
    update_json: str
    accepted_at: float
    starts: int
    owner: str


def _button_label(query: CallbackQuery) -> str:
    """The label of the button pressed, from the keyboard of the message it sits under ("" when unknown)."""
    markup = query.message.reply_markup if isinstance(query.message, Message) else None
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return ""


def summary_of(update: Update) -> str:
    """A message's first words, or the label of a button pressed."""
    if update.callback_query is not None:
        text = _button_label(update.callback_query)
    else:
        msg = update.effective_message
        text = (msg.text or msg.caption or "") if isinstance(msg, Message) else ""
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"


def describe(update: Update, lang: str) -> str:
    """'your message “…”', 'your photo' or 'your button press', for the notes about a restart."""
    msg = update.effective_message
    quote = summary_of(update)
    if update.callback_query is not None:
        return t(lang, "msg_button_quoted", quote=quote) if quote else t(lang, "msg_button")
    if isinstance(msg, Message) and (msg.photo or msg.document):
        return t(lang, "msg_photo_quoted", quote=quote) if quote else t(lang, "msg_photo")
    return t(lang, "msg_quoted", quote=quote)


def _owner_gone(owner: str, me: str) -> bool:
    """True when ``owner`` ran on this host and is no longer running (or was this pid before us)."""
    try:
        host, pid_text, _ = owner.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname():
        return False
    if pid == os.getpid():
        return owner != me
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # e.g. no permission: someone else's live process
        return False
    return False


class PendingTurns:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._resumed: dict[int, Update] = {}  # updates this process put back on the queue
        self._held: set[int] = set()  # ids of this process's rows
        self._task: asyncio.Task[None] | None = None

    def is_resumed(self, update: Update) -> bool:
        """True for an update put back on the queue after a restart (that very object: a copy
        that Telegram sends again is a duplicate, for the update log to skip)."""
        return self._resumed.get(update.update_id) is update

    # --- the life of one accepted message -------------------------------------------------
    @contextlib.asynccontextmanager
    async def holding(self, update: Update) -> AsyncIterator[None]:
        """Keep ``update`` until the block is done with it, answered or failed; a block cut off
        (cancelled as the bot stops mid-turn, or interrupted) leaves it for the next start."""
        await self._write(self._accept(update))
        try:
            yield
        except Exception:
            await self._write(self._finish(update.update_id))
            raise
        else:
            await self._write(self._finish(update.update_id))
        finally:
            self._resumed.pop(update.update_id, None)

    async def started(self, update_id: int) -> None:
        """The message's turn begins (counted, so that a message that crashes the bot is not run forever)."""
        await self._write(self._execute("UPDATE bot_pending SET starts = starts + 1 WHERE update_id = ?", (update_id,)))

    async def _accept(self, update: Update) -> None:
        chat = update.effective_chat
        user = update.effective_user
        now = time.time()
        self._held.add(update.update_id)
        await self._execute(
            "INSERT OR IGNORE INTO bot_pending(update_id, chat_id, language_code, summary, update_json, accepted_at,"
            " owner, alive_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (update.update_id, chat.id if chat else 0, user.language_code if user else None, summary_of(update),
             update.to_json(), now, self.owner, now),
        )

    async def _finish(self, update_id: int) -> None:
        self._held.discard(update_id)
        await self._execute("DELETE FROM bot_pending WHERE update_id = ?", (update_id,))

    async def _execute(self, sql: str, params: tuple[object, ...]) -> int:
        cur = await self._db.conn.execute(sql, params)
        await self._db.conn.commit()
        return int(cur.rowcount)

    async def _write(self, work: Awaitable[object]) -> None:
        """Bookkeeping never stops a turn: a failed write is logged (the message is then not
        kept across a crash, or is answered again after one)."""
        try:
            await work
        except Exception:  # noqa: BLE001
            logger.warning("could not update the pending-messages table", exc_info=True)

    # --- after a restart ----------------------------------------------------------------------
    async def rows(self) -> list[Pending]:
        async with self._db.conn.execute(
            "SELECT update_id, chat_id, language_code, summary, update_json, accepted_at, starts, owner, alive_at"
            " FROM bot_pending ORDER BY update_id"
        ) as cur:
            found = await cur.fetchall()
        return [Pending(*row[:8]) for row in found]

    async def adopt(self, now: float | None = None) -> list[Pending]:
        """Take over the rows of owners that are gone; returns them, oldest first."""
        now = time.time() if now is None else now
        async with self._db.conn.execute(
            "SELECT update_id, owner, alive_at FROM bot_pending WHERE owner != ? ORDER BY update_id", (self.owner,)
        ) as cur:
            candidates = await cur.fetchall()
        adopted: set[int] = set()
        for update_id, owner, alive_at in candidates:
            if now - float(alive_at) < STALE_S and not _owner_gone(str(owner), self.owner):
                continue
            changed = await self._execute(
                "UPDATE bot_pending SET owner = ?, alive_at = ? WHERE update_id = ? AND owner = ?",
                (self.owner, now, update_id, owner),
            )
            if changed == 1:
                adopted.add(int(update_id))
                self._held.add(int(update_id))
        return [row for row in await self.rows() if row.update_id in adopted]

    async def heartbeat(self) -> None:
        if not self._held:
            return
        await self._execute("UPDATE bot_pending SET alive_at = ? WHERE owner = ?", (time.time(), self.owner))

    async def recover(
        self, bot: Bot, resume: Callable[[Update], Awaitable[None]], give_up: Callable[[Pending], Awaitable[None]]
    ) -> None:
        """Adopt what gone owners left: ``resume`` each update, or ``give_up`` on it (and forget it)."""
        now = time.time()
        kept = given_up = 0
        for row in await self.adopt(now):
            if row.starts >= MAX_STARTS or now - row.accepted_at > MAX_AGE_S:
                logger.warning("not running message %d again (turn started %d times, %.0f s old)",
                               row.update_id, row.starts, now - row.accepted_at)
                await self._write(self._finish(row.update_id))
                await give_up(row)
                given_up += 1
                continue
            try:
                update = Update.de_json(json.loads(row.update_json), bot)
            except Exception:  # noqa: BLE001 - a row this version cannot read
                logger.warning("could not read pending message %d; dropping it", row.update_id, exc_info=True)
                await self._write(self._finish(row.update_id))
                continue
            self._resumed[update.update_id] = update
            await resume(update)
            kept += 1
        if kept or given_up:
            logger.info("messages accepted before a restart: %d resumed, %d given up", kept, given_up)

    def start(self, tick: Callable[[], Awaitable[None]]) -> None:
        """Every ``HEARTBEAT_S``: mark this process's rows alive, then ``tick`` (adopt and recover)."""

        async def loop() -> None:
            while True:
                await asyncio.sleep(HEARTBEAT_S)
                try:
                    await self.heartbeat()
                    await tick()
                except Exception:  # noqa: BLE001 - try again at the next beat
                    logger.warning("pending-messages heartbeat failed", exc_info=True)

        if self._task is None:
            self._task = asyncio.create_task(loop(), name="bot-pending-heartbeat")

    async def close(self) -> None:
        await stop_task(self._task)
        self._task = None
