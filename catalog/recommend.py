"""PALR-style recommendations for a customer: history → candidates → explainable ranking.

The work happens in :class:`catalog.recsys.RecEngine` over the analytics DuckDB tables; this
module is its async face for the agent's ``recommend_for_me`` tool, the CLI and the bot.
"As of" a date means that no transaction of anyone on or after that date is used.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import duckdb

from catalog.models import Article, Recommendation
from catalog.recsys.candidates import History
from catalog.recsys.engine import RecEngine, RecRequest
from catalog.recsys.ranking import ScoredItem, Weights
from reclmms.errors import ReclmmsError

if TYPE_CHECKING:
    from catalog.analytics import Analytics
    from catalog.articles import ArticleStore
    from catalog.history import HistoryStore

logger = logging.getLogger(__name__)

# Up to this many requests, the customers' own purchases come from the indexed SQLite history
# (a point lookup) rather than a scan of the analytics transactions.
INDEXED_HISTORY_MAX = 20
HISTORY_LIMIT = 2000


def article_from_attributes(attrs: dict[str, str]) -> Article:
    """An Article from a row of the analytics ``articles`` table (no price, no image)."""
    return Article(
        article_id=attrs["article_id"],
        name=attrs.get("name", "") or attrs["article_id"],
        product_type=attrs.get("product_type", ""),
        product_group=attrs.get("product_group", ""),
        colour=attrs.get("colour", ""),
        colour_master=attrs.get("colour_master", ""),
        department=attrs.get("department", ""),
        index_group=attrs.get("index_group", ""),
        section=attrs.get("section", ""),
        garment_group=attrs.get("garment_group", ""),
        product_code=attrs.get("product_code", ""),
    )


class Recommender:
    """Recommendations from purchase history, co-purchase, product variants, popularity and new arrivals.

    ``analytics.connect()`` provides a DuckDB cursor per call (closed after it). ``articles``
    supplies full article rows (price, image); without it, or for
    ids it lacks, articles are built from the analytics table. ``history`` is accepted for the
    composition root: for a few requests at a time, the customers' own purchases come from
    it (an indexed lookup) instead of a scan of the analytics transactions.
    """

    def __init__(
        self,
        analytics: Analytics | None,
        articles: ArticleStore | None = None,
        history: HistoryStore | None = None,
        *,
        weights: Weights | None = None,
        connection: duckdb.DuckDBPyConnection | None = None,
    ) -> None:
        if analytics is None and connection is None:
            raise ValueError("Recommender needs analytics or a connection")
        self._analytics = analytics
        self._articles = articles
        self._history = history
        self._weights = weights
        self._conn = connection  # owned by the caller
        self._engine: RecEngine | None = None

    @classmethod
    def from_connection(cls, conn: duckdb.DuckDBPyConnection, weights: Weights | None = None) -> Recommender:
        """A recommender over any connection holding the analytics tables (e.g. loaded Kaggle CSVs)."""
        return cls(None, connection=conn, weights=weights)

    @contextlib.asynccontextmanager
    async def engine(self) -> AsyncIterator[RecEngine]:
        """An engine for one call: over the given connection, or over a fresh analytics cursor
        (so a store that is ingested while the app runs is picked up)."""
        if self._conn is not None:
            if self._engine is None:
                self._engine = RecEngine(self._conn, weights=self._weights)
            yield self._engine
            return
        assert self._analytics is not None
        conn: Any = self._analytics.connect()
        if inspect.isawaitable(conn):
            conn = await conn
        try:
            yield RecEngine(conn, weights=self._weights)
        finally:
            conn.close()

    async def aclose(self) -> None:
        self._engine = None

    async def recommend(
        self, customer_id: str, as_of: date | None = None, k: int = 12
    ) -> list[Recommendation]:
        """Top ``k`` for ``customer_id`` using only transactions strictly before ``as_of``.

        An unknown customer (cold start) gets the recent best sellers, not an error.
        """
        return (await self.recommend_many([(customer_id, as_of)], k))[0]

    async def recommend_many(
        self, requests: Sequence[tuple[str, date | None]], k: int = 12
    ) -> list[list[Recommendation]]:
        """The batch path: one list per (customer_id, as_of) pair, in order."""
        reqs = [RecRequest(c, a) for c, a in requests]
        histories = await self._histories(reqs) if len(reqs) <= INDEXED_HISTORY_MAX else None
        async with self.engine() as engine:
            scored = await asyncio.to_thread(engine.recommend_many, reqs, k, histories)
            return await self._to_recommendations(engine, scored)

    async def _histories(self, reqs: list[RecRequest]) -> list[History] | None:
        """Own purchases from the indexed history store (a few requests); None: scan DuckDB instead."""
        if self._history is None:
            return None
        try:
            out: list[History] = []
            for r in reqs:
                rows = await self._history.purchases(r.customer_id, as_of=r.as_of, limit=HISTORY_LIMIT)
                out.append([(p.article_id, p.t_dat, p.price) for p, _ in rows if p.article_id])
            return out
        except ReclmmsError as exc:  # e.g. the history component is not available in this build
            logger.debug("history store unavailable, scanning transactions: %s", exc)
            return None

    async def first_sale(self) -> date | None:
        """The day of the first transaction, or None when there are none: an ``as_of`` on or before it
        has no sales data to go on."""
        async with self.engine() as engine:
            return await asyncio.to_thread(engine.first_date)

    async def known_customers(self, customer_ids: Sequence[str]) -> set[str]:
        """Those ids with a customers row or any transaction."""
        async with self.engine() as engine:
            return await asyncio.to_thread(engine.known_customers, list(customer_ids))

    async def _to_recommendations(
        self, engine: RecEngine, scored: list[list[ScoredItem]]
    ) -> list[list[Recommendation]]:
        ids = list(dict.fromkeys(s.article_id for items in scored for s in items))
        found: dict[str, Article] = {}
        if self._articles is not None and ids:
            found = {a.article_id: a for a in await self._articles.get_many(ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            attrs = await asyncio.to_thread(engine.names, missing)
            for aid in missing:
                found[aid] = article_from_attributes(attrs.get(aid, {"article_id": aid}))
        return [
            [Recommendation(found[s.article_id], s.score, s.sources, s.reason) for s in items]
            for items in scored
        ]
