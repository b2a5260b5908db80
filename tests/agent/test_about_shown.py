"""Questions about products already shown, by position ("compare the first and the second") give those products'
details, never a search for the words of the question; "what would go well with the first one?" shows the kinds
that go with it (``agent/outfits.py``, tests/agent/test_outfits.py), not its own details."""

from __future__ import annotations

import pytest

from agent.intents import classify, find_positions
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session


@pytest.mark.parametrize(("text", "positions"), [
    ("compare the first and the second", [0, 1]),
    ("which is better, the first or the third?", [0, 2]),
    ("compare #1 and #3", [0, 2]),
    ("第一个和第二个有什么区别", [0, 1]),
    ("vergleiche das erste und das zweite", [0, 1]),
])
def test_a_comparison_names_every_position(text: str, positions: list[int]) -> None:
    c = classify(text, has_shown=True, has_photo=False)
    assert (c.intent, c.positions) == ("details", positions)
    assert find_positions(text) == positions


@pytest.mark.parametrize("text", ["what would go well with the first one?", "what goes with the last one?",
                                  "what can I wear with the second one?"])
def test_what_goes_with_a_shown_product_is_about_it(text: str) -> None:
    c = classify(text, has_shown=True, has_photo=False)
    assert c.intent == "details" and c.ordinal is not None and c.positions == []


async def test_compare_shows_the_two_products_named(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        session = Session("cmp")
        shown = await service.ask(session, "a red dress")
        compared = await service.ask(session, "compare the first and the third")
        goes = await service.ask(Session("goes"), "a red skirt")
        paired = await service.ask(Session("goes"), "what would go well with the first one?")
    assert len(shown.products) >= 3
    assert compared.tool_calls[0]["tool"] == "article_details"
    assert [p.article_id for p in compared.products] == [shown.products[0].article_id, shown.products[2].article_id]
    assert [c["tool"] for c in paired.tool_calls][::len(paired.tool_calls) - 1] == ["search_catalog", "article_details"]
    assert goes.products[0].product_type == "Skirt" and paired.products
    assert all(p.product_type != "Skirt" for p in paired.products)
