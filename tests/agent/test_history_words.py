"""Questions about one's own purchases in Italian, Portuguese, Polish, Turkish, Korean and Arabic ("qual è il mio
ultimo acquisto?", "o que eu comprei?", "co kupiłem?") show the linked shopper's history, never a search."""

from __future__ import annotations

import pytest

from agent.intents import classify
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session


@pytest.mark.parametrize("text", [
    "qual è il mio ultimo acquisto?", "cosa ho comprato?", "i miei acquisti", "o que eu comprei?", "minhas compras",
    "co kupiłem?", "moje zakupy", "ne satın aldım?", "구매 내역 보여줘", "ماذا اشتريت؟",
])
def test_history_questions(text: str) -> None:
    assert classify(text, has_shown=False, has_photo=False).intent == "history"


async def test_an_italian_history_question_shows_the_purchases(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        turn = await service.ask(Session("it-history", customer_id="cust-a"), "qual è il mio ultimo acquisto?")
    assert turn.intent == "history"
    assert [c["tool"] for c in turn.tool_calls] == ["purchase_history"]
