"""Turns while the Chroma server is down: one warning line (no traceback), the outcome ``unavailable``, and the
conversation's shown products kept for when it is back. The real catalog stack against a real `chroma run`
on loopback, stopped and started again."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from agent.factory import build_shopping_service
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session
from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.factory import build_catalog
from catalog.indexing import index_catalog
from catalog.schema import ensure_catalog_schema
from reclmms.settings import AgentSettings, ChromaSettings, LLMSettings
from tests.data.spelling_embedder import use_spelling_embedder
from tests.search.chroma_process import ChromaProcess
from tests.search.test_indexing import make_articles


async def test_turns_while_chroma_is_down(chroma: ChromaProcess, demo_settings_factory, tmp_path: Path,  # type: ignore[no-untyped-def]
                                          monkeypatch, caplog) -> None:
    use_spelling_embedder(monkeypatch)
    monkeypatch.setattr("catalog.search.REFRESH_CHECK_S", 0.0)  # no search is answered from what was cached
    settings = demo_settings_factory(
        chroma=ChromaSettings(mode="http", host="127.0.0.1", port=chroma.port),
        llm=LLMSettings(backend="scripted"), agent=AgentSettings(turn_timeout_s=60.0),
    )
    articles = make_articles(tmp_path / "images")
    chroma.start()
    async with Database(settings.sqlite_path) as db:
        await ensure_catalog_schema(db)
        store = ArticleStore(db)
        await store.upsert_many(articles)
        await index_catalog(settings, db, store, progress=False)
    photo = await asyncio.to_thread(Path(str(articles[0].image_path)).read_bytes)
    session = Session("outage", channel="terminal")
    async with build_catalog(settings) as (_, catalog), build_shopping_service(
        settings, catalog, backend=ScriptedBackend()
    ) as service:
        shown = await service.ask(session, "trousers")
        assert len(shown.products) >= 2

        chroma.stop()
        caplog.clear()
        with caplog.at_level(logging.INFO):
            down = [await service.ask(session, "a red dress"), await service.ask(session, "cheaper"),
                    await service.ask(session, None, photo)]
        for result in down:
            assert not result.products
            assert [c["kind"] for c in result.tool_calls] == ["unavailable"]
            assert result.reply == "Product search is unavailable right now. Please try again in a moment."
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert [(r.name, r.levelname) for r in warnings] == [("agent.retrieval", "WARNING")] * 3
        assert all(r.exc_info is None for r in caplog.records)  # never a traceback
        assert f"the Chroma server at 127.0.0.1:{chroma.port}" in warnings[0].getMessage()

        chroma.start()  # the products shown before are still the ones "the second one" means
        second = await service.ask(session, "the second one")
        assert [p.article_id for p in second.products] == [shown.products[1].article_id]
        again = await service.ask(session, "a red dress")
        assert again.products and again.products[0].name == "Red dress"
