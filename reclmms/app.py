"""The composition root: settings → stores → services → agent.

Everything that runs (CLI commands, the Telegram bot, benches) opens its services here,
and nowhere else. There are no module-level singletons.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reclmms.settings import Settings

if TYPE_CHECKING:
    from agent.service import ShoppingService
    from catalog.db import Database
    from catalog.service import CatalogService


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
    ``search_at_start=False``: Chroma is opened on the first search, so what never searches runs without it."""
    from catalog.factory import build_catalog

    async with build_catalog(settings, search_at_start=search_at_start) as (db, catalog):
        yield db, catalog


@contextlib.asynccontextmanager
async def open_services(
    settings: Settings, *, with_agent: bool = True, backend: Any = None, search_at_start: bool = True,
    start_backend: bool = True,
) -> AsyncIterator[Services]:
    """Open everything a turn needs. ``backend`` injects a ChatBackend (tests, benches).
    ``search_at_start=False``: Chroma is opened on the first search (see ``open_catalog``), so turns that do not
    search (purchase history, recommendations) answer while the Chroma server is down.
    ``start_backend=False``: a local model is not loaded in the background (short jobs that run no turn)."""
    async with open_catalog(settings, search_at_start=search_at_start) as (db, catalog):
        services = Services(settings=settings, db=db, catalog=catalog)
        if not with_agent:
            yield services
            return
        from agent.factory import build_shopping_service
        from catalog.db import CHECKPOINTS_REMEDY, check_sqlite_file

        # the checkpointer would write to a damaged file, or fail in a traceback: name it instead
        await asyncio.to_thread(check_sqlite_file, settings.checkpoints_path, CHECKPOINTS_REMEDY)
        async with build_shopping_service(settings, catalog, backend=backend, start_backend=start_backend) as agent:
            services.agent = agent
            yield services
