"""Embedding the catalog into the vector store: article texts and article images.

``index_catalog`` is idempotent and resumable: it skips articles whose vector is already
there and still computed from the same input (each vector records a fingerprint of its text,
or its image path, as ``source``), so an interrupted run continues where it stopped, and an
article whose text or image changed is embedded again. Vectors of articles no longer in the
catalog are removed, and the search's on-disk copy of a changed collection is dropped.

Without images (``images=False``, ``--no-images``) no image vector is computed and those of the
catalog's articles are kept (``images_kept``), not used by the search (the articles have no image
then) but reused by the next run with images, which computes only the missing ones: an image pass
that was stopped, or a run without images, loses none of the image work done. It works
in batches (bounded memory) and shows tqdm progress bars on stderr. Unreadable images are
counted and skipped, never fatal. A Chroma server that cannot be reached stops it with one
``SearchUnavailableError`` saying so; the vectors written until then are kept for the re-run.

A collection whose vectors another embedder computed (``[catalog] text_embedder`` or ``image_embedder``
changed since) is dropped and created anew for the configured one before it is embedded, and every article
is embedded again (``text_reembedded``, ``images_reembedded``). The new collection records the new embedder
at once, so an interrupted re-embed is resumed by the next run like any other partial index.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.embedders import ImageEmbedder, TextEmbedder, build_image_embedder, build_text_embedder
from catalog.image_paths import to_stored
from catalog.images import load_image_file
from catalog.models import Article
from catalog.search_index import VectorMatrix
from catalog.vectors import VectorCollection, VectorStore
from reclmms.errors import BadImageError, EmbedderChangedError, SearchUnavailableError
from reclmms.settings import Settings

logger = logging.getLogger(__name__)

TEXT_BATCH = 512
IMAGE_BATCH = 64
_META_FIELDS = ("product_type", "colour", "colour_master", "index_group", "section", "garment_group")


@dataclass
class IndexReport:
    text_indexed: int = 0
    images_indexed: int = 0
    corrupt_images: int = 0
    skipped_existing: int = 0
    removed: int = 0  # vectors of articles no longer in the catalog (or no longer with an image)
    images_kept: int = 0  # without images: image vectors kept for a later run with images
    text_reembedded: int = 0  # text vectors computed anew because the text embedder changed
    images_reembedded: int = 0  # image vectors computed anew because the image embedder changed

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def article_text(article: Article) -> str:
    """What the text embedder sees: name, type, colour, group, section and description."""
    head = ", ".join(
        bit for bit in (article.name, article.colour, article.product_type) if bit
    )
    where = " / ".join(bit for bit in (article.index_group, article.section, article.garment_group) if bit)
    parts = [head, where, article.description.strip()]
    return ". ".join(p for p in parts if p)


def article_metadata(article: Article) -> dict[str, Any]:
    meta: dict[str, Any] = {f: getattr(article, f) or "" for f in _META_FIELDS}
    if article.price is not None:
        meta["price"] = float(article.price)
    return meta


async def index_catalog(
    settings: Settings,
    db: Database,
    articles: ArticleStore,
    *,
    images: bool = True,
    progress: bool = True,
    store: VectorStore | None = None,
    text_embedder: TextEmbedder | None = None,
    image_embedder: ImageEmbedder | None = None,
    prune: bool = True,
    embed: bool = True,
) -> IndexReport:
    """Embed (``embed``) every article of ``articles`` not yet indexed, or changed since (texts, and
    images when ``images``) into Chroma, and (``prune``) remove the vectors of articles not in ``articles``.

    An ingest embeds the staged catalog without pruning (the live catalog keeps its vectors until
    the staged one is swapped in), then prunes for the live catalog without embedding."""
    text_embedder = text_embedder or build_text_embedder(settings)
    image_embedder = image_embedder or build_image_embedder(settings)
    if store is None:
        store = VectorStore(settings, text_embedder.name, image_embedder.name)  # opened on first use
    report = IndexReport()
    try:
        await _index(settings, articles, store, text_embedder, image_embedder, report, images, progress, prune, embed)
    except EmbedderChangedError:  # a collection another process created anew meanwhile: as it says
        raise
    except SearchUnavailableError:
        logger.debug("the Chroma server went away while indexing", exc_info=True)
        raise SearchUnavailableError(
            f"the search index (the Chroma server at {store.server}) could not be reached; what was indexed is "
            "kept: run the same command again to resume"
        ) from None
    return report


async def _index(
    settings: Settings,
    articles: ArticleStore,
    store: VectorStore,
    text_embedder: TextEmbedder,
    image_embedder: ImageEmbedder,
    report: IndexReport,
    images: bool,
    progress: bool,
    prune: bool,
    embed: bool,
) -> None:
    await asyncio.to_thread(store.open)
    if not embed:
        if prune:
            await _prune_to(articles, store, report, images, settings.chroma_path)
        return
    text_renewed = await _renew_for_embedder(store.text, settings.chroma_path)
    total = await articles.count()
    catalog_ids: set[str] = set()
    with tqdm(total=total, desc="text vectors", unit="art", file=sys.stderr, disable=not progress) as bar:
        async for batch in articles.iter_all(batch_size=TEXT_BATCH):
            catalog_ids.update(a.article_id for a in batch)
            todo = await _stale(store.text, batch, report, text_source)
            if todo:
                vectors = await asyncio.to_thread(text_embedder.embed, [article_text(a) for a in todo])
                await asyncio.to_thread(_add, store.text, todo, vectors, text_source)
                report.text_indexed += len(todo)
            bar.update(len(batch))
    if text_renewed:
        report.text_reembedded += report.text_indexed
    changed = report.text_indexed + (await _prune(store.text, catalog_ids, report) if prune else 0)
    _drop_cached_matrix(store.text, settings.chroma_path, changed)
    if images:
        done = report.images_indexed
        images_renewed = await _renew_for_embedder(store.image, settings.chroma_path)
        with_images = await _index_images(articles, store.image, image_embedder, report, progress, settings.data_dir)
        if images_renewed:
            report.images_reembedded += report.images_indexed - done
        changed = report.images_indexed - done + (await _prune(store.image, with_images, report) if prune else 0)
        _drop_cached_matrix(store.image, settings.chroma_path, changed)
    elif prune:
        await _keep_images_of(store.image, catalog_ids, report, settings.chroma_path)
    logger.info("indexing done: %s", report.to_dict())


async def _prune_to(
    articles: ArticleStore, store: VectorStore, report: IndexReport, images: bool, cache_dir: Path
) -> None:
    """Remove the vectors of articles not in ``articles`` (image vectors: of those without an image; without
    ``images``: of those not in ``articles``, the others kept for a later run with images)."""
    ids: set[str] = set()
    with_images: set[str] = set()
    async for batch in articles.iter_all(batch_size=5000):
        ids.update(a.article_id for a in batch)
        with_images.update(a.article_id for a in batch if a.image_path)
    _drop_cached_matrix(store.text, cache_dir, await _prune(store.text, ids, report))
    if images:
        _drop_cached_matrix(store.image, cache_dir, await _prune(store.image, with_images, report))
    else:
        await _keep_images_of(store.image, ids, report, cache_dir)


async def _keep_images_of(collection: VectorCollection, ids: set[str], report: IndexReport, cache_dir: Path) -> None:
    """Without images: remove the image vectors of articles not in the catalog, count the others as kept."""
    _drop_cached_matrix(collection, cache_dir, await _prune(collection, ids, report))
    # another embedder's vectors are not kept for later: the next run with images computes them all anew
    report.images_kept = 0 if collection.embedder_changed else await asyncio.to_thread(collection.count)


async def _renew_for_embedder(collection: VectorCollection, cache_dir: Path) -> bool:
    """When ``collection``'s vectors were computed with another embedder than the configured one: drop it and
    create it anew (empty, recording the configured embedder), with the search's on-disk copies of its
    vectors. Its articles are then all embedded again; whether it held vectors to replace."""
    if not collection.embedder_changed:
        return False
    had = await asyncio.to_thread(collection.count)
    if had:
        logger.warning("the %s vectors were computed with %s; the configured embedder is %s: computing them all anew",
                       collection.name, collection.built_with, collection.model)
    await asyncio.to_thread(collection.recreate)
    for path in VectorMatrix.all_cache_files(collection, cache_dir):
        path.unlink(missing_ok=True)
    return had > 0


async def _index_images(
    articles: ArticleStore,
    collection: VectorCollection,
    embedder: ImageEmbedder,
    report: IndexReport,
    progress: bool,
    base_dir: Path,
) -> set[str]:
    """Embed the images not yet indexed or changed; the ids of every article with an image."""
    total = await articles.count_with_images()
    seen: set[str] = set()

    def source(article: Article) -> str:
        return image_source(article, base_dir)

    with tqdm(total=total, desc="image vectors", unit="img", file=sys.stderr, disable=not progress) as bar:
        async for batch in articles.iter_all(batch_size=IMAGE_BATCH):
            with_images = [a for a in batch if a.image_path]
            if not with_images:
                continue
            seen.update(a.article_id for a in with_images)
            todo = await _stale(collection, with_images, report, source, also_current=_absolute_image)
            if todo:
                loaded, pictures, corrupt = await asyncio.to_thread(_load_images, todo, base_dir)
                report.corrupt_images += corrupt
                if loaded:
                    vectors = await asyncio.to_thread(embedder.embed_images, pictures)
                    await asyncio.to_thread(_add, collection, loaded, vectors, source)
                    report.images_indexed += len(loaded)
            bar.update(len(with_images))
    return seen


def text_source(article: Article) -> str:
    """The fingerprint of what an article's text vector is computed from."""
    return hashlib.sha1(article_text(article).encode("utf-8")).hexdigest()[:16]


def image_source(article: Article, data_dir: Path | None = None) -> str:
    """The fingerprint of what an article's image vector is computed from: its image path, relative to
    the data dir when inside it (so moving the data dir changes nothing)."""
    return to_stored(article.image_path, data_dir) or ""


def _absolute_image(article: Article) -> str:
    """The fingerprint image vectors were given before image paths were stored relative: still current."""
    return article.image_path or ""


async def _stale(
    collection: VectorCollection, batch: list[Article], report: IndexReport, source: Callable[[Article], str],
    also_current: Callable[[Article], str] | None = None,
) -> list[Article]:
    """Articles without a vector, or whose vector was computed from other input. A vector written
    before fingerprints were recorded counts as current, and gets its fingerprint now, so later
    changes to that article are seen."""
    stored = await asyncio.to_thread(collection.sources, [a.article_id for a in batch])

    def current(a: Article) -> bool:
        was = stored[a.article_id]
        return was is None or was == source(a) or (also_current is not None and was == also_current(a))

    todo = [a for a in batch if a.article_id not in stored or not current(a)]
    unrecorded = [a for a in batch if a.article_id in stored and stored[a.article_id] is None]
    if unrecorded:
        metadatas = [{**article_metadata(a), "source": source(a)} for a in unrecorded]
        await asyncio.to_thread(collection.set_metadata, [a.article_id for a in unrecorded], metadatas)
    report.skipped_existing += len(batch) - len(todo)
    return todo


async def _prune(collection: VectorCollection, keep: set[str], report: IndexReport) -> int:
    gone = [i for i in await asyncio.to_thread(collection.all_ids) if i not in keep]
    if gone:
        await asyncio.to_thread(collection.delete, gone)
        report.removed += len(gone)
        logger.info("removed %d vectors of %s no longer in the catalog", len(gone), collection.name)
    return len(gone)


def _drop_cached_matrix(collection: VectorCollection, cache_dir: Path, changed: int) -> None:
    """The search reuses its on-disk copy of the vectors while the count matches: drop it on change."""
    if changed:
        for path in VectorMatrix.cache_files(collection, cache_dir):
            path.unlink(missing_ok=True)


def _load_images(batch: list[Article], base_dir: Path) -> tuple[list[Article], list[Any], int]:
    loaded: list[Article] = []
    pictures: list[Any] = []
    corrupt = 0
    for article in batch:
        assert article.image_path is not None
        try:
            path = Path(article.image_path)
            if not path.is_absolute() and not path.exists():
                path = base_dir / path
            picture = load_image_file(path)
        except BadImageError as exc:
            logger.warning("skipping image of %s: %s", article.article_id, exc)
            corrupt += 1
            continue
        loaded.append(article)
        pictures.append(picture)
    return loaded, pictures, corrupt


def _add(
    collection: VectorCollection, batch: list[Article], vectors: np.ndarray, source: Callable[[Article], str]
) -> None:
    metadatas = [{**article_metadata(a), "source": source(a)} for a in batch]
    collection.add([a.article_id for a in batch], vectors, metadatas)
