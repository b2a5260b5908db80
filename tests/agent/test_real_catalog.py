"""The agent over the real catalog stack (SQLite, Chroma, USE embedder) on the shared demo catalog."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from agent.factory import build_shopping_service
from agent.llm.scripted import ScriptedBackend
from agent.turn import ProductsReady, ReplyDelta, Session, TurnDone
from catalog.models import SearchFilters
from reclmms.app import open_catalog
from reclmms.settings import Settings, StorageSettings


def _agent_settings(settings: Settings, tmp_path: Path) -> Settings:
    # the shared demo catalog is read-only: conversations go to tmp_path; a generous turn limit keeps the
    # test about behaviour when the 2 cores are busy (first recommendation queries warm DuckDB)
    agent = settings.agent.model_copy(update={"turn_timeout_s": 120.0})
    return settings.model_copy(update={"storage": StorageSettings(data_dir=tmp_path), "agent": agent})


async def test_results_first_grounded_and_cross_lingual(demo_catalog: Settings, tmp_path: Path) -> None:
    async with open_catalog(demo_catalog) as (_db, catalog):
        async with build_shopping_service(_agent_settings(demo_catalog, tmp_path), catalog,
                                          backend=ScriptedBackend()) as service:
            events = [e async for e in service.stream(Session("en"), "a red dress")]
            zh = await service.ask(Session("zh"), "红色连衣裙")
            ids = [p.article_id for e in events if isinstance(e, ProductsReady) for p in e.products]
            known = {a.article_id for a in await catalog.get_articles(ids + [p.article_id for p in zh.products])}
    assert isinstance(events[0], ProductsReady) and isinstance(events[-1], TurnDone)
    assert any(isinstance(e, ReplyDelta) for e in events)
    en = events[-1].result
    assert en.products and set(ids) <= known and {p.article_id for p in zh.products} <= known
    assert all("red" in (p.colour_master or p.colour).lower() for p in en.products)
    assert all(p.product_type == "Dress" for p in en.products)
    assert en.ungrounded_dropped == 0
    assert zh.language == "zh" and any("\u4e00" <= ch <= "\u9fff" for ch in zh.reply)
    assert len({p.article_id for p in en.products} & {p.article_id for p in zh.products}) >= len(en.products) // 2


async def test_history_and_recommendations_for_the_linked_customer(demo_catalog: Settings, tmp_path: Path) -> None:
    from catalog.demo import demo_customer_id

    customer = demo_customer_id(0)
    async with open_catalog(demo_catalog) as (_db, catalog):
        rows = await catalog.purchase_history(customer, None, 20)
        own = list(dict.fromkeys(a.article_id for _, a in rows))[:5]  # one card per article, newest first
        async with build_shopping_service(_agent_settings(demo_catalog, tmp_path), catalog,
                                          backend=ScriptedBackend()) as service:
            session = Session("h", customer_id=customer)
            history = await service.ask(session, "what did I buy?")
            recs = await service.ask(session, "recommend something for me")
            follow = await service.ask(session, "more like the first one")
    assert own and [p.article_id for p in history.products] == own
    assert history.intent == "history"
    assert recs.intent == "recommend" and recs.products
    assert recs.tool_calls[0]["tool"] == "recommend_for_me"
    assert follow.tool_calls[0]["args"]["position"] == 1 and follow.products
    assert recs.products[0].article_id not in {p.article_id for p in follow.products}


@pytest.fixture
def catalog_copy(demo_catalog: Settings, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(demo_catalog.data_dir, data)
    return data


def test_cli_ask_json_continues_a_session(catalog_copy: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from reclmms.cli import main

    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(catalog_copy))
    monkeypatch.setenv("RECLMMS_CONFIG", str(catalog_copy / "none.toml"))
    (catalog_copy / "none.toml").write_text("", encoding="utf-8")
    assert main(["ask", "a blue dress", "--session", "cli-1", "--json", "--backend", "scripted"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["language"] == "en" and first["products"]
    assert {"reply", "products", "tool_calls", "ungrounded_dropped"} <= set(first)
    assert {"article_id", "name", "price"} <= set(first["products"][0])
    assert main(["ask", "tell me about the second one", "--session", "cli-1", "--json", "--backend", "scripted"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert [p["article_id"] for p in second["products"]] == [first["products"][1]["article_id"]]
    assert main(["ask", "the second one", "--json", "--backend", "scripted"]) == 0  # no --session: fresh
    assert json.loads(capsys.readouterr().out)["products"] == []
    assert main(["ask", "", "--json", "--backend", "scripted"]) == 2


def test_cli_chat_repl_prints_products_then_reply(catalog_copy: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from reclmms.cli import main

    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(catalog_copy))
    monkeypatch.setenv("RECLMMS_CONFIG", str(catalog_copy / "none.toml"))
    (catalog_copy / "none.toml").write_text("", encoding="utf-8")
    (catalog_copy / "not-a-photo.jpg").write_bytes(b"plain text")
    lines = iter(["a red dress", "/photo " + str(catalog_copy / "not-a-photo.jpg"), "/photo /no/such/file.jpg",
                  "/reset", "the first one", "/customer abc", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert main(["chat", "--backend", "scripted", "--session", "repl"]) == 0
    out = capsys.readouterr().out
    first_product = out.index(" 1. ")
    assert first_product < out.index("I picked these for you")  # products before prose
    assert "photo file not found" in out
    assert "Conversation forgotten." in out
    assert "haven't shown you anything" in out  # memory was reset
    assert "unknown customer: 'abc'" in out  # an unknown id is refused and the REPL goes on


async def test_requests_for_what_the_shop_does_not_sell(demo_catalog: Settings, tmp_path: Path) -> None:
    unsold = ["recommend an iPhone", "do you sell laptops?", "I want a new phone", "有卖手机吗"]
    clothing = ["a tuxedo", "a kimono", "do you have swimwear?", "recommend a summer dress", "a gift for my mum",
                "an outfit for a wedding", "new arrivals"]
    async with open_catalog(demo_catalog) as (_db, catalog):
        async with build_shopping_service(_agent_settings(demo_catalog, tmp_path), catalog,
                                          backend=ScriptedBackend()) as service:
            turns = {text: await service.ask(Session(f"scope-{i}"), text) for i, text in enumerate(unsold + clothing)}
    for text in unsold:
        assert turns[text].intent == "not_sold" and turns[text].products == [], text
    assert turns["recommend an iPhone"].reply.startswith("Sorry, that is not something we sell")
    for text in clothing:
        assert turns[text].intent != "not_sold" and turns[text].products, text


async def test_a_spanish_request_finds_the_type_it_names(demo_catalog: Settings, tmp_path: Path) -> None:
    """"vaqueros" is in no synonym table: it maps onto the catalog's "Jeans" through the text embedder."""
    async with open_catalog(demo_catalog) as (_db, catalog):
        jeans = await catalog.search_text("jeans", SearchFilters(product_type="Jeans"), 5)
        async with build_shopping_service(_agent_settings(demo_catalog, tmp_path), catalog,
                                          backend=ScriptedBackend()) as service:
            turn = await service.ask(Session("es-jeans", language="en"), "quiero unos vaqueros negros")
    assert jeans  # the demo catalog sells jeans
    assert turn.language == "es"
    assert turn.tool_calls[0]["args"]["product_type"] == "Jeans" and turn.tool_calls[0]["args"]["colour"] == "Black"
    assert turn.products and all(p.product_type == "Jeans" for p in turn.products)
