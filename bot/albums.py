"""Albums: photos sent together (one ``media_group_id``) are one request, answered once.

Telegram delivers each photo of an album as its own message; the album's caption is on one of them
(usually the first). The first photo of an album to arrive leads it: it gets the album's one turn,
with the caption whichever photo carries it (it waits up to ``WINDOW_S`` after it arrived for the
others, while it waits its turn anyway). The other photos are taken in silently: no turn, no "one
moment", nothing counted against the rate limit.

Which photo leads is decided at once in memory (so that the leader joins the chat's line in the
order the updates came), and kept in ``bot_albums``: an album is answered once across a restart
(photos of it fetched after the restart follow the leader chosen before it) and across bot
processes that share the database (webhook mode).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from telegram import Message

from catalog.db import Database

logger = logging.getLogger(__name__)

WINDOW_S = 1.0  # Telegram sends an album's photos within a moment of each other
MEMORY_S = 600.0  # albums remembered in memory (the database keeps them for a day)
KEEP_S = 24 * 3600.0


@dataclass(slots=True)
class Album:
    chat_id: int
    group_id: str
    leader: int  # the update id of the photo that answers for the album
    arrived: float  # monotonic time the leader arrived
    captioned: Message | None = None  # the photo that carries the album's caption, when it came here

    def take(self, msg: Message) -> None:
        if msg.caption and self.captioned is None:
            self.captioned = msg


class Albums:
    def __init__(self, db: Database, window_s: float = WINDOW_S) -> None:
        self._db = db
        self.window_s = window_s
        self._albums: dict[tuple[int, str], Album] = {}

    def arrive(self, chat_id: int, msg: Message, update_id: int, *, resumed: bool = False) -> Album | None:
        """The album ``msg`` leads, or None when another photo of it came first (``msg`` then follows it).
        No await: call it before the handler's first one. A message resumed after a restart may lead (the
        database decides, in ``lead``)."""
        now = time.monotonic()
        for key in [k for k, a in self._albums.items() if now - a.arrived > MEMORY_S]:
            del self._albums[key]
        key = (chat_id, str(msg.media_group_id))
        album = self._albums.get(key)
        if album is None or resumed:
            album = album or Album(chat_id, key[1], update_id, now)
            self._albums[key] = album
            album.take(msg)
            return album
        album.take(msg)
        return album if album.leader == update_id else None

    async def follow(self, chat_id: int, msg: Message) -> None:
        """A photo that follows its album's leader: its caption is kept for the leader, also across a restart."""
        if not msg.caption:
            return
        conn = self._db.conn
        await conn.execute("UPDATE bot_albums SET caption = ? WHERE chat_id = ? AND media_group_id = ? AND caption = ''",
                           (msg.caption, chat_id, str(msg.media_group_id)))
        await conn.commit()

    async def lead(self, album: Album, update_id: int) -> bool:
        """Whether ``update_id`` answers for the album: the first photo of it to claim it, in any process and
        before any restart. False: another photo did, and this one is taken in silently."""
        conn, now = self._db.conn, time.time()
        caption = album.captioned.caption if album.captioned is not None else ""
        await conn.execute("DELETE FROM bot_albums WHERE seen_at < ?", (now - KEEP_S,))
        await conn.execute("INSERT OR IGNORE INTO bot_albums(chat_id, media_group_id, update_id, caption, seen_at) "
                           "VALUES (?, ?, ?, ?, ?)", (album.chat_id, album.group_id, update_id, caption or "", now))
        async with conn.execute("SELECT update_id FROM bot_albums WHERE chat_id = ? AND media_group_id = ?",
                                (album.chat_id, album.group_id)) as cur:
            row = await cur.fetchone()
        await conn.commit()
        leads = row is not None and int(row[0]) == update_id
        if not leads:
            logger.info("album %s in chat %d was answered already; a photo of it is taken in", album.group_id,
                        album.chat_id)
        return leads

    async def gathered(self, album: Album) -> Message | None:
        """Once the album's photos have had time to arrive: the one that carries its caption, if it came here."""
        left = album.arrived + self.window_s - time.monotonic()
        if left > 0:
            await asyncio.sleep(left)
        return album.captioned

    async def stored_caption(self, album: Album) -> str:
        """The album's caption as the database has it (a photo that came to another process, or before a restart)."""
        async with self._db.conn.execute("SELECT caption FROM bot_albums WHERE chat_id = ? AND media_group_id = ?",
                                         (album.chat_id, album.group_id)) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else ""
