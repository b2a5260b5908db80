"""Asking for re-buys ("recommend my favourites again", "what should I re-order?") is a request for the shopper's
own picks, which keep re-buys in place (``recommend_for_me.asks_to_rebuy``), not a search for the sentence."""

from __future__ import annotations

import pytest

from agent.intents import classify
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session

REBUYS = ["recommend something for me again", "recommend my favourites again", "what should I re-order?",
          "empfiehl mir nochmal was ich mochte", "can I buy something again?"]


@pytest.mark.parametrize("text", REBUYS)
def test_a_rebuy_request_is_a_recommendation(text: str) -> None:
    assert classify(text, has_shown=False, has_photo=False).intent == "recommend"


def test_a_subject_still_makes_it_a_search() -> None:
    assert classify("recommend something for a wedding again", has_shown=False, has_photo=False).intent == "search"


@pytest.mark.parametrize("text", REBUYS[:4])
async def test_rebuys_come_from_the_recommender(open_service, text: str) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        picks = await service.ask(Session("again", customer_id="cust-a"), text)
    assert picks.tool_calls[0]["tool"] == "recommend_for_me"
    # asked for again: the purchases (0100000006, 09) keep their ranked place instead of going to the end
    assert [p.article_id for p in picks.products][:2] == ["0100000009", "0100000007"]
