"""The ingest's search-index steps: vectors for the staged catalog before the swap, then the live
catalog's (whatever is still missing, and removing the vectors of articles no longer sold).

The staged catalog is embedded before it is swapped in, so a failure there (a full disk, a model
that cannot load) leaves the live catalog with every vector it had: the catalog is not swapped
until its index is written. Vectors already added for staged articles are kept for the re-run;
the search ignores vectors of articles that are not in the live catalog.

Once the embedded index holds article text vectors the store records it (``catalog.index_record``), so that
a folder deleted later is told as missing, and not made anew by a search. An index whose folder was lost is
built anew here: its record is dropped first, as only the ingest may make that folder again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.index_record import forget_index, index_lost, note_index
from catalog.ingest.report import IngestReport
from catalog.ingest.staging import staged
from reclmms.settings import Settings

logger = logging.getLogger(__name__)


async def index_staged(settings: Settings, db: Database, report: IngestReport, *, images: bool, progress: bool) -> None:
    """Embed the staged catalog's articles that have no current vector (nothing is removed)."""
    store = ArticleStore(db, settings.data_dir, table=staged("articles"))
    await run_indexing(settings, db, store, report, images=images, progress=progress, prune=False)


async def run_indexing(
    settings: Settings, db: Database, store: ArticleStore, report: IngestReport, *, images: bool, progress: bool,
    prune: bool = True, embed: bool = True,
) -> None:
    """``index_catalog`` over ``store``; its counts are added to ``report.indexed``. After
    ``index_staged`` has embedded the catalog just swapped in, ``embed=False`` only prunes."""
    try:
        from catalog.indexing import index_catalog  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        logger.warning("catalog.indexing is not available: the search index was not built")
        report.indexed["search index"] = "not built (catalog.indexing missing)"
        return
    if await asyncio.to_thread(index_lost, settings):
        logger.info("the search index's folder %s is missing: it is built anew", settings.chroma_path)
        await forget_index(db)
    result: Any = await index_catalog(settings, db, store, images=images, progress=progress, prune=prune, embed=embed)
    counts: dict[str, Any]
    if isinstance(result, dict):
        counts = result
    elif result is not None and hasattr(result, "__dataclass_fields__"):
        counts = {k: getattr(result, k) for k in result.__dataclass_fields__}
    else:
        counts = {} if result is None else {"result": result}
    for key, value in counts.items():
        before = report.indexed.get(key)
        report.indexed[key] = before + value if isinstance(before, int) and isinstance(value, int) else value
    await _record_index(settings, db)


async def _record_index(settings: Settings, db: Database) -> None:
    """Record in the store that the embedded index holds article text vectors (when it does)."""
    if settings.chroma.mode == "http" or not settings.chroma_path.is_dir():  # a server: not a folder to lose
        return
    articles = await asyncio.to_thread(_text_vectors, settings)
    if articles:
        await note_index(db, articles)


def _text_vectors(settings: Settings) -> int:
    """The embedded index's article text vectors, counted after indexing (0 when it has no text collection)."""
    from chromadb.errors import NotFoundError

    from catalog.vectors import TEXT_COLLECTION, chroma_client

    try:
        return int(chroma_client(settings).get_collection(TEXT_COLLECTION).count())
    except NotFoundError:
        return 0
