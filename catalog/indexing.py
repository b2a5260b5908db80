"""Embedding the catalog into the vector store: article texts and article images.

``index_catalog`` is idempotent and resumable: it skips ids already in a collection,
so an interrupted run continues where it stopped. It works in batches (bounded
memory) and shows tqdm progress bars on stderr. Unreadable images are counted and
skipped, never fatal.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.embedders import ImageEmbedder, TextEmbedder, build_image_embedder, build_text_embedder
from catalog.images import load_image_file
from catalog.models import Article
from catalog.vectors import VectorCollection, VectorStore
from reclmms.errors import BadImageError
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
) -> IndexReport:
    """Embed every article not yet indexed (texts, and images when ``images``) into Chroma."""
    text_embedder = text_embedder or build_text_embedder(settings)
    image_embedder = image_embedder or build_image_embedder(settings)
    if store is None:
        store = await asyncio.to_thread(VectorStore, settings, text_embedder.name, image_embedder.name)
    report = IndexReport()
    total = await articles.count()
    with tqdm(total=total, desc="text vectors", unit="art", file=sys.stderr, disable=not progress) as bar:
        async for batch in articles.iter_all(batch_size=TEXT_BATCH):
            todo = await _missing(store.text, batch, report)
            if todo:
                vectors = await asyncio.to_thread(text_embedder.embed, [article_text(a) for a in todo])
                await asyncio.to_thread(_add, store.text, todo, vectors)
                report.text_indexed += len(todo)
            bar.update(len(batch))
    if images:
        await _index_images(articles, store.image, image_embedder, report, progress, settings.data_dir)
    logger.info("indexing done: %s", report.to_dict())
    return report


async def _index_images(
    articles: ArticleStore,
    collection: VectorCollection,
    embedder: ImageEmbedder,
    report: IndexReport,
    progress: bool,
    base_dir: Path,
) -> None:
    total = await articles.count_with_images()
    with tqdm(total=total, desc="image vectors", unit="img", file=sys.stderr, disable=not progress) as bar:
        async for batch in articles.iter_all(batch_size=IMAGE_BATCH):
            with_images = [a for a in batch if a.image_path]
            if not with_images:
                continue
            todo = await _missing(collection, with_images, report)
            if todo:
                loaded, pictures, corrupt = await asyncio.to_thread(_load_images, todo, base_dir)
                report.corrupt_images += corrupt
                if loaded:
                    vectors = await asyncio.to_thread(embedder.embed_images, pictures)
                    await asyncio.to_thread(_add, collection, loaded, vectors)
                    report.images_indexed += len(loaded)
            bar.update(len(with_images))


async def _missing(collection: VectorCollection, batch: list[Article], report: IndexReport) -> list[Article]:
    present = await asyncio.to_thread(collection.existing_ids, [a.article_id for a in batch])
    report.skipped_existing += len(present)
    return [a for a in batch if a.article_id not in present]


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


def _add(collection: VectorCollection, batch: list[Article], vectors: np.ndarray) -> None:
    collection.add([a.article_id for a in batch], vectors, [article_metadata(a) for a in batch])
