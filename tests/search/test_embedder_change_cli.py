"""A changed embedder as the operator and the shopper meet it: ``reclmms search`` is one error line (exit code 2),
``reclmms stats --health`` says the index is stale (exit code 1), ``reclmms ask`` tells the shopper that product
search is unavailable (not that nothing matched) and the operator, on stderr, what to do. The same with a Chroma
server (``[chroma] mode = "http"``), where the re-embed drops the collections through the server, and a catalog
opened before the re-embed searches the new collections."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agent.prompts import Replies
from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.factory import build_catalog
from catalog.indexing import index_catalog
from catalog.schema import ensure_catalog_schema
from catalog.search_health import check_search
from catalog.vectors import VectorStore
from reclmms.cli import main
from reclmms.commands.ask import SEARCH_UNAVAILABLE_EXIT
from reclmms.commands.stats import DOWN_EXIT
from reclmms.errors import EmbedderChangedError
from reclmms.settings import ChromaSettings, Settings
from tests.data.spelling_embedder import SpellingEmbedder
from tests.search.chroma_process import ChromaProcess
from tests.search.fake_embedders import WordsEmbedder
from tests.search.test_embedder_change import (
    AFTER,
    BEFORE,
    IMAGE_SAID,
    PRODUCTS,
    TEXT_SAID,
    configure,
    ingest,
)
from tests.search.test_indexing import make_articles


async def test_search_stats_and_ask_say_what_to_do(  # type: ignore[no-untyped-def]
    demo_settings_factory, tmp_path: Path, monkeypatch, capsys, caplog
) -> None:
    from catalog.demo import generate_demo_catalog

    settings: Settings = demo_settings_factory()
    configure(monkeypatch, *BEFORE)
    await ingest(settings, generate_demo_catalog(settings.data_dir / "demo", PRODUCTS))
    configure(monkeypatch, *AFTER)
    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("RECLMMS_LLM_BACKEND", "scripted")
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()

    assert await _main(["search", "a red dress"]) == 2
    assert capsys.readouterr().err == f"error: {TEXT_SAID}\n"

    assert await _main(["stats", "--health", "--json"]) == DOWN_EXIT
    search = json.loads(capsys.readouterr().out)["search"]
    assert (search["status"], search["summary"]) == ("stale", f"stale ({TEXT_SAID}; {IMAGE_SAID})")

    assert await _main(["ask", "a red dress", "--json", "--backend", "scripted"]) == SEARCH_UNAVAILABLE_EXIT
    captured = capsys.readouterr()
    answer = json.loads(captured.out)
    assert answer["reply"] == Replies().get("en", "search_unavailable") and answer["products"] == []
    assert "Traceback" not in captured.err
    told = [r.getMessage() for r in caplog.records if r.levelname == "WARNING" and r.name.startswith("agent")]
    assert len(told) == 1 and told[0].endswith(TEXT_SAID)  # the operator's line (stderr, or the bot's log)


async def _main(argv: list[str]) -> int:
    """``main`` in a worker thread: it runs its own event loop."""
    import asyncio

    return await asyncio.to_thread(main, argv)


async def test_a_chroma_server_is_re_embedded_through_its_client(  # type: ignore[no-untyped-def]
    chroma: ChromaProcess, demo_settings_factory, tmp_path: Path, monkeypatch
) -> None:
    settings: Settings = demo_settings_factory(chroma=ChromaSettings(mode="http", host="127.0.0.1", port=chroma.port))
    chroma.start()
    before, after = SpellingEmbedder(), WordsEmbedder()
    async with Database(settings.sqlite_path) as db:
        await ensure_catalog_schema(db)
        store = ArticleStore(db)
        await store.upsert_many(make_articles(tmp_path / "images"))
        await index_catalog(settings, db, store, images=False, progress=False, text_embedder=before)
        configure(monkeypatch, before, AFTER[1])
        async with build_catalog(settings) as (_, old):  # a bot still running with the embedder of before
            assert (await old.search_text("yellow dress", None, 1))[0].article.name == "Yellow dress"
            configure(monkeypatch, after, AFTER[1])
            async with build_catalog(settings) as (_, new):
                with pytest.raises(EmbedderChangedError, match=f"^{re.escape(TEXT_SAID)}$"):
                    await new.search_text("yellow dress", None, 1)
                health = await check_search(new)
                assert (health.status, health.where, health.detail) == (
                    "stale", f"the Chroma server at 127.0.0.1:{chroma.port}", TEXT_SAID)

                report = await index_catalog(settings, db, store, images=False, progress=False, text_embedder=after)
                assert (report.text_indexed, report.text_reembedded, report.skipped_existing) == (8, 8, 0)
                assert VectorStore(settings, after.name, "x").text.built_with == after.name  # on the server
                # the catalog opened before the re-embed searches the new collection
                assert (await new.search_text("yellow dress", None, 1))[0].article.name == "Yellow dress"
                health = await check_search(new)
                assert (health.status, health.articles) == ("ok", 8)  # (its images are not indexed: the detail)
            with pytest.raises(EmbedderChangedError, match="computed with the embedder words-test, but .* is now "
                               "spelling-test: .* or set \\[catalog\\] text_embedder back to what gives words-test"):
                await old.search_text("yellow dress", None, 1)  # its collection was dropped: it says so, no crash
