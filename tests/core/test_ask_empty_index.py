"""`reclmms ask` and `reclmms chat` on a catalog ingested with --no-index (an empty embedded index): the
shopper's reply is the usual "couldn't find", and stderr tells the operator, in one line, that the index
is missing and how to build it, as `reclmms search` does; turns that do not search say nothing."""

from __future__ import annotations

import json

import pytest

from agent.prompts import Replies
from reclmms.cli import main
from tests.core.conftest import CUSTOMER
from tests.data.spelling_embedder import use_spelling_embedder


def _hint(store: str, capsys: pytest.CaptureFixture[str]) -> str:
    """What `reclmms search` says about the missing index (without its "error: ")."""
    assert main(["--config", store, "search", "dress"]) == 2
    return capsys.readouterr().err.strip().removeprefix("error: ")


def test_ask_on_an_empty_index_tells_the_operator(  # type: ignore[no-untyped-def]
    store: str, monkeypatch, capsys
) -> None:
    use_spelling_embedder(monkeypatch)
    hint = _hint(store, capsys)
    assert "has no search index yet" in hint and "reclmms ingest" in hint
    assert main(["--config", store, "ask", "a red dress", "--json", "--backend", "scripted"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["reply"] == Replies().get("en", "none") and data["products"] == []
    assert captured.err.strip().splitlines() == [f"warning: {hint}"]
    assert main(["--config", store, "ask", "a red dress", "--backend", "scripted"]) == 0  # text output too
    captured = capsys.readouterr()
    assert captured.out.strip() == Replies().get("en", "none")
    assert captured.err.strip().splitlines() == [f"warning: {hint}"]
    assert main(["--config", store, "ask", "what did I buy?", "--customer", CUSTOMER, "--backend", "scripted"]) == 0
    assert capsys.readouterr().err == ""  # no search, no warning


def test_chat_on_an_empty_index_tells_the_operator_once(  # type: ignore[no-untyped-def]
    store: str, monkeypatch, capsys
) -> None:
    use_spelling_embedder(monkeypatch)
    hint = _hint(store, capsys)
    lines = iter([f"/customer {CUSTOMER}", "what did I buy?", "a red dress", "slim jeans", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert main(["--config", store, "chat", "--backend", "scripted", "--session", "empty-index"]) == 0
    captured = capsys.readouterr()
    assert "Wrap dress" in captured.out  # the purchase history
    assert captured.out.count(Replies().get("en", "none")) == 2
    assert captured.err.strip().splitlines() == [f"warning: {hint}"]
