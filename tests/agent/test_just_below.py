""""Cheaper than" a product caps the price a cent below it, as a shopper reads it, with no float noise."""

from __future__ import annotations

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.prices import just_below
from agent.turn import Session


@pytest.mark.parametrize(("price", "cap"), [(26.99, 26.98), (24.99, 24.98), (1.0, 0.99), (0.0169, 0.016883),
                                            (0.5, 0.4995)])
def test_just_below_a_price(price: float, cap: float) -> None:
    assert just_below(price) == cap
    assert just_below(price) < price


async def test_cheaper_than_a_typed_id_is_a_cent_below_its_price(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        turn = await service.ask(Session("c"), "cheaper than 0100000005")  # Coral Shirt Dress, 24.99
    assert turn.tool_calls[0]["args"]["max_price"] == 24.98


async def test_cheaper_after_a_list_is_a_cent_below_its_cheapest(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        session = Session("l")
        shown = await service.ask(session, "a red dress")
        cheaper = await service.ask(session, "cheaper ones")
    lowest = min(p.price for p in shown.products)
    caps = [call["args"]["max_price"] for call in cheaper.tool_calls]
    # below the cheapest shown; with nothing there, below most of them (their mean): neither with float noise
    assert caps and all(cap == round(cap, 6) for cap in caps)
    assert caps[0] == round(lowest - 0.01, 2) or caps[0] < sum(p.price for p in shown.products) / len(shown.products)
