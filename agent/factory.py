"""Build the ``ShoppingService`` with its backend, vocabularies and persistent checkpointer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from agent.language import LanguageDetector
from agent.scope import name_words
from agent.service import ShoppingService
from agent.vocabulary import VocabularyMapper
from reclmms.errors import ModelUnavailableError, describe_error

if TYPE_CHECKING:
    from catalog.service import CatalogService
    from reclmms.settings import Settings

logger = logging.getLogger(__name__)

MAX_CATALOG_NAMES = 300_000


class UnavailableBackend:
    """Stands in for a configured backend that cannot run (weights missing): every call fails at once,
    so turns answer with catalog results and a short note, and /stats shows why."""

    supports_images = False
    chat_model = None

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason

    async def complete_json(self, messages: Any, schema: Any, *, max_tokens: int = 256,
                            timeout_s: float | None = None) -> dict[str, Any]:
        raise ModelUnavailableError(self.reason)

    async def choose_tool(self, messages: Any, tools: Any, *, require: bool = False, max_tokens: int = 128,
                          timeout_s: float | None = None) -> Any:
        raise ModelUnavailableError(self.reason)

    async def stream_text(self, messages: Any, *, max_tokens: int = 256,
                          timeout_s: float | None = None) -> AsyncIterator[str]:
        raise ModelUnavailableError(self.reason)
        yield ""  # pragma: no cover - makes this an async generator

    async def health(self) -> dict[str, Any]:
        return {"status": "down", "ok": False, "error": self.reason}

    async def aclose(self) -> None:
        return None


async def load_catalog_names(catalog: Any) -> tuple[set[str], set[str]]:
    """Multi-word catalog product names (case kept), for the grounding check, and the lower-case words of
    all product names, for the scope check (``agent/scope.py``); empty if unavailable."""
    names: set[str] = set()
    words: set[str] = set()
    articles = getattr(catalog, "articles", None)
    iter_all = getattr(articles, "iter_all", None)
    if iter_all is None:
        return names, words
    try:
        async for batch in iter_all():
            seen: set[str] = set()
            for a in batch:
                name = (a.name or "").strip()
                seen.add(name)
                if " " in name and len(name) >= 6:
                    names.add(name)
            words |= name_words(seen)
            if len(names) > MAX_CATALOG_NAMES:
                break
    except Exception as exc:
        logger.warning("catalog names unavailable for grounding: %s", describe_error(exc))
    return names, words


async def _warm(start: Any) -> None:
    try:
        await start()
    except Exception as exc:  # the turns report the backend as unavailable
        logger.warning("the language model did not start: %s", describe_error(exc))


@contextlib.asynccontextmanager
async def build_shopping_service(
    settings: Settings, catalog: CatalogService, backend: Any = None, *, start_backend: bool = True,
    conversations: bool = True,
) -> AsyncIterator[ShoppingService]:
    """Yield a ready ``ShoppingService``; closes the backend (if built here) and the checkpointer.
    ``start_backend=False``: a local model is not loaded in the background (a short job, such as
    ``reclmms stats --health``, that only asks the backend how it is). ``conversations=False``: no
    checkpointer, so ``conversations.sqlite3`` is neither opened nor created (a job that runs no turn)."""
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    own_backend = backend is None
    if own_backend and settings.llm.backend == "scripted":
        from agent.llm.scripted import ScriptedBackend, minimal_json

        backend = ScriptedBackend(json_rule=minimal_json)
    elif own_backend:
        try:
            from agent.llm.factory import build_backend
        except ImportError as exc:  # a partial install: answer with catalog results and fixed replies
            logger.warning("no language model backend available (%s); replies use fixed texts", describe_error(exc))
            backend = None
        else:
            try:
                backend = build_backend(settings)
            except ModelUnavailableError as exc:  # e.g. the model is not pulled yet: answer without it
                logger.warning("%s", describe_error(exc))
                backend = UnavailableBackend(settings.llm.backend, describe_error(exc))
    languages = LanguageDetector()
    warm: asyncio.Task[Any] | None = None
    try:
        start = getattr(backend, "start", None)
        if start_backend and callable(start):  # load a local model in the background; turns fall back meanwhile
            warm = asyncio.create_task(_warm(start))
        load_languages = asyncio.create_task(asyncio.to_thread(languages.load))
        vocab = await VocabularyMapper.load(catalog)
        names, words = await load_catalog_names(catalog)
        await load_languages
        async with contextlib.AsyncExitStack() as stack:
            checkpointer = None
            if conversations:
                settings.checkpoints_path.parent.mkdir(parents=True, exist_ok=True)
                checkpointer = await stack.enter_async_context(
                    AsyncSqliteSaver.from_conn_string(str(settings.checkpoints_path)))
                await checkpointer.setup()
            yield ShoppingService(settings, catalog, backend, checkpointer, vocab=vocab, languages=languages,
                                  catalog_names=names, catalog_words=words)
    finally:
        if warm is not None and not warm.done():
            warm.cancel()
            with contextlib.suppress(BaseException):
                await warm
        if own_backend and backend is not None:
            with contextlib.suppress(Exception):
                await backend.aclose()
