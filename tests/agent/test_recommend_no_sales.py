"""A store with products but no sales (``ingest catalog FILE`` without ``--transactions``): asking for
recommendations says plainly that there is no purchase history or best-seller data yet and asks what the
shopper is looking for, in their language, instead of promising popular items and showing none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.prompts import Replies
from reclmms.cli import main

PRODUCTS = "id,name,category,colour,price\np1,Red summer dress,Dress,Red,29.99\np2,Blue jeans,Trousers,Blue,39.99\n"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """A catalog and one customer, and no transactions at all."""
    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(tmp_path / "store"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "products.csv").write_text(PRODUCTS, encoding="utf-8")
    (tmp_path / "customers.csv").write_text("customer_id,age\nc1,30\n", encoding="utf-8")
    assert main(["ingest", "catalog", "products.csv", "--customers", "customers.csv", "--no-index"]) == 0
    capsys.readouterr()
    return tmp_path / "store"


def _ask(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    assert main(["ask", *args, "--json", "--backend", "scripted"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("text", "language"),
    [("recommend something for me", "en"), ("recomiéndame algo", "es"), ("给我推荐点什么", "zh"),
     ("порекомендуй мне что-нибудь", "ru"), ("おすすめを教えて", "ja")],
)
def test_no_sales_reply_promises_nothing_it_does_not_show(
    store: Path, capsys: pytest.CaptureFixture[str], text: str, language: str
) -> None:
    replies = Replies()
    out = _ask(capsys, text)
    assert out["language"] == language and out["intent"] == "recommend"
    assert out["products"] == []
    assert out["reply"] == replies.get(language, "no_sales")
    assert replies.get(language, "popular_meanwhile") not in out["reply"]
    call = out["tool_calls"][0]
    assert call["tool"] == "recommend_for_me" and call["results"] == [] and "no sales data" in call["observation"]


def test_a_linked_customer_without_history_gets_the_same_honest_reply(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: 'Here are 0 popular items right now.'"""
    out = _ask(capsys, "recommend something for me", "--customer", "c1")
    assert out["products"] == []
    assert out["reply"] == Replies().get("en", "no_sales")
    assert "popular" not in out["reply"] and "0 " not in out["reply"]


def test_no_sales_reply_is_in_every_language_of_the_replies() -> None:
    replies = Replies()
    english = replies.get("en", "no_sales")
    assert "no purchase history or best-seller data" in english and "looking for" in english
    assert len(replies.languages) == 16
    for language in replies.languages:
        assert language == "en" or replies.get(language, "no_sales") != english, language  # not the English fallback
