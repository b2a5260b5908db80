"""Look-alikes of a product that is in the catalog but not in the search index (an ingest with --no-index, a
Chroma server without vectors) find nothing, as every search of that index: the reply never says the product
left the catalog, and stderr tells the operator how to build the index. A product the catalog lacks is still
said to be gone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.prompts import Replies
from agent.turn import Session
from reclmms.cli import main
from reclmms.errors import NotFoundError
from tests.agent.fakes import FakeCatalog

PRODUCTS = ("id,name,category,colour,price\n0100000001,Red summer dress,Dress,Red,29.99\n"
            "0100000002,Blue jeans,Trousers,Blue,39.99\n")


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(tmp_path / "store"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "products.csv").write_text(PRODUCTS, encoding="utf-8")
    assert main(["ingest", "catalog", "products.csv", "--no-index"]) == 0
    capsys.readouterr()
    return tmp_path / "store"


def _ask(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[dict, str]:  # type: ignore[type-arg]
    assert main(["ask", *args, "--json", "--backend", "scripted"]) == 0
    out = capsys.readouterr()
    return json.loads(out.out), out.err


@pytest.mark.parametrize("text", ["more like 0100000001", "0100000001 in blue", "cheaper than 0100000001"])
def test_look_alikes_of_an_unindexed_product(store: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    """Before: 'That product is no longer in our catalog...' for a product the catalog shows."""
    gone = Replies().get("en", "gone")
    out, err = _ask(capsys, text)
    assert out["intent"] == "similar" and out["products"] == []
    assert out["tool_calls"][0]["kind"] == "products" and "not in the search index" in out["tool_calls"][0]["observation"]
    assert gone not in out["reply"] and "no longer" not in out["reply"]
    assert "has no search index yet" in err
    card, _ = _ask(capsys, "0100000001")
    assert [p["article_id"] for p in card["products"]] == ["0100000001"]


def test_a_follow_up_on_a_shown_unindexed_product(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _ask(capsys, "0100000001", "--session", "s1")
    out, _ = _ask(capsys, "more like this", "--session", "s1")
    assert out["tool_calls"][0]["tool"] == "find_similar" and out["tool_calls"][0]["kind"] == "products"
    assert Replies().get("en", "gone") not in out["reply"]


class LeftCatalog(FakeCatalog):
    """A product that was shown, then removed from the catalog (its vectors with it)."""

    async def similar_to(self, article_id, filters=None, k=10):  # type: ignore[no-untyped-def]
        self.items = [a for a in self.items if a.article_id != article_id]
        self.by_id.pop(article_id, None)
        raise NotFoundError(f"no article with id '{article_id}'")


async def test_a_product_that_left_the_catalog_is_still_gone(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down"), cat=LeftCatalog()) as service:
        await service.ask(Session("left"), "0100000005")
        turn = await service.ask(Session("left"), "more like this")
    assert turn.tool_calls[0]["kind"] == "gone" and turn.reply == Replies().get("en", "gone")
