"""Builds the catalog layer from settings: stores, vector store, embedders, search, recommender."""

from __future__ import annotations

import contextlib
import inspect
import logging
from collections.abc import AsyncIterator
from typing import Any

from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.embedders import build_image_embedder, build_text_embedder
from catalog.schema import ensure_catalog_schema
from catalog.search import SearchEngine
from catalog.service import CatalogService
from catalog.vectors import VectorStore
from reclmms.errors import ReclmmsError
from reclmms.settings import Settings

logger = logging.getLogger(__name__)


class UnavailableComponent:
    """Stands in for a catalog component whose module is not installed in this build."""

    def __init__(self, name: str, reason: str) -> None:
        self._name = name
        self._reason = reason

    def __getattr__(self, attr: str) -> Any:
        raise ReclmmsError(f"{self._name} is not available in this build ({self._reason})")


async def _enter(stack: contextlib.AsyncExitStack, component: Any) -> Any:
    """Open ``component`` if it is an async context manager, and close it with the stack."""
    if isinstance(component, UnavailableComponent):
        return component
    if hasattr(type(component), "__aenter__"):
        return await stack.enter_async_context(component)
    close = getattr(type(component), "aclose", None) or getattr(type(component), "close", None)
    if close is not None:

        async def _close() -> None:
            result = close(component)
            if inspect.isawaitable(result):
                await result

        stack.push_async_callback(_close)
    return component


@contextlib.asynccontextmanager
async def build_catalog(
    settings: Settings, *, search_at_start: bool = True
) -> AsyncIterator[tuple[Database, CatalogService]]:
    """Open everything the catalog needs; yields ``(Database, CatalogService)`` and closes it all on exit.

    ``search_at_start``: open the search index (Chroma) now, so that a Chroma server that cannot be
    reached stops a program that will search at its start (``SearchUnavailableError``). Without it the
    index is opened on the first search, and what never searches (recommendations) runs without Chroma."""
    async with contextlib.AsyncExitStack() as stack:
        db = await stack.enter_async_context(Database(settings.sqlite_path))
        await ensure_catalog_schema(db)
        articles = ArticleStore(db, settings.data_dir)

        history: Any
        try:
            from catalog.history import HistoryStore

            history = HistoryStore(db, articles)
        except ImportError as exc:
            history = UnavailableComponent("purchase history", str(exc))
        history = await _enter(stack, history)

        analytics: Any
        try:
            from catalog.analytics import Analytics

            analytics = Analytics(settings.duckdb_path, articles, threads=settings.catalog.cpu_threads)
        except ImportError as exc:
            analytics = UnavailableComponent("analytics", str(exc))
        analytics = await _enter(stack, analytics)

        text_embedder = build_text_embedder(settings)
        image_embedder = build_image_embedder(settings)
        vectors = VectorStore(settings, text_embedder.name, image_embedder.name)
        search = SearchEngine(db, articles, vectors, text_embedder, image_embedder, settings.chroma_path)
        if search_at_start:
            await search.connect()

        recommender: Any
        try:
            from catalog.recommend import Recommender

            recommender = Recommender(analytics, articles, history)
        except ImportError as exc:
            recommender = UnavailableComponent("recommendations", str(exc))
        recommender = await _enter(stack, recommender)

        yield db, CatalogService(articles, search, history, analytics, recommender)
