"""Account links (Telegram user → shop customer) and the one-time link codes that create them (tables
``bot_links`` and ``bot_link_codes``, created by ``bot.store``).

Redeeming a code writes both tables, both or neither: it runs in a transaction of its own
(``bot.own_connection.own_transaction``), which no other coroutine on the shared connection can commit halfway.
"""

from __future__ import annotations

import asyncio
import time

from bot.own_connection import own_transaction
from catalog.db import Database


class LinkStore:
    """Account links (Telegram user → shop customer) and the one-time codes that create them.

    Lookups read an in-memory copy of the (small) links table, reloaded in one query when
    older than ``cache_ttl_s``: a link made by another bot process shows up within that time,
    links made here at once.
    """

    def __init__(self, db: Database, cache_ttl_s: float = 60.0) -> None:
        self._db = db
        self._ttl = cache_ttl_s
        self._links: dict[int, str] = {}
        self._loaded_at: float | None = None
        self._reload = asyncio.Lock()

    async def _load(self) -> None:
        async with self._db.conn.execute("SELECT user_id, customer_id FROM bot_links") as cur:
            rows = await cur.fetchall()
        self._links = {int(r[0]): str(r[1]) for r in rows}
        self._loaded_at = time.monotonic()

    async def customer_of(self, user_id: int) -> str | None:
        if self._loaded_at is None or time.monotonic() - self._loaded_at > self._ttl:
            async with self._reload:
                if self._loaded_at is None or time.monotonic() - self._loaded_at > self._ttl:
                    await self._load()
        return self._links.get(user_id)

    async def customer_exists(self, customer_id: str) -> bool:
        """True when the catalog knows the customer (customers table or purchase history)."""
        for sql in (
            "SELECT 1 FROM customers WHERE customer_id = ? LIMIT 1",
            "SELECT 1 FROM purchases WHERE customer_id = ? LIMIT 1",
            "SELECT 1 FROM transactions WHERE customer_id = ? LIMIT 1",
        ):
            try:
                async with self._db.conn.execute(sql, (customer_id,)) as cur:
                    if await cur.fetchone():
                        return True
            except Exception:  # noqa: BLE001 - a table that this catalog does not have
                continue
        return False

    async def add_code(self, nonce: str, customer_id: str, expires_at: float) -> None:
        await self._db.conn.execute(
            "INSERT INTO bot_link_codes(nonce, customer_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (nonce, customer_id, time.time(), expires_at),
        )
        await self._db.conn.commit()

    async def get_code(self, nonce: str) -> tuple[str, float, float | None] | None:
        """(customer_id, expires_at, used_at) of a code, or None."""
        async with self._db.conn.execute(
            "SELECT customer_id, expires_at, used_at FROM bot_link_codes WHERE nonce = ?", (nonce,)
        ) as cur:
            row = await cur.fetchone()
        return (str(row[0]), float(row[1]), row[2]) if row else None

    async def redeem(self, nonce: str, user_id: int, customer_id: str) -> bool:
        """Mark a code used and link the user, in one transaction of its own (``own_transaction``): both or
        neither, whatever else the shared connection commits meanwhile. False when it was used meanwhile;
        a database failure (busy past the timeout, a full disk) raises and leaves the code unused."""
        now = time.time()
        async with own_transaction(self._db) as conn:
            cur = await conn.execute(
                "UPDATE bot_link_codes SET used_at = ?, used_by = ? WHERE nonce = ? AND used_at IS NULL",
                (now, user_id, nonce),
            )
            if cur.rowcount != 1:
                return False
            await conn.execute(
                "INSERT INTO bot_links(user_id, customer_id, linked_at) VALUES (?, ?, ?)"
                " ON CONFLICT(user_id) DO UPDATE SET customer_id = excluded.customer_id,"
                " linked_at = excluded.linked_at",
                (user_id, customer_id, now),
            )
        self._links[user_id] = customer_id
        return True

    async def unlink(self, user_id: int) -> None:
        await self._db.conn.execute("DELETE FROM bot_links WHERE user_id = ?", (user_id,))
        await self._db.conn.commit()
        self._links.pop(user_id, None)
