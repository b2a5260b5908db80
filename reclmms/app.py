"""The composition root: settings → stores → services → agent.

Everything that runs (CLI commands, the Telegram bot, benches) opens its services here,
and nowhere else. There are no module-level singletons.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reclmms.errors import ReclmmsError
from reclmms.settings import Settings

if TYPE_CHECKING:
    from agent.service import ShoppingService
    from catalog.db import Database
    from catalog.service import CatalogService

logger = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    db: Database
    catalog: CatalogService
    agent: ShoppingService | None = None


@contextlib.asynccontextmanager
async def open_catalog(
    settings: Settings, *, search_at_start: bool = True
) -> AsyncIterator[tuple[Database, CatalogService]]:
    """Open the SQLite database, the analytics store, the vector store and the embedders (lazily).
    ``search_at_start=False``: Chroma is opened on the first search, so what never searches runs without it.

    An embedded index opened at start that holds article vectors is recorded in the store as this catalog's
    (``catalog.index_record``); one whose folder is gone although the store records it is not opened at start,
    so that it is not made anew, empty: the search health check then says the folder is missing."""
    from catalog.factory import build_catalog
    from catalog.index_record import index_lost

    if search_at_start and await asyncio.to_thread(index_lost, settings):
        search_at_start = False
    async with build_catalog(settings, search_at_start=search_at_start) as (db, catalog):
        if search_at_start and settings.chroma.mode != "http":
            await _note_index(db, catalog)
        yield db, catalog


async def _note_index(db: Database, catalog: CatalogService) -> None:
    """Record in the store that the embedded index, just opened, holds article vectors (when it does)."""
    import sqlite3

    from catalog.index_record import note_index

    try:
        articles = int(await asyncio.to_thread(catalog.search.vectors.text.recent_count))
        if articles:
            await note_index(db, articles)
    except (ReclmmsError, sqlite3.Error):  # a record to help a later message: never what stops a command
        logger.debug("could not record the search index in the store", exc_info=True)


@contextlib.asynccontextmanager
async def open_services(
    settings: Settings, *, with_agent: bool = True, backend: Any = None, search_at_start: bool = True,
    start_backend: bool = True, conversations: bool = True,
) -> AsyncIterator[Services]:
    """Open everything a turn needs. ``backend`` injects a ChatBackend (tests, benches).
    ``search_at_start=False``: Chroma is opened on the first search (see ``open_catalog``), so turns that do not
    search (purchase history, recommendations) answer while the Chroma server is down.
    ``start_backend=False``: a local model is not loaded in the background (short jobs that run no turn).
    ``conversations=False``: the conversations' store is checked but not opened, nor made (a health check)."""
    async with open_catalog(settings, search_at_start=search_at_start) as (db, catalog):
        services = Services(settings=settings, db=db, catalog=catalog)
        if not with_agent:
            yield services
            return
        from agent.factory import build_shopping_service
        from catalog.db import CHECKPOINTS_REMEDY, check_sqlite_file

        # the checkpointer would write to a damaged file, or fail in a traceback: name it instead
        await asyncio.to_thread(check_sqlite_file, settings.checkpoints_path, CHECKPOINTS_REMEDY)
        async with build_shopping_service(settings, catalog, backend=backend, start_backend=start_backend,
                                          conversations=conversations) as agent:
            services.agent = agent
            yield services
