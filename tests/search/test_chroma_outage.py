"""A Chroma server that stops, or is not there: searches say so with ``SearchUnavailableError`` and work again
when it is back; what does not search runs without it; an ingest it breaks off is one line (exit code 2)
and resumes. Against a real `chroma run` on loopback, stopped and started again."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.factory import build_catalog
from catalog.indexing import index_catalog
from catalog.models import SearchFilters
from catalog.schema import ensure_catalog_schema
from catalog.vectors import VectorCollection, VectorStore
from reclmms.cli import main
from reclmms.errors import SearchUnavailableError
from reclmms.settings import ChromaSettings, Settings
from tests.data.spelling_embedder import use_spelling_embedder
from tests.search.chroma_process import ChromaProcess
from tests.search.test_indexing import make_articles


def _http(demo_settings_factory, server: ChromaProcess) -> Settings:  # type: ignore[no-untyped-def]
    return demo_settings_factory(chroma=ChromaSettings(mode="http", host="127.0.0.1", port=server.port))  # type: ignore[no-any-return]


async def _indexed(settings: Settings, folder: Path) -> None:
    async with Database(settings.sqlite_path) as db:
        await ensure_catalog_schema(db)
        store = ArticleStore(db)
        await store.upsert_many(make_articles(folder))
        await index_catalog(settings, db, store, images=False, progress=False)


async def test_searches_while_the_server_is_down_raise_and_come_back_with_it(  # type: ignore[no-untyped-def]
    chroma: ChromaProcess, demo_settings_factory, tmp_path: Path, monkeypatch
) -> None:
    use_spelling_embedder(monkeypatch)
    settings = _http(demo_settings_factory, chroma)
    chroma.start()
    await _indexed(settings, tmp_path / "images")
    async with build_catalog(settings) as (_, catalog):
        assert (await catalog.search_text("yellow dress", None, 3))[0].article.name == "Yellow dress"
        chroma.stop()
        where = f"the Chroma server at 127.0.0.1:{chroma.port}"
        with pytest.raises(SearchUnavailableError, match=f"^the search index \\({where}\\) cannot be reached"):
            await catalog.search_text("yellow dress", None, 3)
        with pytest.raises(SearchUnavailableError, match=where):
            await catalog.search_text("trousers", SearchFilters(colour="blue"), 3)
        with pytest.raises(SearchUnavailableError, match=where):
            await catalog.similar_to("0900000001", None, 3)
        chroma.start()  # the same catalog, opened before: it searches again
        assert (await catalog.search_text("yellow dress", None, 3))[0].article.name == "Yellow dress"
        blue = await catalog.search_text("trousers", SearchFilters(colour="blue"), 3)
        assert [h.article.name for h in blue] == ["Dark Blue trousers", "Dark Blue dress"]


async def test_a_catalog_that_does_not_search_at_start_opens_without_chroma(  # type: ignore[no-untyped-def]
    chroma: ChromaProcess, demo_settings_factory, tmp_path: Path, monkeypatch
) -> None:
    use_spelling_embedder(monkeypatch)
    settings = _http(demo_settings_factory, chroma)
    chroma.start()
    await _indexed(settings, tmp_path / "images")
    chroma.stop()
    with pytest.raises(SearchUnavailableError, match=f"cannot reach the Chroma server at 127.0.0.1:{chroma.port}"):
        async with build_catalog(settings):  # a program that will search stops at its start
            pass
    async with build_catalog(settings, search_at_start=False) as (_, catalog):
        assert await catalog.articles.count() == 8
        assert [a.name for a in await catalog.get_articles(["0901000001"])] == ["Red trousers"]
        with pytest.raises(SearchUnavailableError, match=f"cannot reach the Chroma server at 127.0.0.1:{chroma.port}"):
            await catalog.search_text("yellow dress", None, 3)
        chroma.start()  # opened on the next search
        assert (await catalog.search_text("yellow dress", None, 3))[0].article.name == "Yellow dress"
    assert not settings.chroma_path.exists()  # nothing embedded was opened


def test_the_missing_index_message_names_the_server(demo_settings_factory) -> None:  # type: ignore[no-untyped-def]
    server = demo_settings_factory(chroma=ChromaSettings(mode="http", host="10.1.2.3", port=8123))
    message = VectorStore(server, "a", "b").missing_index_message()
    assert message.startswith("the Chroma server at 10.1.2.3:8123 has no article vectors")
    assert "reclmms ingest" in message and "--no-index?" not in message
    embedded = demo_settings_factory()
    message = VectorStore(embedded, "a", "b").missing_index_message()
    assert message.startswith(f"the catalog in {embedded.data_dir} has no search index yet (ingested with --no-index?)")


def test_recommend_runs_and_search_on_an_empty_server_says_so(  # type: ignore[no-untyped-def]
    chroma: ChromaProcess, tmp_path: Path, monkeypatch, capsys
) -> None:
    from tests.data.fixtures import CUSTOMERS, write_hm

    use_spelling_embedder(monkeypatch)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("RECLMMS_CHROMA_MODE", "http")
    monkeypatch.setenv("RECLMMS_CHROMA_PORT", str(chroma.port))
    assert main(["ingest", "hm", str(write_hm(tmp_path / "hm")), "--no-index"]) == 0
    capsys.readouterr()
    assert main(["recommend", "--customer", CUSTOMERS[0], "--json"]) == 0  # the server is not running
    assert '"recommendations"' in capsys.readouterr().out
    assert main(["search", "dress"]) == 2
    assert capsys.readouterr().err.startswith(f"error: chroma: cannot reach the Chroma server at 127.0.0.1:{chroma.port}")
    chroma.start()  # running, and empty
    assert main(["search", "dress"]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: the Chroma server at 127.0.0.1:{chroma.port} has no article vectors"
    )


def test_an_ingest_the_server_breaks_off_is_one_line_and_resumes(  # type: ignore[no-untyped-def]
    chroma: ChromaProcess, tmp_path: Path, monkeypatch, capsys
) -> None:
    use_spelling_embedder(monkeypatch)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("RECLMMS_CHROMA_MODE", "http")
    monkeypatch.setenv("RECLMMS_CHROMA_PORT", str(chroma.port))
    products = tmp_path / "products.csv"
    products.write_text("id,name,price\n" + "".join(f"{i},Tee {i},9.99\n" for i in range(1, 8)), encoding="utf-8")
    monkeypatch.setattr("catalog.indexing.TEXT_BATCH", 2)
    real_add = VectorCollection.add

    def add_then_stop(self, ids, vectors, metadatas):  # type: ignore[no-untyped-def]
        real_add(self, ids, vectors, metadatas)
        chroma.stop()  # the server goes away after the first batch

    monkeypatch.setattr(VectorCollection, "add", add_then_stop)
    chroma.start()
    assert main(["ingest", "catalog", str(products), "--no-images"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == (
        f"error: the search index (the Chroma server at 127.0.0.1:{chroma.port}) could not be reached; what was "
        "indexed is kept: run the same command again to resume"
    )

    monkeypatch.setattr(VectorCollection, "add", real_add)
    chroma.start()
    assert main(["ingest", "catalog", str(products), "--no-images"]) == 0
    capsys.readouterr()
    assert main(["search", "Tee 5", "--json", "--k", "7"]) == 0
    assert '"name": "Tee 5"' in capsys.readouterr().out
    server = Settings(chroma=ChromaSettings(mode="http", host="127.0.0.1", port=chroma.port))
    assert VectorStore(server, "spelling-test", "x").text.count() == 7  # the first run's 2, and the other 5
