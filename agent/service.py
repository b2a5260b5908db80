"""``ShoppingService``: the one API that the bot and the terminal call for a turn.

``stream`` yields ``ProductsReady`` (as soon as retrieval finishes), then ``ReplyDelta``
chunks of grounded prose, then one ``TurnDone``. ``ask`` runs the same path and returns the
``TurnResult``. Expected failures (empty input, a bad photo, a model that is down, slow or
talks garbage) still give a ``TurnResult`` with a clear reply; nothing is raised to the caller
for them. A turn that fails inside the graph for a fault of the program is logged with its traceback and
answers the shopper a short apology in their language (a ``FailedTurn``). One that fails because a store file
is damaged or not a database (``conversations.sqlite3`` under the checkpointer, ``reclmms.sqlite3``) raises
``StoreError`` naming the file and what to do, for the caller to report in one line (the bot apologises).
Turns of one session run one at a time; each turn is bounded in time. After a turn, the session's conversation
keeps only its latest checkpoint (``agent.checkpoints``), so the store does not grow with every turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from agent import spelling
from agent.checkpoints import keep_latest
from agent.context import AgentContext, LLMBudget, TurnRecord
from agent.graph import build_graph
from agent.language import LanguageDetector
from agent.prompts import Replies
from agent.scope import name_words
from agent.state import compact, remember
from agent.text_input import MAX_TEXT_CHARS, is_blank
from agent.turn import (
    CHANNELS,
    FailedTurn,
    ProductsReady,
    ReplyDelta,
    Session,
    TurnDone,
    TurnEvent,
    TurnResult,
)
from agent.vocabulary import VocabularyMapper
from reclmms.errors import StoreError, describe_error

if TYPE_CHECKING:
    from agent.llm.base import ChatBackend
    from catalog.models import Article
    from catalog.service import CatalogService
    from reclmms.settings import Settings

logger = logging.getLogger(__name__)

_DONE = object()


class ShoppingService:
    def __init__(
        self,
        settings: Settings,
        catalog: CatalogService,
        backend: ChatBackend | None,
        checkpointer: Any = None,
        *,
        vocab: VocabularyMapper | None = None,
        languages: LanguageDetector | None = None,
        catalog_names: set[str] | None = None,
        catalog_words: set[str] | None = None,
        llm_rerank: bool | None = None,
    ) -> None:
        self.settings = settings
        self.catalog = catalog
        self.backend = backend
        self.checkpointer = checkpointer
        self.graph = build_graph(checkpointer)
        self.vocab = vocab or VocabularyMapper({})
        self.languages = languages or LanguageDetector()
        self.replies = Replies()
        self.catalog_names = catalog_names if catalog_names is not None else set()
        self.catalog_words = catalog_words if catalog_words is not None else name_words(self.catalog_names)
        name = getattr(backend, "name", "none")
        self.llm_rerank = llm_rerank if llm_rerank is not None else name not in ("embedded", "none")
        self._locks: dict[str, _SessionLock] = {}
        self.turns = 0
        self.failures = 0

    async def warm_up(self) -> None:
        """Embed the catalog's vocabulary now, which the first message in another language than English would
        otherwise wait for, and the English word frequencies the first misspelt word would (the bot's start-up
        warm-up calls this)."""
        await asyncio.to_thread(self.vocab.embed_values)
        await asyncio.to_thread(spelling.warm_up)

    @property
    def backend_name(self) -> str:
        return str(getattr(self.backend, "name", "none"))

    async def health(self) -> dict[str, Any]:
        status: dict[str, Any] = {"backend": self.backend_name, "turns": self.turns, "llm_failures": self.failures}
        if self.backend is None:
            status["status"] = "none"
            return status
        try:
            # the model list (1.5 s at most) and the test completion (``[llm] health_timeout_s``)
            async with asyncio.timeout(2.0 + float(getattr(self.backend, "health_timeout_s", 3.0))):
                status.update(await self.backend.health())
            status.setdefault("status", "ok" if status.get("ok", True) else "down")
        except Exception as exc:
            status["status"] = "down"
            status["error"] = describe_error(exc)
        status["backend"] = self.backend_name
        return status

    async def reset(self, session_id: str) -> None:
        """Forget one session's conversation (products shown, searches, language)."""
        if self.checkpointer is not None:
            async with self._lock(session_id):
                await self.checkpointer.adelete_thread(session_id)

    async def record_shown(self, session: Session, articles: Sequence[Article], *, source: str | None, action: str,
                           filters: dict[str, Any] | None = None) -> None:
        """Products shown outside a turn (an inline button's) become what the conversation refers to, as a turn
        would leave them: "more"/"cheaper" make ``articles`` (look-alikes of ``source``, matching ``filters``) the
        shown list, so "the second one", "cheaper" and "in blue" go on from them; "details" keeps the list and
        makes its one product the focus ("it"), or the list itself when it was not in it (e.g. after /reset)."""
        if self.checkpointer is None or not articles:
            return
        config = {"configurable": {"thread_id": session.session_id}}
        async with self._lock(session.session_id):
            state = (await self.graph.aget_state(config)).values
            origin = await self.catalog.get_articles([source]) if source else []  # "cheaper" goes back to it
            update: dict[str, Any] = {"grounded": remember(state.get("grounded"), [*origin, *articles])}
            shown_ids = {str(item.get("article_id")) for item in state.get("shown") or ()}
            if action == "details" and articles[0].article_id in shown_ids:
                update["focus"] = articles[0].article_id
            else:
                tool = "article_details" if action == "details" else "find_similar"
                update.update(shown=[compact(a) for a in articles], focus="",
                              shown_from={"tool": tool, "source": source, "filters": dict(filters or {})})
            await self.graph.aupdate_state(config, update, as_node="respond")  # as a finished turn leaves it
            await keep_latest(self.checkpointer, session.session_id)

    async def ask(self, session: Session, text: str | None, photo: bytes | None = None) -> TurnResult:
        result: TurnResult | None = None
        async for event in self.stream(session, text, photo):
            if isinstance(event, TurnDone):
                result = event.result
        assert result is not None
        return result

    async def stream(self, session: Session, text: str | None, photo: bytes | None = None) -> AsyncIterator[TurnEvent]:
        text = "" if is_blank(text) else (text or "").strip()[:MAX_TEXT_CHARS]  # "\u200b" alone says nothing
        start = time.monotonic()
        llm_window = min(float(self.settings.llm.timeout_s), float(self.settings.agent.turn_timeout_s))
        ctx = AgentContext(
            catalog=self.catalog, backend=self.backend, settings=self.settings, vocab=self.vocab,
            languages=self.languages, replies=self.replies, budget=LLMBudget(deadline=start + llm_window),
            customer_id=session.customer_id, photo=photo or None, language_hint=_hint(session.language),
            channel=session.channel if session.channel in CHANNELS else None, about=session.about or None,
            catalog_names=self.catalog_names, catalog_words=self.catalog_words, llm_rerank=self.llm_rerank, record=TurnRecord(),
        )
        queue: asyncio.Queue[Any] = asyncio.Queue()
        async with self._lock(session.session_id):
            task = asyncio.create_task(self._run(session, text, ctx, queue))
            deadline = start + float(self.settings.agent.turn_timeout_s) + 1.0
            sent_products = False
            prose: list[str] = []
            failure: BaseException | None = None
            try:
                while True:
                    try:
                        item = await asyncio.wait_for(queue.get(), timeout=max(0.05, deadline - time.monotonic()))
                    except TimeoutError:
                        logger.warning("turn of session %s ran past its time limit", session.session_id)
                        task.cancel()
                        ctx.record.note = self.replies.get(ctx.record.language, "llm_slow_note")
                        break
                    if item is _DONE:
                        break
                    if isinstance(item, BaseException):
                        damaged = await asyncio.to_thread(self._damaged_store, item)
                        if damaged is not None:  # the operator's to mend, not the program's: one line, no traceback
                            raise damaged from None
                        logger.error("turn of session %s failed", session.session_id, exc_info=item)
                        failure = item
                        break
                    if isinstance(item, ProductsReady):
                        sent_products = True
                    elif isinstance(item, ReplyDelta):
                        prose.append(item.text)
                    yield item
            finally:
                if not task.done():
                    task.cancel()
                    with contextlib.suppress(BaseException):
                        await task
            await keep_latest(self.checkpointer, session.session_id)  # the turn's steps left a checkpoint each
            record = ctx.record
            if failure is not None:
                await self._apologise(record, text, ctx.language_hint, shown=sent_products)
            if not sent_products:
                yield ProductsReady(products=list(record.products), tool_calls=list(record.tool_calls),
                                    language=record.language)
            if failure is not None:
                yield ReplyDelta(f"\n\n{record.reply}" if prose else record.reply)  # after what was streamed
            elif not record.reply:
                record.reply = "".join(prose).strip() or self.replies.get(record.language, "none")
                if not prose:
                    yield ReplyDelta(record.reply)
        self.turns += 1
        if ctx.budget.failed:
            self.failures += 1
        yield TurnDone(_result(ctx.record, failure))

    async def _run(self, session: Session, text: str, ctx: AgentContext, queue: asyncio.Queue[Any]) -> None:
        config = {"configurable": {"thread_id": session.session_id}}
        try:
            async for event in self.graph.astream({"text": text}, config=config, context=ctx, stream_mode="custom"):
                await queue.put(event)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            await queue.put(exc)
            return
        await queue.put(_DONE)

    async def _apologise(self, record: TurnRecord, text: str, hint: str | None, *, shown: bool) -> None:
        """A failed turn's reply: the apology, in the turn's language (the text's own when the failure came before
        the turn was routed); the products only when they were shown already."""
        if not (record.route or record.intent):
            record.language = await asyncio.to_thread(self.languages.reply_language, text, hint=hint)
        record.reply = self.replies.get(record.language, "internal_error")
        record.note = None
        if not shown:
            record.products = []

    def _damaged_store(self, exc: BaseException) -> StoreError | None:
        """The one-line error naming the store file (the conversations', or the catalog's) that ``exc`` found
        damaged or not a database, when ``PRAGMA quick_check`` finds which one; None for any other failure."""
        from catalog.db import damaged_store

        return damaged_store(self.settings.sqlite_path, self.settings.checkpoints_path, exc, conversations_first=True)

    @contextlib.asynccontextmanager
    async def _lock(self, session_id: str) -> AsyncIterator[None]:
        """Hold the session's lock: its turns (and resets) run one at a time. A lock is kept while anyone holds
        it or waits for it, and dropped with its last user, so the map holds only the sessions in use."""
        entry = self._locks.get(session_id)
        if entry is None:
            entry = self._locks[session_id] = _SessionLock()
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0 and self._locks.get(session_id) is entry:
                del self._locks[session_id]


class _SessionLock:
    """One session's lock, with how many callers hold it or wait for it."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


def _hint(language: str | None) -> str | None:
    if not language:
        return None
    return language.split("-")[0].split("_")[0].lower()[:2] or None


def _result(record: TurnRecord, failure: BaseException | None = None) -> TurnResult:
    kind = TurnResult if failure is None else functools.partial(
        FailedTurn, error=f"{type(failure).__name__}: {describe_error(failure)}", error_type=type(failure).__name__)
    return kind(
        reply=record.reply,
        language=record.language,
        products=list(record.products),
        tool_calls=list(record.tool_calls),
        ungrounded_dropped=record.ungrounded_dropped,
        intent=record.intent,
        note=record.note,
        llm_seconds=round(record.llm_seconds, 3),
        retrieval_seconds=round(record.retrieval_seconds, 3),
    )
