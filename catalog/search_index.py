"""In-memory search state: article metadata as arrays, vector matrices, filter masks.

Chroma's ``where`` filter scans metadata row by row (p50 95 ms at 105k articles), so
filters are evaluated here instead, on integer-coded metadata arrays, and the
candidates are scored by an over-fetched Chroma query checked against the mask (broad
filters), exactly with numpy on the filtered rows of the cached matrix (small candidate
sets), or, for large candidate sets the over-fetch could not serve, by a shortlist from
PCA-reduced vectors re-scored exactly. Scores are always exact cosine similarities.
"""

from __future__ import annotations

import difflib
import functools
import logging
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from catalog.models import SearchFilters
from catalog.vectors import VectorCollection
from reclmms.errors import BadQueryError

logger = logging.getLogger(__name__)

CATEGORY_FIELDS = ("product_type", "colour", "colour_master", "index_group", "section", "garment_group")
METADATA_COLUMNS = ("article_id", *CATEGORY_FIELDS, "price", "image_path IS NOT NULL")
# Filtered queries whose candidate set is at most this large are scored directly with numpy.
DIRECT_MAX = 2500
# Over-fetching from Chroma is capped (a broad filter, >= ~4% of the catalog for k=10);
# narrower filters, and queries whose over-fetch found too few, use the PCA shortlist.
OVERFETCH_MAX = 600
MASK_CACHE = 64
# Candidate sets above DIRECT_MAX that over-fetching could not serve are shortlisted with
# PCA-reduced vectors (REDUCED_DIM) and the shortlist is scored exactly.
REDUCED_DIM = 96
RERANK_MIN = 500
RERANK_FACTOR = 40
# Reduced rows kept per filter set (each <= n_candidates x REDUCED_DIM float32).
SUBSET_CACHE = 16
# Try an over-fetched Chroma query before the shortlist (off: the cached shortlist is cheaper).
PREFER_OVERFETCH = False


def _norm(value: str) -> str:
    return re.sub(r"\s+", " ", value.strip().lower())


def _singular(value: str) -> str:
    for suffix in ("ses", "es", "s"):
        if value.endswith(suffix) and len(value) > len(suffix) + 2:
            return value[: -len(suffix)] if suffix != "ses" else value[:-2]
    return value


@dataclass
class MetadataTable:
    """Filterable fields of every article, as arrays aligned to ``ids``; ``has_image``: the article has
    an image (only those count in a photo search: ``mask(..., with_image=True)``)."""

    ids: list[str]
    row_of: dict[str, int]
    codes: dict[str, np.ndarray]
    vocab: dict[str, list[str]]  # field -> canonical values (code order)
    lower: dict[str, dict[str, int]]  # field -> lowercased value -> code
    counts: dict[str, np.ndarray]
    price: np.ndarray
    has_image: np.ndarray
    _masks: dict[tuple[SearchFilters, bool], np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(cls, rows: Iterable[Sequence[Any]]) -> MetadataTable:
        """From rows of ``METADATA_COLUMNS`` (article_id, the category fields, price, whether it has an image)."""
        ids: list[str] = []
        raw: dict[str, list[int]] = {f: [] for f in CATEGORY_FIELDS}
        vocab: dict[str, list[str]] = {f: [] for f in CATEGORY_FIELDS}
        lookup: dict[str, dict[str, int]] = {f: {} for f in CATEGORY_FIELDS}
        prices: list[float] = []
        images: list[bool] = []
        for row in rows:
            ids.append(str(row[0]))
            for pos, f in enumerate(CATEGORY_FIELDS, start=1):
                value = row[pos] or ""
                key = _norm(value)
                code = lookup[f].get(key)
                if code is None:
                    code = lookup[f][key] = len(vocab[f])
                    vocab[f].append(value)
                raw[f].append(code)
            price = row[len(CATEGORY_FIELDS) + 1]
            prices.append(math.nan if price is None else float(price))
            images.append(bool(row[len(CATEGORY_FIELDS) + 2]))
        codes = {f: np.asarray(raw[f], dtype=np.int32) for f in CATEGORY_FIELDS}
        counts = {f: np.bincount(codes[f], minlength=len(vocab[f])) for f in CATEGORY_FIELDS}
        return cls(
            ids=ids,
            row_of={a: i for i, a in enumerate(ids)},
            codes=codes,
            vocab=vocab,
            lower=lookup,
            counts=counts,
            price=np.asarray(prices, dtype=np.float64),
            has_image=np.asarray(images, dtype=bool),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def known_values(self, f: str) -> list[str]:
        order = np.argsort(-self.counts[f], kind="stable")
        return [self.vocab[f][i] for i in order if self.vocab[f][i]]

    def _codes_for(self, f: str, value: str) -> list[int]:
        key = _norm(value)
        table = self.lower[f]
        if key in table and key:
            return [table[key]]
        single = _singular(key)
        return [code for k, code in table.items() if k and (k == single or _singular(k) == single)]

    def _unknown(self, f: str, value: str) -> BadQueryError:
        fields = (f, "colour_master") if f == "colour" else (f,)
        known: list[str] = []
        for name in fields:
            known.extend(v for v in self.known_values(name) if v not in known)
        lowered = {v.lower(): v for v in known}
        close = difflib.get_close_matches(_norm(value), list(lowered), n=6, cutoff=0.55)
        close += [k for k in lowered if _norm(value) in k and k not in close]
        hint = [lowered[c] for c in close[:6]] or known[:8]
        label = "close known values" if close else "some known values"
        return BadQueryError(f"unknown {f} '{value}'; {label}: {', '.join(repr(v) for v in hint)}")

    def _select(self, f: str, codes: list[int]) -> np.ndarray:
        if len(codes) == 1:
            return self.codes[f] == codes[0]
        table = np.zeros(len(self.vocab[f]), dtype=bool)
        table[codes] = True
        return table[self.codes[f]]

    def mask(self, filters: SearchFilters, *, with_image: bool = False) -> np.ndarray | None:
        """A boolean mask over articles, or None when there are no filters. Raises BadQueryError.
        ``with_image``: only the articles with an image pass (a mask even without filters).

        Masks are memoised per filter set (a few dozen, ~100 KB each at 105k articles).
        """
        if filters.is_empty() and not with_image:
            return None
        key = (filters, with_image)
        cached = self._masks.get(key)
        if cached is not None:
            return cached
        mask = self.has_image.copy() if filters.is_empty() else self._build_mask(filters)
        if with_image:
            mask &= self.has_image
        mask.flags.writeable = False
        if len(self._masks) >= MASK_CACHE:
            self._masks.pop(next(iter(self._masks)))
        self._masks[key] = mask
        return mask

    def _build_mask(self, filters: SearchFilters) -> np.ndarray:
        mask = np.ones(len(self.ids), dtype=bool)
        for f in ("product_type", "colour", "index_group", "section", "garment_group"):
            value = getattr(filters, f)
            if value is None:
                continue
            if not str(value).strip():
                raise BadQueryError(f"empty value for filter {f}")
            codes = self._codes_for(f, str(value))
            masters = self._codes_for("colour_master", str(value)) if f == "colour" else []
            if not codes and not masters:
                raise self._unknown(f, str(value))
            sub = self._select(f, codes)
            if masters:
                sub |= self._select("colour_master", masters)
            mask &= sub
        lo, hi = filters.min_price, filters.max_price
        if lo is not None and hi is not None and lo > hi:
            raise BadQueryError(f"min_price ({lo:g}) is above max_price ({hi:g})")
        if lo is not None:
            if lo < 0:
                raise BadQueryError("min_price must not be negative")
            mask &= self.price >= lo
        if hi is not None:
            if hi < 0:
                raise BadQueryError("max_price must not be negative")
            mask &= self.price <= hi
        return mask


@functools.cache
def _blas_controller() -> ThreadpoolController:
    return ThreadpoolController()


def single_blas_thread() -> Any:
    """A context with BLAS on one thread: a matrix-vector product is memory-bound, and a
    second BLAS thread on busy cores spin-waits (measured 10-50x slower under load)."""
    return _blas_controller().limit(limits=1, user_api="blas")


@dataclass
class VectorMatrix:
    """All vectors of one collection in memory, aligned to metadata rows.

    The collection may hold vectors of only some articles (an image pass that was stopped, articles
    without an image) and of articles no longer in the catalog: a metadata row is then found through
    ``article_rows``, never used as a vector row (``vector_mask``)."""

    ids: list[str]
    matrix: np.ndarray
    article_rows: np.ndarray  # metadata row of each vector row (-1 when the article is gone)
    n_articles: int  # metadata rows (the length of an article mask)
    row_of: dict[str, int] = field(default_factory=dict)
    _reduced: tuple[np.ndarray, np.ndarray] | None = None
    _subsets: dict[int, tuple[Any, np.ndarray]] = field(default_factory=dict)

    @functools.cached_property
    def aligned(self) -> bool:
        """Vector row i belongs to metadata row i, for every metadata row: an article mask is a vector mask.
        Vectors for the first articles only (an image pass stopped after them) are not aligned."""
        return len(self.article_rows) == self.n_articles and bool(
            np.array_equal(self.article_rows, np.arange(len(self.article_rows)))
        )

    @staticmethod
    def cache_files(collection: VectorCollection, cache_dir: Path) -> tuple[Path, Path]:
        """The on-disk copy of a collection's vectors (ids, matrix), reused while its count matches."""
        stem = cache_dir / f"{collection.name}-{collection.model_tag}"
        return stem.with_suffix(".ids.npy"), stem.with_suffix(".vectors.npy")

    @staticmethod
    def all_cache_files(collection: VectorCollection, cache_dir: Path) -> list[Path]:
        """The on-disk copies of a collection's vectors for every embedder (``cache_files`` of each): all stale
        once the collection is created anew."""
        return sorted(cache_dir.glob(f"{collection.name}-*.npy"))

    @classmethod
    def load(cls, collection: VectorCollection, cache_dir: Path, meta: MetadataTable) -> VectorMatrix:
        count = collection.count()
        ids_path, mat_path = cls.cache_files(collection, cache_dir)
        ids: list[str] | None = None
        matrix: np.ndarray | None = None
        if ids_path.exists() and mat_path.exists():
            try:
                cached_ids = np.load(ids_path, allow_pickle=False)
                if len(cached_ids) == count:
                    ids = [str(i) for i in cached_ids]
                    matrix = np.load(mat_path, allow_pickle=False)
            except (OSError, ValueError) as exc:
                logger.warning("ignoring unreadable vector cache %s: %s", mat_path, exc)
        if ids is None or matrix is None or len(matrix) != len(ids):
            logger.info("loading %d vectors of %s from Chroma", count, collection.name)
            ids, matrix = collection.all_vectors()
            try:
                cache_dir.mkdir(parents=True, exist_ok=True)
                np.save(mat_path, matrix)
                np.save(ids_path, np.asarray(ids, dtype=str))
            except OSError as exc:
                logger.warning("cannot write vector cache %s: %s", mat_path, exc)
        rows = np.asarray([meta.row_of.get(i, -1) for i in ids], dtype=np.int64)
        if len(ids) == len(meta) and (rows >= 0).all() and len(np.unique(rows)) == len(rows):
            # Every article has a vector: store them in metadata order, so an article mask
            # is directly a vector mask (no gather per query).
            order = np.argsort(rows)
            matrix = np.asarray(matrix)[order]
            ids = [ids[i] for i in order]
            rows = np.arange(len(ids), dtype=np.int64)
        loaded = cls(ids=ids, matrix=np.ascontiguousarray(matrix, dtype=np.float32), article_rows=rows,
                     n_articles=len(meta), row_of={a: i for i, a in enumerate(ids)})
        if len(loaded) > DIRECT_MAX:
            loaded.reduced()
        return loaded

    def __len__(self) -> int:
        return len(self.ids)

    def vector_mask(self, article_mask: np.ndarray | None) -> np.ndarray:
        """The vector rows whose article passes ``article_mask`` (a mask over metadata rows)."""
        if article_mask is not None and len(article_mask) != self.n_articles:
            raise ValueError(f"an article mask of {len(article_mask)} rows for {self.n_articles} articles")
        if article_mask is not None and self.aligned:
            return article_mask
        valid = self.article_rows >= 0
        if article_mask is None:
            return valid
        out = np.zeros(len(self.ids), dtype=bool)
        out[valid] = article_mask[self.article_rows[valid]]
        return out

    def reduced(self) -> tuple[np.ndarray, np.ndarray]:
        """A PCA projection (dim x REDUCED_DIM) and the matrix projected with it, computed once."""
        if self._reduced is None:
            rng = np.random.default_rng(0)
            sample = self.matrix[rng.choice(len(self.matrix), size=min(len(self.matrix), 20000), replace=False)]
            cov = (sample.T @ sample) / len(sample)
            _, vecs = np.linalg.eigh(cov)
            projection = np.ascontiguousarray(vecs[:, ::-1][:, :REDUCED_DIM], dtype=np.float32)
            self._reduced = (projection, np.ascontiguousarray(self.matrix @ projection, dtype=np.float32))
        return self._reduced

    def score_rows_two_stage(
        self, rows: np.ndarray, query: np.ndarray, k: int, mask: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """Large candidate sets: shortlist with the PCA-reduced vectors, then score the shortlist exactly.

        With ``mask`` (a memoised, read-only filter mask) the reduced rows of that filter are
        kept, so a repeated filter costs one small matrix-vector product.
        """
        shortlist = max(RERANK_MIN, RERANK_FACTOR * k)
        if rows.size <= shortlist:
            return self.score_rows(rows, query, k)
        projection, small = self.reduced()
        sub = self._subsets.get(id(mask)) if mask is not None else None
        if sub is None or sub[0] is not mask:
            sub = (mask, np.ascontiguousarray(small[rows]))
            if mask is not None:
                if len(self._subsets) >= SUBSET_CACHE:
                    self._subsets.pop(next(iter(self._subsets)))
                self._subsets[id(mask)] = sub
        with single_blas_thread():
            approx = sub[1] @ (query @ projection)
        keep = rows[np.argpartition(-approx, shortlist - 1)[:shortlist]]
        return self.score_rows(keep, query, k)

    def score_rows(self, rows: np.ndarray, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        if rows.size == 0:
            return []
        with single_blas_thread():
            sims = self.matrix[rows] @ query
        k = min(k, rows.size)
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self.ids[rows[i]], float(sims[i])) for i in top]


def search_vectors(
    collection: VectorCollection,
    query: np.ndarray,
    k: int,
    exclude: frozenset[str] = frozenset(),
    vectors: VectorMatrix | None = None,
    article_mask: np.ndarray | None = None,
) -> list[tuple[str, float]]:
    """Top ``k`` (id, cosine) among the vectors allowed by ``article_mask``, minus ``exclude``.

    Without a mask this is one Chroma query; with one, ``vectors`` (the cached matrix)
    must be given and the candidates are scored as described at the top of this module.
    """
    query = np.asarray(query, dtype=np.float32).reshape(-1)
    want = k + len(exclude)
    if article_mask is None:
        ids, sims = collection.query(query, want)
        return [(i, float(s)) for i, s in zip(ids, sims, strict=True) if i not in exclude][:k]
    assert vectors is not None, "a filtered search needs the cached vectors"
    total = len(vectors)
    if total == 0:
        return []
    allowed = vectors.vector_mask(article_mask)
    n_allowed = int(allowed.sum())
    if n_allowed == 0:
        return []
    fetch = math.ceil(want * total / n_allowed * 2.5) + 10
    if PREFER_OVERFETCH and n_allowed > DIRECT_MAX and fetch <= OVERFETCH_MAX:
        ids, sims = collection.query(query, fetch)
        hits = []
        for i, s in zip(ids, sims, strict=True):
            row = vectors.row_of.get(i)
            if row is not None and allowed[row] and i not in exclude:
                hits.append((i, float(s)))
        if len(hits) >= k or fetch >= total:
            return hits[:k]
    rows = np.flatnonzero(allowed)
    if rows.size > DIRECT_MAX:
        scored = vectors.score_rows_two_stage(rows, query, want, article_mask if vectors.aligned else None)
    else:
        scored = vectors.score_rows(rows, query, want)
    return [h for h in scored if h[0] not in exclude][:k]
