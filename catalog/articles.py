"""Article rows in SQLite: lookups by id, vocabularies for filters, bulk upserts.

Given the data dir, the store keeps image paths inside it relative to it and gives them back as
paths to open (``catalog/image_paths.py``), so a moved data dir keeps its pictures.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import Any

from catalog.db import Database
from catalog.image_paths import ImagePaths
from catalog.models import Article
from catalog.schema import ARTICLE_COLUMNS
from reclmms.errors import BadQueryError

# Filter keys whose values come from a catalog column.
VOCABULARY_FIELDS = ("product_type", "colour", "colour_master", "index_group", "section", "garment_group")

_COLUMNS = ", ".join(ARTICLE_COLUMNS)
_UPSERT = (
    "INSERT INTO {table} ("
    + _COLUMNS
    + ") VALUES ("
    + ", ".join("?" for _ in ARTICLE_COLUMNS)
    + ") ON CONFLICT(article_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in ARTICLE_COLUMNS[1:])
)


def article_from_row(row: Sequence[Any]) -> Article:
    return Article(*row)


def article_to_row(article: Article) -> tuple[Any, ...]:
    return tuple(getattr(article, c) for c in ARTICLE_COLUMNS)


def _code_forms(code: str) -> list[str]:
    """The stored forms a product code may have: as given and, for a number, with any run of leading zeros
    up to H&M's 7 digits ("0512466" is also "512466"; "512466" is also "0512466")."""
    if not code.isdigit():
        return [code]
    bare = code.lstrip("0") or "0"
    return list(dict.fromkeys([code, *(bare.zfill(n) for n in range(len(bare), max(len(code), 7) + 1))]))


class ArticleStore:
    """The articles of the live catalog, or (``table="staged_articles"``) of the one an ingest staged."""

    def __init__(self, db: Database, data_dir: Path | None = None, table: str = "articles") -> None:
        self._db = db
        self.images = ImagePaths(data_dir)
        self.table = table
        self._select = f"SELECT {_COLUMNS} FROM {table}"

    def _article(self, row: Sequence[Any]) -> Article:
        article = article_from_row(row)
        if article.image_path:
            article = dataclasses.replace(article, image_path=self.images.resolve(article.image_path))
        return article

    def to_row(self, article: Article) -> tuple[Any, ...]:
        """The row to write: the image path as stored (relative inside the data dir)."""
        if article.image_path:
            article = dataclasses.replace(article, image_path=self.images.to_stored(article.image_path))
        return article_to_row(article)

    async def get(self, article_id: str) -> Article | None:
        async with self._db.conn.execute(self._select + " WHERE article_id = ?", (article_id,)) as cur:
            row = await cur.fetchone()
        return self._article(row) if row else None

    async def get_many(self, article_ids: Iterable[str]) -> list[Article]:
        """Articles in the order of ``article_ids``; unknown ids are skipped, duplicates kept once."""
        ids = list(dict.fromkeys(str(a) for a in article_ids))
        found = {article.article_id: article async for article in self._where_in("article_id", ids)}
        return [found[i] for i in ids if i in found]

    async def of_products(self, codes: Iterable[str]) -> dict[str, list[Article]]:
        """The articles of each product code (all its colours), in id order; an unknown code has none. A numeric
        code matches with or without leading zeros: H&M's articles.csv stores 108775 for article 0108775015, the
        demo catalog 0512466 for 0512466002, and a shopper may type either."""
        wanted = list(dict.fromkeys(str(c).strip() for c in codes))
        forms = {code: _code_forms(code) for code in wanted if code}
        owners: dict[str, list[str]] = {}  # a stored form -> the codes given that it is ("0512466", "512466")
        for code, code_forms in forms.items():
            for form in code_forms:
                owners.setdefault(form, []).append(code)
        found: dict[str, list[Article]] = {code: [] for code in wanted}
        async for article in self._where_in("product_code", list(owners)):
            for code in owners[article.product_code]:
                found[code].append(article)
        return {code: sorted(articles, key=lambda a: a.article_id) for code, articles in found.items()}

    async def _where_in(self, column: str, values: list[str]) -> AsyncIterator[Article]:
        """The articles whose ``column`` (one of this module's own names) is one of ``values``, read in
        chunks of 500 (SQLite's bound-parameter limit)."""
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            marks = ",".join("?" for _ in chunk)
            async with self._db.conn.execute(self._select + f" WHERE {column} IN ({marks})", chunk) as cur:
                for row in await cur.fetchall():
                    yield self._article(row)

    async def count(self) -> int:
        async with self._db.conn.execute(f"SELECT count(*) FROM {self.table}") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def ids(self) -> list[str]:
        """Every article id, in id order."""
        async with self._db.conn.execute(f"SELECT article_id FROM {self.table} ORDER BY article_id") as cur:
            return [str(r[0]) for r in await cur.fetchall()]

    async def count_with_images(self) -> int:
        async with self._db.conn.execute(f"SELECT count(*) FROM {self.table} WHERE image_path IS NOT NULL") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def vocabulary(self, field: str) -> list[str]:
        """Distinct non-empty values of a filter field, most common first."""
        if field not in VOCABULARY_FIELDS:
            raise BadQueryError(f"unknown field '{field}'; known: {', '.join(VOCABULARY_FIELDS)}")
        sql = (
            f"SELECT {field}, count(*) AS n FROM {self.table} WHERE {field} != '' "
            f"GROUP BY {field} ORDER BY n DESC, {field}"
        )
        async with self._db.conn.execute(sql) as cur:
            return [str(r[0]) for r in await cur.fetchall()]

    async def iter_all(self, batch_size: int = 2000) -> AsyncIterator[list[Article]]:
        """All articles in id order, in batches (for indexing and metadata caches)."""
        last = ""
        while True:
            async with self._db.conn.execute(
                self._select + " WHERE article_id > ? ORDER BY article_id LIMIT ?", (last, batch_size)
            ) as cur:
                rows = await cur.fetchall()
            if not rows:
                return
            batch = [self._article(r) for r in rows]
            last = batch[-1].article_id
            yield batch

    async def upsert_many(self, articles: Iterable[Article]) -> int:
        rows = [self.to_row(a) for a in articles]
        if rows:
            await self._db.conn.executemany(_UPSERT.format(table=self.table), rows)
            await self._db.conn.commit()
        return len(rows)

    async def set_prices(self, prices: Iterable[tuple[str, float]]) -> None:
        await self._db.conn.executemany(
            f"UPDATE {self.table} SET price = ? WHERE article_id = ?", [(p, a) for a, p in prices]
        )
        await self._db.conn.commit()
