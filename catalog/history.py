"""A customer's purchase history, served from SQLite by one primary-key lookup.

Each customer has one row in ``purchase_history`` with all purchases packed oldest first as
``PURCHASE_DTYPE`` records (built by catalog/ingest/history_build.py). Article codes in the
records map to article ids through ``history_articles``.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.models import Article, Purchase

# day: days since 1970-01-01; art: code in history_articles; price: as in the transactions file;
# ch: sales channel (0 = unknown).
PURCHASE_DTYPE = np.dtype([("day", "<i4"), ("art", "<i4"), ("price", "<f8"), ("ch", "i1")])
EPOCH = date(1970, 1, 1)
# ingest_state part (source "catalog") holding the number of purchases in purchase_history
TOTAL_PART = "history/transactions"


def day_number(d: date) -> int:
    return (d - EPOCH).days


class HistoryStore:
    def __init__(self, db: Database, articles: ArticleStore) -> None:
        self._db = db
        self._articles = articles

    async def purchases(
        self, customer_id: str, as_of: date | None = None, limit: int = 50
    ) -> list[tuple[Purchase, Article]]:
        """Purchases strictly before ``as_of`` (all when None), newest first, at most ``limit``."""
        async with self._db.conn.execute(
            "SELECT purchases FROM purchase_history WHERE customer_id = ?", (customer_id,)
        ) as cur:
            row = await cur.fetchone()
        if row is None or limit <= 0:
            return []
        records = np.frombuffer(row[0], dtype=PURCHASE_DTYPE)
        if as_of is not None:
            # records are sorted by day: keep those before as_of
            records = records[: int(np.searchsorted(records["day"], day_number(as_of), side="left"))]
        records = records[::-1][:limit]
        if len(records) == 0:
            return []
        codes = sorted({int(c) for c in records["art"]})
        marks = ",".join("?" for _ in codes)
        async with self._db.conn.execute(
            f"SELECT code, article_id FROM history_articles WHERE code IN ({marks})", codes
        ) as cur:
            ids = {int(c): str(a) for c, a in await cur.fetchall()}
        articles = {a.article_id: a for a in await self._articles.get_many(ids.values())}
        out: list[tuple[Purchase, Article]] = []
        for rec in records:
            article_id = ids.get(int(rec["art"]), "")
            article = articles.get(article_id) or Article(article_id=article_id, name=f"article {article_id}")
            purchase = Purchase(
                article_id=article_id,
                t_dat=EPOCH + timedelta(days=int(rec["day"])),
                price=float(rec["price"]),
                channel=int(rec["ch"]) or None,
            )
            out.append((purchase, article))
        return out

    async def customer_exists(self, customer_id: str) -> bool:
        for sql in (
            "SELECT 1 FROM customers WHERE customer_id = ?",
            "SELECT 1 FROM purchase_history WHERE customer_id = ?",
        ):
            async with self._db.conn.execute(sql, (customer_id,)) as cur:
                if await cur.fetchone() is not None:
                    return True
        return False

    async def customer_count(self) -> int:
        async with self._db.conn.execute("SELECT count(*) FROM customers") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def transaction_count(self) -> int:
        async with self._db.conn.execute(
            "SELECT value FROM ingest_state WHERE source = 'catalog' AND part = ?", (TOTAL_PART,)
        ) as cur:
            recorded = await cur.fetchone()
        if recorded is not None and str(recorded[0]).isdigit():
            return int(recorded[0])
        async with self._db.conn.execute("SELECT coalesce(sum(n), 0) FROM purchase_history") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def history_customer_count(self) -> int:
        async with self._db.conn.execute("SELECT count(*) FROM purchase_history") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0
