"""A request for the best sellers worded with a verb of selling ("los más vendidos", "i più venduti") gets the
store's popular items, never the polite no for things a fashion shop does not sell."""

from __future__ import annotations

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.scope import request_object
from agent.turn import Session


@pytest.mark.parametrize(("text", "language"), [("los más vendidos", "es"), ("lo más vendido", "es"),
                                                ("¿qué es lo más vendido?", "es")])
def test_best_sellers_name_no_object(text: str, language: str) -> None:
    assert request_object(text, language) is None


async def test_spanish_best_sellers_are_the_popular_items(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        turn = await service.ask(Session("mas-vendidos"), "los más vendidos")
    assert turn.intent == "recommend"
    assert [c["tool"] for c in turn.tool_calls] == ["recommend_for_me"]
