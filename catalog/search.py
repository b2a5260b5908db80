"""``SearchEngine``: text, photo and "similar to" search over the article collections.

Queries are embedded with the project's embedders, filters are resolved against the
catalog's own vocabulary (case-insensitive; a colour may name a colour or its master
colour: "blue" matches "Dark Blue" and "Light Blue"), and candidates are scored as
described in ``catalog/search_index.py``. Unfiltered searches are one Chroma query and
need no cached state, so a one-off CLI search starts fast; the metadata table and the
vector matrices are loaded on the first filtered search. All CPU-bound work runs in
worker threads.

Only the catalog's articles with an image count in a photo search: the image collection may also
hold vectors of articles ingested since without images (``--no-images`` keeps them for a later
ingest with images), and those are left out, as are vectors of articles no longer in the catalog.

Chroma is opened on the first search (``connect``). A Chroma server that cannot be reached
makes a search raise ``SearchUnavailableError``, and the failed search changes nothing here:
the next one tries the server again. A search of vectors that another embedder than the configured
one computed raises ``EmbedderChangedError`` (``catalog/vectors.py``) before any query is embedded;
the next search looks again, so one after the ingest that re-embeds the catalog works.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.embedders import ImageEmbedder, TextEmbedder
from catalog.images import load_photo
from catalog.models import SearchFilters, SearchHit
from catalog.search_index import METADATA_COLUMNS, MetadataTable, VectorMatrix, search_vectors
from catalog.vectors import IMAGE_COLLECTION, VectorCollection, VectorStore
from reclmms.errors import (
    BadQueryError,
    EmbedderChangedError,
    NoImageIndexError,
    NotFoundError,
    SearchUnavailableError,
)

logger = logging.getLogger(__name__)

MAX_K = 100
MAX_QUERY_CHARS = 1000
# How often (seconds) the engine checks whether the catalog or the index changed.
REFRESH_CHECK_S = 30.0
# Photo + caption: weight of the caption's text similarity in the re-ranking.
CAPTION_WEIGHT = 0.35
# Photo and text as one request (``photo_and_text``): how many look-alikes and text matches are pooled, at least.
BOTH_POOL = 50
PHOTO_VECTORS_KEPT = 8  # query photos whose vectors are kept (``SearchEngine.photo``)
_META_SQL = "SELECT " + ", ".join(METADATA_COLUMNS) + " FROM articles"


class SearchEngine:
    def __init__(
        self,
        db: Database,
        articles: ArticleStore,
        vectors: VectorStore,
        text_embedder: TextEmbedder,
        image_embedder: ImageEmbedder,
        cache_dir: Path,
    ) -> None:
        self.db = db
        self.articles = articles
        self.vectors = vectors
        self.text_embedder = text_embedder
        self.image_embedder = image_embedder
        self.cache_dir = cache_dir
        self._lock = asyncio.Lock()
        # the last few query photos' vectors (by content hash): a turn may search one photo several times
        # (its closest match, then with the shopper's wishes), and embedding it is the slow part
        self._photo_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._meta: MetadataTable | None = None
        self._matrices: dict[str, VectorMatrix] = {}
        self._checked_at = 0.0
        self._counts = (-1, -1, -1)
        self.searched = False  # whether a search ran (``missing_index``)

    async def connect(self) -> None:
        """Open the vector store now (it is opened on the first search otherwise); raises
        ``SearchUnavailableError`` when the Chroma server cannot be reached."""
        if not self.vectors.opened:
            await asyncio.to_thread(self.vectors.open)

    async def _open_for_search(self) -> None:
        self.searched = True
        await self.connect()

    async def missing_index(self) -> str | None:
        """Once this engine has searched and the index holds no article text vectors: why, and how to build
        it (``VectorStore.missing_index_message``, what ``reclmms search`` says); else None. A Chroma server
        that cannot be reached now is another case (None here)."""
        if not self.searched or not self.vectors.opened:
            return None
        try:
            count = await asyncio.to_thread(self.vectors.text.recent_count)
        except SearchUnavailableError:
            return None
        return self.vectors.missing_index_message() if count == 0 else None

    # ---- cached state (filtered searches) ----

    async def _current_counts(self) -> tuple[int, int, int]:
        n_text, n_image = await asyncio.to_thread(lambda: (self.vectors.text.count(), self.vectors.image.count()))
        return await self.articles.count(), n_text, n_image

    async def refresh(self) -> None:
        """Drop and reload the cached metadata and matrices (e.g. after indexing in this process)."""
        async with self._lock:
            self._meta = None
            self._matrices = {}
            await self._load_meta()

    async def _load_meta(self) -> MetadataTable:
        started = time.perf_counter()
        self._counts = await self._current_counts()
        async with self.db.conn.execute(_META_SQL) as cur:
            rows = await cur.fetchall()
        meta = await asyncio.to_thread(MetadataTable.build, rows)
        self._meta, self._matrices = meta, {}
        self._checked_at = time.monotonic()
        logger.debug("search metadata: %d articles (%.2f s)", len(meta), time.perf_counter() - started)
        return meta

    async def _state(self, collection: VectorCollection | None = None) -> tuple[MetadataTable, VectorMatrix | None]:
        async with self._lock:
            if self._meta is None:
                await self._load_meta()
            elif time.monotonic() - self._checked_at > REFRESH_CHECK_S:
                self._checked_at = time.monotonic()
                if await self._current_counts() != self._counts:
                    await self._load_meta()
            meta = self._meta
            assert meta is not None
            if collection is None:
                return meta, None
            matrix = self._matrices.get(collection.name)
            if matrix is None:
                started = time.perf_counter()
                matrix = await asyncio.to_thread(VectorMatrix.load, collection, self.cache_dir, meta)
                self._matrices[collection.name] = matrix
                logger.debug(
                    "search vectors %s: %d (%.2f s)", collection.name, len(matrix), time.perf_counter() - started
                )
            return meta, matrix

    @staticmethod
    async def _same_embedder(*collections: VectorCollection) -> None:
        """Raise ``EmbedderChangedError`` when ``collections`` hold vectors of another embedder than the configured
        one, saying it of each (nothing to look up when each was built with it)."""
        said = []
        for collection in collections:
            if collection.embedder_changed:
                try:
                    await asyncio.to_thread(collection.check_embedder)
                except EmbedderChangedError as exc:
                    said.append(str(exc))
        if said:
            raise EmbedderChangedError("; ".join(said))

    async def _search(
        self,
        collection: VectorCollection,
        vector: np.ndarray,
        filters: SearchFilters,
        k: int,
        exclude: frozenset[str] = frozenset(),
    ) -> list[tuple[str, float]]:
        """The ``k`` nearest of ``collection`` to ``vector`` under ``filters``; each caller has checked the
        collection's embedder first (``_same_embedder``)."""
        with_image = collection.name == IMAGE_COLLECTION
        if filters.is_empty():
            return await self._unfiltered(collection, vector, k, exclude, with_image)
        meta, matrix = await self._state(collection)
        mask = meta.mask(filters, with_image=with_image)
        return await asyncio.to_thread(search_vectors, collection, vector, k, exclude, matrix, mask)

    async def _unfiltered(
        self, collection: VectorCollection, vector: np.ndarray, k: int, exclude: frozenset[str], with_image: bool
    ) -> list[tuple[str, float]]:
        """Top ``k`` of one Chroma query among the catalog's articles (``with_image``: those with an image).
        The collection may also hold vectors of others (an ingest that stopped after embedding the catalog
        it had staged; image vectors kept by an ingest without images): when they crowd the top ``k``, the
        cached matrix is scored with a mask of the catalog's articles instead, which leaves them out."""
        scored = await asyncio.to_thread(search_vectors, collection, vector, k, exclude)
        present = await self._in_catalog([i for i, _ in scored], with_image=with_image)
        if len(present) == len(scored):
            return scored
        meta, matrix = await self._state(collection)
        mask = meta.mask(SearchFilters(), with_image=True) if with_image else np.ones(len(meta), dtype=bool)
        return await asyncio.to_thread(search_vectors, collection, vector, k, exclude, matrix, mask)

    async def _in_catalog(self, article_ids: list[str], *, with_image: bool = False) -> set[str]:
        """Those of ``article_ids`` in the catalog (``with_image``: with an image)."""
        if not article_ids:
            return set()
        found: set[str] = set()
        also = " AND image_path IS NOT NULL" if with_image else ""
        for start in range(0, len(article_ids), 500):  # SQLite's bound-parameter limit
            chunk = article_ids[start : start + 500]
            marks = ",".join("?" for _ in chunk)
            async with self.db.conn.execute(
                f"SELECT article_id FROM articles WHERE article_id IN ({marks}){also}", chunk
            ) as cur:
                found.update(str(r[0]) for r in await cur.fetchall())
        return found

    async def images_searchable(self) -> bool:
        """Whether a photo has anything to be compared with: image vectors, and catalog articles with an image."""
        if await asyncio.to_thread(self.vectors.image.recent_count) == 0:
            return False
        async with self.db.conn.execute("SELECT EXISTS (SELECT 1 FROM articles WHERE image_path IS NOT NULL)") as cur:
            row = await cur.fetchone()
        return bool(row and row[0])

    async def _check_filters(self, filters: SearchFilters) -> None:
        """Validate filter values early, before any embedding or vector loading."""
        if not filters.is_empty():
            meta, _ = await self._state()
            meta.mask(filters)  # raises BadQueryError on unknown values

    # ---- public API ----

    async def text(self, query: str, filters: SearchFilters, k: int) -> list[SearchHit]:
        """Semantic search for ``query`` (any language) among articles passing ``filters``."""
        query = _check_query(query)
        k = _check_k(k)
        await self._check_filters(filters)
        await self._open_for_search()
        await self._same_embedder(self.vectors.text)
        vector = (await asyncio.to_thread(self.text_embedder.embed, [query]))[0]
        return await self._hits(await self._search(self.vectors.text, vector, filters, k))

    async def _photo_vector(self, photo: bytes, filters: SearchFilters, *, text: bool = False) -> np.ndarray | None:
        """The vector of ``photo`` (the photo and the filters checked first), or None when no article images
        are indexed (or the catalog has none: ingested without images), so there is nothing to compare it with.
        The image vectors (and with ``text`` the text vectors) must be the configured embedders'."""
        key = hashlib.sha1(photo).hexdigest()
        cached = self._photo_vectors.get(key)
        image = await asyncio.to_thread(load_photo, photo) if cached is None else None  # checks the photo
        await self._check_filters(filters)
        await self._open_for_search()
        if not await self.images_searchable():
            logger.info("photo search asked, but no article images are indexed")  # the reply says so
            return None
        await self._same_embedder(self.vectors.image, *((self.vectors.text,) if text else ()))
        return cached if cached is not None else await self._embed_photo(key, image)

    async def photo(
        self, photo: bytes, filters: SearchFilters, k: int, text: str | None = None
    ) -> list[SearchHit]:
        """Articles that look like ``photo``; a caption ``text`` refines the ranking. With no article images
        indexed, the caption alone is searched, and a photo without one raises NoImageIndexError."""
        k = _check_k(k)
        caption = _check_query(text) if text and text.strip() else None
        vector = await self._photo_vector(photo, filters, text=caption is not None)
        if vector is None:  # the caption's words are all there is to go by
            if caption is None:
                raise NoImageIndexError()
            return await self.text(caption, filters, k)
        if caption is None:
            return await self._hits(await self._search(self.vectors.image, vector, filters, k))
        candidates = await self._search(self.vectors.image, vector, filters, max(50, 5 * k))
        text_vector = (await asyncio.to_thread(self.text_embedder.embed, [caption]))[0]
        text_vectors = await asyncio.to_thread(self.vectors.text.get_vectors, [i for i, _ in candidates])
        rescored = [
            (i, (1 - CAPTION_WEIGHT) * s + CAPTION_WEIGHT * float(text_vectors[i] @ text_vector))
            if i in text_vectors
            else (i, (1 - CAPTION_WEIGHT) * s)
            for i, s in candidates
        ]
        rescored.sort(key=lambda h: -h[1])
        return await self._hits(rescored[:k])

    async def photo_and_text(self, photo: bytes, text: str, filters: SearchFilters, k: int) -> list[SearchHit]:
        """Articles that look like ``photo`` and match ``text``, both counting alike (``reclmms search TEXT
        --photo FILE``; ``photo`` with a caption only refines the photo's look-alikes). The look-alikes and
        the text matches are pooled, every pooled article is scored on both sides, each side's similarity
        is scaled to 0..1 over the pool, and the mean ranks them (``fuse_similarities``)."""
        query = _check_query(text)
        k = _check_k(k)
        photo_vector = await self._photo_vector(photo, filters, text=True)
        if photo_vector is None:
            return await self.text(query, filters, k)
        text_vector = (await asyncio.to_thread(self.text_embedder.embed, [query]))[0]
        pool = max(BOTH_POOL, 5 * k)
        looks = await self._search(self.vectors.image, photo_vector, filters, pool)
        reads = await self._search(self.vectors.text, text_vector, filters, pool)
        ids = list(dict.fromkeys([i for i, _ in looks] + [i for i, _ in reads]))
        pictured = await self._in_catalog(ids, with_image=True)
        image_vectors = await asyncio.to_thread(self.vectors.image.get_vectors, [i for i in ids if i in pictured])
        text_vectors = await asyncio.to_thread(self.vectors.text.get_vectors, ids)
        fused = fuse_similarities(ids, [(image_vectors, photo_vector), (text_vectors, text_vector)])
        return await self._hits(fused[:k])

    async def _embed_photo(self, key: str, image: Any) -> np.ndarray:
        """The vector of a checked query photo, kept under ``key`` among the last ``PHOTO_VECTORS_KEPT``."""
        vector = np.asarray((await asyncio.to_thread(self.image_embedder.embed_images, [image]))[0])
        self._photo_vectors[key] = vector
        while len(self._photo_vectors) > PHOTO_VECTORS_KEPT:
            self._photo_vectors.popitem(last=False)
        return vector

    async def similar(self, article_id: str, filters: SearchFilters, k: int) -> list[SearchHit]:
        """Articles like ``article_id`` (itself excluded): by image when it has one, else by text."""
        k = _check_k(k)
        article_id = str(article_id).strip()
        await self._check_filters(filters)
        article = await self.articles.get(article_id)
        if article is None:
            raise NotFoundError(f"no article with id '{article_id}'")
        await self._open_for_search()
        collections = (self.vectors.image, self.vectors.text) if article.image_path else (self.vectors.text,)
        await self._same_embedder(*collections)
        for collection in collections:
            found = await asyncio.to_thread(collection.get_vectors, [article_id])
            if article_id in found:
                scored = await self._search(collection, found[article_id], filters, k, frozenset({article_id}))
                return await self._hits(scored)
        raise NotFoundError(f"article '{article_id}' is not indexed for search yet")

    async def known_values(self, field: str) -> list[str]:
        """The catalog's values of a filter field, most common first."""
        meta, _ = await self._state()
        if field not in meta.vocab:
            raise BadQueryError(f"unknown field '{field}'; known: {', '.join(meta.vocab)}")
        return meta.known_values(field)

    async def _hits(self, scored: list[tuple[str, float]]) -> list[SearchHit]:
        found = {a.article_id: a for a in await self.articles.get_many([i for i, _ in scored])}
        return [SearchHit(article=found[i], score=s) for i, s in scored if i in found]


def fuse_similarities(
    ids: list[str], sides: list[tuple[dict[str, np.ndarray], np.ndarray]]
) -> list[tuple[str, float]]:
    """``ids`` ranked by the mean over ``sides`` (each: the articles' vectors and a query vector) of their
    cosine similarity scaled to 0..1 over ``ids``, so that each side counts alike whatever the spread of
    its similarities; an article without a vector on a side scores 0 there. Best first."""
    total = np.zeros(len(ids))
    for vectors, query in sides:
        q = np.asarray(query, dtype=np.float64).reshape(-1)
        q = q / (np.linalg.norm(q) or 1.0)
        sims = np.full(len(ids), np.nan)
        for n, article_id in enumerate(ids):
            v = vectors.get(article_id)
            if v is not None:
                v = np.asarray(v, dtype=np.float64).reshape(-1)
                sims[n] = float(v @ q) / (float(np.linalg.norm(v)) or 1.0)
        known = sims[~np.isnan(sims)]
        if known.size == 0:
            continue
        low, high = float(known.min()), float(known.max())
        scaled = (sims - low) / (high - low) if high > low else np.where(np.isnan(sims), np.nan, 1.0)
        total += np.nan_to_num(scaled, nan=0.0)
    scores = total / max(len(sides), 1)
    return sorted(((i, float(s)) for i, s in zip(ids, scores, strict=True)), key=lambda h: -h[1])


def _check_query(query: str | None) -> str:
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
