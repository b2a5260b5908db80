"""Which conversation a chat goes on with: its own, or that of the group it was upgraded from.

The agent keeps a conversation per session id (``tg:<chat id>``). When Telegram upgrades a group
to a supergroup, the chat gets a new id and both chats get a service message
(``migrate_to_chat_id`` in the group, ``migrate_from_chat_id`` in the supergroup); the move is
kept in ``bot_chat_moves``, so the supergroup goes on with the group's conversation, after a
restart too. Lookups read an in-memory copy of the (small) table, reloaded when older than
``cache_ttl_s`` so that a move seen by another bot process shows up.
"""

from __future__ import annotations

import asyncio
import logging
import time

from catalog.db import Database

logger = logging.getLogger(__name__)


def session_id_for(chat_id: int) -> str:
    return f"tg:{chat_id}"


class ChatSessions:
    def __init__(self, db: Database, cache_ttl_s: float = 60.0) -> None:
        self._db = db
        self._ttl = cache_ttl_s
        self._moves: dict[int, int] = {}  # chat id → the chat id whose conversation it goes on with
        self._loaded_at: float | None = None
        self._reload = asyncio.Lock()

    async def _current(self) -> dict[int, int]:
        if self._loaded_at is None or time.monotonic() - self._loaded_at > self._ttl:
            async with self._reload:
                if self._loaded_at is None or time.monotonic() - self._loaded_at > self._ttl:
                    async with self._db.conn.execute("SELECT chat_id, session_chat_id FROM bot_chat_moves") as cur:
                        self._moves = {int(chat): int(origin) for chat, origin in await cur.fetchall()}
                    self._loaded_at = time.monotonic()
        return self._moves

    async def session_id(self, chat_id: int) -> str:
        """The agent's session id for the chat."""
        return session_id_for((await self._current()).get(chat_id, chat_id))

    async def move(self, old_chat_id: int, new_chat_id: int) -> None:
        """``new_chat_id`` goes on with ``old_chat_id``'s conversation (the second service message
        of the same upgrade changes nothing)."""
        moves = await self._current()
        if new_chat_id == old_chat_id or new_chat_id in moves:
            return
        origin = moves.get(old_chat_id, old_chat_id)
        await self._db.conn.execute(
            "INSERT OR IGNORE INTO bot_chat_moves(chat_id, session_chat_id, moved_at) VALUES (?, ?, ?)",
            (new_chat_id, origin, time.time()),
        )
        await self._db.conn.commit()
        moves[new_chat_id] = origin
        logger.info("chat %d became chat %d; it goes on with the same conversation", old_chat_id, new_chat_id)
