"""Bulk analytics over transactions (popularity windows, co-purchases, cuts "as of" a date) in DuckDB.

The DuckDB file (``settings.duckdb_path``) is written only by ``reclmms ingest`` and opened
read-only here, so several processes can query it at once. Tables (the SQL of other modules
relies on these names and types):

    transactions(t_dat DATE, customer_id VARCHAR, article_id VARCHAR, price DOUBLE, sales_channel_id TINYINT)
    articles(article_id, product_code, name, product_type, product_group, colour, colour_master,
             index_group, section, garment_group, department: all VARCHAR)
    customers(customer_id VARCHAR, age INTEGER, club_member_status VARCHAR,
              fashion_news_frequency VARCHAR, postal_code VARCHAR)

Derived tables, rebuilt by each ingest of transactions (integer keys for fast joins):

    customer_codes(customer_id VARCHAR, cust INTEGER)   article_codes(article_id VARCHAR, art INTEGER)
    purchases_coded(cust INTEGER, t_dat DATE, art INTEGER, price DOUBLE, ch TINYINT)

A missing file (nothing ingested yet, e.g. a catalog without transactions) gives empty results.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from catalog.articles import ArticleStore
from catalog.models import Article, SearchFilters
from reclmms.errors import BadQueryError, DataError, store_file_error

logger = logging.getLogger(__name__)

_EMPTY_SCHEMA = """
CREATE TABLE transactions (t_dat DATE, customer_id VARCHAR, article_id VARCHAR, price DOUBLE,
                           sales_channel_id TINYINT);
CREATE TABLE articles (article_id VARCHAR, product_code VARCHAR, name VARCHAR, product_type VARCHAR,
                       product_group VARCHAR, colour VARCHAR, colour_master VARCHAR, index_group VARCHAR,
                       section VARCHAR, garment_group VARCHAR, department VARCHAR);
CREATE TABLE customers (customer_id VARCHAR, age INTEGER, club_member_status VARCHAR,
                        fashion_news_frequency VARCHAR, postal_code VARCHAR);
"""


class Analytics:
    def __init__(self, path: Path, articles: ArticleStore, threads: int = 2) -> None:
        self.path = Path(path)
        self._articles = articles
        self._threads = threads
        self._con: duckdb.DuckDBPyConnection | None = None
        self._empty = False
        self._lock = threading.Lock()

    def _root(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._con is not None and self._empty and self.path.exists():
                # the analytics file appeared (first ingest) since we made the empty stand-in
                self._con.close()
                self._con = None
            if self._con is None:
                self._empty = not self.path.exists()
                if not self._empty:
                    try:
                        con = duckdb.connect(str(self.path), read_only=True)
                    except duckdb.IOException as exc:
                        if "not a valid DuckDB database file" in str(exc):  # never rewritten here
                            raise store_file_error(
                                self.path, "is not a DuckDB database", "restore it from a backup, or move it "
                                "aside and run the same `reclmms ingest ...` again to build it anew") from None
                        raise DataError(
                            f"the analytics store {self.path} is busy (is an ingest running?): {exc}"
                        ) from None
                else:
                    # nothing ingested: an empty in-memory store with the same tables
                    con = duckdb.connect(":memory:")
                    con.execute(_EMPTY_SCHEMA)
                con.execute(f"SET threads = {max(1, self._threads)}")
                self._con = con
            return self._con

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A read-only cursor for one thread's SQL (cheap; close it when done)."""
        return self._root().cursor()

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    def _query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        cur = self.connect()
        try:
            return cur.execute(sql, params or []).fetchall()
        finally:
            cur.close()

    def _has_table(self, name: str) -> bool:
        rows = self._query("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name])
        return bool(rows and rows[0][0])

    def _last_date(self) -> date | None:
        row = self._query("SELECT max(t_dat) FROM transactions")
        return row[0][0] if row and row[0][0] is not None else None

    async def last_date(self) -> date | None:
        """The date of the newest transaction, or None when there are none."""
        return await asyncio.to_thread(self._last_date)

    def _window(self, start: date | None, end: date | None) -> tuple[date, date] | None:
        if end is None:
            last = self._last_date()
            if last is None:
                return None
            end = last + timedelta(days=1)
        if start is None:
            start = end - timedelta(days=7)
        return start, end

    def _popular_ids(
        self, start: date | None, end: date | None, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, int]]:
        window = self._window(start, end)
        if window is None or k <= 0:
            return []
        among, params = _articles_matching(filters)
        ranked = [
            (str(a), int(n))
            for a, n in self._query(
                f"SELECT article_id, count(*) AS n FROM transactions WHERE t_dat >= ? AND t_dat < ?{among} "
                "GROUP BY article_id ORDER BY n DESC, article_id LIMIT ?",
                [window[0], window[1], *params, k],
            )
        ]
        if among and len(ranked) < k:
            # a narrow filter ("black swimsuits for kids") sold too few in the window: the best sellers of
            # that filter before it follow, so the list still has k items (counts: 0 in the window)
            seen = {a for a, _ in ranked}
            earlier = self._query(
                f"SELECT article_id FROM transactions WHERE t_dat < ?{among} "
                "GROUP BY article_id ORDER BY count(*) DESC, article_id LIMIT ?",
                [window[0], *params, k + len(seen)],
            )
            ranked += [(str(a), 0) for (a,) in earlier if str(a) not in seen][: k - len(ranked)]
        return ranked

    async def popular(
        self, start: date | None = None, end: date | None = None, k: int = 12, filters: SearchFilters | None = None
    ) -> list[tuple[Article, int]]:
        """Best sellers with ``start <= t_dat < end`` (default: the last 7 days of data), with counts. ``filters``
        (kind, colour, index group, section, garment group; not prices) keep those articles only, best sellers
        of the window first and, where they are fewer than ``k``, the best sellers of those articles before it."""
        ranked = await asyncio.to_thread(self._popular_ids, start, end, k, filters)
        return await self._with_articles(ranked)

    def _co_purchased_ids(self, article_id: str, as_of: date | None, k: int) -> list[tuple[str, int]]:
        before = as_of or date(9999, 1, 1)
        if self._has_table("purchases_coded"):
            # the same query on integer-coded keys: ~5x faster at full scale (bench/ingest.py)
            return [
                (str(a), int(n))
                for a, n in self._query(
                    "WITH x AS (SELECT art FROM article_codes WHERE article_id = ?), "
                    "buyers AS (SELECT DISTINCT cust FROM purchases_coded "
                    "           WHERE art = (SELECT art FROM x) AND t_dat < ?) "
                    "SELECT a.article_id, r.n FROM ("
                    "  SELECT p.art, count(DISTINCT p.cust) AS n FROM purchases_coded p JOIN buyers USING (cust) "
                    "  WHERE p.t_dat < ? AND p.art != (SELECT art FROM x) GROUP BY p.art"
                    ") r JOIN article_codes a USING (art) ORDER BY r.n DESC, a.article_id LIMIT ?",
                    [article_id, before, before, k],
                )
            ]
        return [
            (str(a), int(n))
            for a, n in self._query(
                "WITH buyers AS (SELECT DISTINCT customer_id FROM transactions "
                "                WHERE article_id = ? AND t_dat < ?) "
                "SELECT t.article_id, count(DISTINCT t.customer_id) AS n FROM transactions t "
                "JOIN buyers USING (customer_id) WHERE t.t_dat < ? AND t.article_id != ? "
                "GROUP BY t.article_id ORDER BY n DESC, t.article_id LIMIT ?",
                [article_id, before, before, article_id, k],
            )
        ]

    async def co_purchased(
        self, article_id: str, as_of: date | None = None, k: int = 12
    ) -> list[tuple[Article, int]]:
        """Articles most often bought by the customers who bought ``article_id`` (before ``as_of``)."""
        ranked = await asyncio.to_thread(self._co_purchased_ids, article_id, as_of, k)
        return await self._with_articles(ranked)

    async def _with_articles(self, ranked: list[tuple[str, int]]) -> list[tuple[Article, int]]:
        found = {a.article_id: a for a in await self._articles.get_many([a for a, _ in ranked])}
        return [(found[a], n) for a, n in ranked if a in found]


_FILTER_COLUMNS = ("product_type", "index_group", "section", "garment_group")


def _articles_matching(filters: SearchFilters | None) -> tuple[str, list[Any]]:
    """`` AND article_id IN (...)`` for the articles table's rows that pass ``filters`` (case-insensitive, a colour
    as the search reads it: its name or its master colour), with its parameters; ``("", [])`` without filters."""
    if filters is None or filters.is_empty():
        return "", []
    if filters.min_price is not None or filters.max_price is not None:
        raise BadQueryError("best sellers are not filtered by price")
    where: list[str] = []
    params: list[Any] = []
    for column in _FILTER_COLUMNS:
        value = getattr(filters, column)
        if value is not None:
            where.append(f"lower({column}) = lower(?)")
            params.append(str(value))
    if filters.colour is not None:
        where.append("(lower(colour) = lower(?) OR lower(colour_master) = lower(?))")
        params += [str(filters.colour)] * 2
    return f" AND article_id IN (SELECT article_id FROM articles WHERE {' AND '.join(where)})", params
