"""``SearchEngine``: text, photo and "similar to" search over the article collections.

Queries are embedded with the project's embedders, filters are resolved against the
catalog's own vocabulary (case-insensitive; a colour may name a colour or its master
colour: "blue" matches "Dark Blue" and "Light Blue"), and candidates are scored as
described in ``catalog/search_index.py``. All CPU-bound work runs in worker threads.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import numpy as np

from catalog.articles import ArticleStore
from catalog.embedders import ImageEmbedder, TextEmbedder
from catalog.images import load_photo
from catalog.models import Article, SearchFilters, SearchHit
from catalog.search_index import MetadataTable, VectorMatrix, search_vectors
from catalog.vectors import VectorStore
from reclmms.errors import BadQueryError, NotFoundError

logger = logging.getLogger(__name__)

MAX_K = 100
MAX_QUERY_CHARS = 1000
# How often (seconds) the engine checks whether the index grew (a re-ingest in another process).
REFRESH_CHECK_S = 30.0
# Photo + caption: weight of the caption's text similarity in the re-ranking.
CAPTION_WEIGHT = 0.35


class SearchEngine:
    def __init__(
        self,
        articles: ArticleStore,
        vectors: VectorStore,
        text_embedder: TextEmbedder,
        image_embedder: ImageEmbedder,
        cache_dir: Path,
    ) -> None:
        self.articles = articles
        self.vectors = vectors
        self.text_embedder = text_embedder
        self.image_embedder = image_embedder
        self.cache_dir = cache_dir
        self._lock = asyncio.Lock()
        self._meta: MetadataTable | None = None
        self._text: VectorMatrix | None = None
        self._image: VectorMatrix | None = None
        self._checked_at = 0.0
        self._counts = (-1, -1, -1)

    # ---- state ----

    async def _current_counts(self) -> tuple[int, int, int]:
        n_text, n_image = await asyncio.to_thread(lambda: (self.vectors.text.count(), self.vectors.image.count()))
        return await self.articles.count(), n_text, n_image

    async def refresh(self) -> None:
        """Reload metadata and vector caches (after indexing in this process)."""
        async with self._lock:
            await self._reload()

    async def _reload(self) -> None:
        counts = await self._current_counts()
        started = time.perf_counter()
        rows: list[Article] = []
        async for batch in self.articles.iter_all(batch_size=5000):
            rows.extend(batch)
        meta = await asyncio.to_thread(MetadataTable.build, rows)
        del rows
        text = await asyncio.to_thread(VectorMatrix.load, self.vectors.text, self.cache_dir, meta)
        image = await asyncio.to_thread(VectorMatrix.load, self.vectors.image, self.cache_dir, meta)
        self._meta, self._text, self._image, self._counts = meta, text, image, counts
        self._checked_at = time.monotonic()
        logger.info(
            "search state: %d articles, %d text vectors, %d image vectors (%.1f s)",
            len(meta), len(text), len(image), time.perf_counter() - started,
        )

    async def _state(self) -> tuple[MetadataTable, VectorMatrix, VectorMatrix]:
        if self._meta is None or time.monotonic() - self._checked_at > REFRESH_CHECK_S:
            async with self._lock:
                if self._meta is None:
                    await self._reload()
                elif time.monotonic() - self._checked_at > REFRESH_CHECK_S:
                    self._checked_at = time.monotonic()
                    if await self._current_counts() != self._counts:
                        await self._reload()
        assert self._meta is not None and self._text is not None and self._image is not None
        return self._meta, self._text, self._image

    # ---- public API ----

    async def text(self, query: str, filters: SearchFilters, k: int) -> list[SearchHit]:
        """Semantic search for ``query`` (any language) among articles passing ``filters``."""
        query = _check_query(query)
        k = _check_k(k)
        meta, text, _ = await self._state()
        mask = meta.mask(filters)
        vector = (await asyncio.to_thread(self.text_embedder.embed, [query]))[0]
        hits = await asyncio.to_thread(search_vectors, self.vectors.text, text, meta, vector, mask, k)
        return await self._hits(hits)

    async def photo(
        self, photo: bytes, filters: SearchFilters, k: int, text: str | None = None
    ) -> list[SearchHit]:
        """Articles that look like ``photo``; a caption ``text`` refines the ranking."""
        k = _check_k(k)
        caption = text.strip() if text and text.strip() else None
        if caption is not None:
            caption = _check_query(caption)
        image = await asyncio.to_thread(load_photo, photo)
        meta, text_vectors, image_vectors = await self._state()
        mask = meta.mask(filters)
        if len(image_vectors) == 0:
            logger.warning("photo search asked, but no article images are indexed")
            if caption is None:
                return []
            return await self.text(caption, filters, k)
        vector = (await asyncio.to_thread(self.image_embedder.embed_images, [image]))[0]
        if caption is None:
            hits = await asyncio.to_thread(
                search_vectors, self.vectors.image, image_vectors, meta, vector, mask, k
            )
            return await self._hits(hits)
        pool = max(50, 5 * k)
        candidates = await asyncio.to_thread(
            search_vectors, self.vectors.image, image_vectors, meta, vector, mask, pool
        )
        text_vector = (await asyncio.to_thread(self.text_embedder.embed, [caption]))[0]
        hits = _rerank_with_caption(candidates, text_vectors, text_vector)[:k]
        return await self._hits(hits)

    async def similar(self, article_id: str, filters: SearchFilters, k: int) -> list[SearchHit]:
        """Articles like ``article_id`` (itself excluded): by image when it has one, else by text."""
        k = _check_k(k)
        article_id = str(article_id).strip()
        meta, text_vectors, image_vectors = await self._state()
        mask = meta.mask(filters)
        exclude = frozenset({article_id})
        for collection, matrix in ((self.vectors.image, image_vectors), (self.vectors.text, text_vectors)):
            row = matrix.row_of.get(article_id)
            if row is not None:
                vector = matrix.matrix[row]
                hits = await asyncio.to_thread(
                    search_vectors, collection, matrix, meta, vector, mask, k, exclude
                )
                return await self._hits(hits)
        if await self.articles.get(article_id) is None:
            raise NotFoundError(f"no article with id '{article_id}'")
        raise NotFoundError(f"article '{article_id}' is not indexed for search yet")

    async def known_values(self, field: str) -> list[str]:
        """The catalog's values of a filter field, most common first."""
        meta, _, _ = await self._state()
        if field not in meta.vocab:
            raise BadQueryError(f"unknown field '{field}'; known: {', '.join(meta.vocab)}")
        return meta.known_values(field)

    async def _hits(self, scored: list[tuple[str, float]]) -> list[SearchHit]:
        found = {a.article_id: a for a in await self.articles.get_many([i for i, _ in scored])}
        return [SearchHit(article=found[i], score=s) for i, s in scored if i in found]


def _rerank_with_caption(
    candidates: list[tuple[str, float]], text_vectors: VectorMatrix, text_vector: np.ndarray
) -> list[tuple[str, float]]:
    rescored = []
    for article_id, image_score in candidates:
        row = text_vectors.row_of.get(article_id)
        text_score = float(text_vectors.matrix[row] @ text_vector) if row is not None else 0.0
        rescored.append((article_id, (1 - CAPTION_WEIGHT) * image_score + CAPTION_WEIGHT * text_score))
    rescored.sort(key=lambda h: -h[1])
    return rescored


def _check_query(query: str) -> str:
    query = (query or "").strip()
    if not query:
        raise BadQueryError("the search query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise BadQueryError(f"the search query is too long ({len(query)} characters; at most {MAX_QUERY_CHARS})")
    return query


def _check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise BadQueryError(f"k must be a whole number from 1 to {MAX_K}, got {k!r}")
    return k
