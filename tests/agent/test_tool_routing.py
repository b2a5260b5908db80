"""The router asks the model for a tool (``choose_tool``) and maps the choice back to an intent.

Offline, with the scripted backend: its JSON replies are tool selections, checked by the same
code as a real model's. The first turn ("a red summer dress") is routed by the rules and shows
products; the second names nothing the rules or the vocabulary know, so the model decides.
"""

from __future__ import annotations

from typing import Any

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session

VAGUE = "hmm, what else would work?"


async def two_turns(open_service, selection: dict[str, Any], customer: str | None = None):  # type: ignore[no-untyped-def]
    backend = ScriptedBackend(json_replies=[selection])
    async with open_service(backend) as service:
        session = Session("tools", customer_id=customer)
        first = await service.ask(session, "a red summer dress")
        second = await service.ask(session, VAGUE)
    assert [c["kind"] for c in backend.calls if c["kind"] != "text"] == ["tool"]  # only the vague turn asked
    return first, second


@pytest.mark.parametrize(("selection", "intent", "tool", "args"), [
    ({"tool": "find_similar", "arguments": {"position": 2, "colour": "blue", "use_photo": True}},
     "similar", "find_similar", {"k": 5, "colour": "Blue", "position": 2}),
    ({"tool": "article_details", "arguments": {"position": 3}}, "details", "article_details", {"position": 3}),
    ({"tool": "article_details", "arguments": {"position": 42}}, "details", "article_details", {"position": 1}),
    ({"tool": "recommend_for_me", "arguments": {"k": 10}}, "recommend", "recommend_for_me", {"k": 5}),
    ({"tool": "search_catalog", "arguments": {"query": "gala", "colour": "ultraviolet", "max_price": 20}},
     "search", "search_catalog", {"query": VAGUE, "k": 5}),
])
async def test_each_tool_maps_to_its_intent_with_validated_arguments(
    open_service, selection: dict[str, Any], intent: str, tool: str, args: dict[str, Any]  # type: ignore[no-untyped-def]
) -> None:
    first, second = await two_turns(open_service, selection)
    assert first.intent == "search" and first.products
    assert second.intent == intent
    assert second.tool_calls[0]["tool"] == tool and second.tool_calls[0]["args"] == args


async def test_history_from_the_model_is_the_session_customers_only(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    selection = {"tool": "purchase_history", "arguments": {"customer_id": "cust-b", "limit": 50}}
    _, second = await two_turns(open_service, selection, customer="cust-a")
    assert second.intent == "history"
    assert second.tool_calls[0]["args"] == {"limit": 5}
    assert [p.article_id for p in second.products] == ["0100000006", "0100000009"]
    assert [c for c in catalog.calls if c[0] == "purchase_history"] == [("purchase_history", "cust-a")]


async def test_no_tool_keeps_the_default_search(open_service) -> None:  # type: ignore[no-untyped-def]
    _, second = await two_turns(open_service, {"tool": "none"})
    assert second.intent == "search"
    assert [c["tool"] for c in second.tool_calls] == ["search_catalog"]
    assert second.tool_calls[0]["args"]["query"] == VAGUE


async def test_similar_and_details_are_offered_only_once_products_were_shown(open_service) -> None:  # type: ignore[no-untyped-def]
    backend = ScriptedBackend(json_replies=[{"tool": "find_similar", "arguments": {"position": 1}}])
    async with open_service(backend) as service:
        result = await service.ask(Session("fresh"), VAGUE)
    assert backend.calls[0]["tools"] == ["search_catalog", "purchase_history", "recommend_for_me"]
    assert result.intent == "search" and result.tool_calls[0]["tool"] == "search_catalog"


async def test_an_invalid_tool_call_keeps_the_default_search(open_service) -> None:  # type: ignore[no-untyped-def]
    backend = ScriptedBackend(json_replies=[{"tool": "find_similar", "arguments": {"position": "second"}}])
    async with open_service(backend) as service:
        result = await service.ask(Session("bad"), VAGUE)
    assert result.intent == "search" and result.tool_calls[0]["args"] == {"query": VAGUE, "k": 5}
