"""Follow-ups after a typed article id accumulate filters as a search-started conversation does: "cheaper"
then "in blue" stays below the price "cheaper" set, and "in blue" then "cheaper" stays blue."""

from __future__ import annotations

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session

DRESS = "0100000005"  # Coral Shirt Dress, red, 24.99 (tests/agent/fakes.py)


async def test_a_colour_after_cheaper_keeps_the_price_limit(open_service) -> None:  # type: ignore[no-untyped-def]
    """Before: 'in blue' dropped the limit and showed the 34.99 blue dress."""
    s = Session("named")
    async with open_service(ScriptedBackend()) as service:
        await service.ask(s, DRESS)
        cheaper = await service.ask(s, "cheaper")
        blue = await service.ask(s, "in blue")
        more = await service.ask(s, "more")
    limit = cheaper.tool_calls[0]["args"]["max_price"]
    assert limit < 24.99 and cheaper.products and all(p.price < 24.99 for p in cheaper.products)
    args = blue.tool_calls[0]["args"]
    assert args["article_id"] == DRESS and args["colour"] == "Blue" and args["max_price"] == limit
    assert blue.products and all(p.colour == "Blue" and p.price < 24.99 for p in blue.products)
    assert more.tool_calls[0]["args"].get("max_price") == limit and more.tool_calls[0]["args"]["colour"] == "Blue"


async def test_the_same_filters_as_a_search_started_conversation(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        await service.ask(Session("search"), "a dress")
        await service.ask(Session("search"), "cheaper")
        searched = await service.ask(Session("search"), "in blue")
        await service.ask(Session("id"), DRESS)
        await service.ask(Session("id"), "cheaper")
        named = await service.ask(Session("id"), "in blue")
    for turn in (searched, named):
        assert {"colour", "max_price"} <= set(turn.tool_calls[0]["args"])
