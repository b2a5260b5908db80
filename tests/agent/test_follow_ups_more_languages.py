"""Follow-ups in Portuguese, Italian, Dutch, Swedish, Japanese, Korean and Arabic refine the shown products
instead of searching for their own words."""

from __future__ import annotations

import pytest

from agent.intents import classify, find_ordinal
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session


@pytest.mark.parametrize(("text", "cheaper", "more"), [
    ("mais baratos", True, False), ("più economici", True, False), ("goedkoper", True, False),
    ("billigare", True, False), ("더 싼 거", True, False), ("أرخص", True, False), ("tańsze", True, False),
    ("daha ucuz", True, False), ("सस्ता", True, False), ("moins chères", True, False),
    ("moins chers s'il vous plaît", True, False), ("quelque chose de moins cher", True, False),
    ("plus bon marché", True, False),
    ("mostre mais", False, True), ("mostrami altri", False, True), ("ancora", False, True),
    ("laat meer zien", False, True), ("もっと見せて", False, True), ("더 보여줘", False, True),
])
def test_cheaper_and_more_after_products_refine(text: str, cheaper: bool, more: bool) -> None:
    c = classify(text, has_shown=True, has_photo=False, has_type=False, has_colour=False, names_product=False)
    assert (c.intent, c.cheaper, c.more) == ("refine", cheaper, more)


@pytest.mark.parametrize(("text", "position"), [
    ("o segundo", 1), ("a segunda", 1), ("il secondo", 1), ("la prima", 0), ("het tweede", 1),
    ("den sista", -1), ("2番目", 1), ("두 번째", 1), ("첫 번째", 0),
    ("a prima vista", None), ("prima di tutto", None),  # Italian "prima" as "at first", "before"
])
def test_positions(text: str, position: int | None) -> None:
    assert find_ordinal(text) == position


async def test_a_portuguese_conversation_goes_as_the_english_one(open_service) -> None:  # type: ignore[no-untyped-def]
    pt, en = Session("pt"), Session("en")
    async with open_service(ScriptedBackend(), max_products=2) as service:
        turns_pt = [await service.ask(pt, text) for text in ("vestido vermelho", "mais baratos", "o segundo")]
        turns_en = [await service.ask(en, text) for text in ("red dress", "cheaper ones", "the second one")]
    assert [t.intent for t in turns_pt] == [t.intent for t in turns_en] == ["search", "refine", "details"]
    for mine, english in zip(turns_pt, turns_en, strict=True):
        assert [p.article_id for p in mine.products] == [p.article_id for p in english.products]
    shown = {p.article_id for p in turns_pt[0].products}
    assert turns_pt[1].products and not shown & {p.article_id for p in turns_pt[1].products}


@pytest.mark.parametrize(("first", "cheaper"), [
    ("vestito rosso", "più economici"), ("rode jurk", "goedkoper"), ("röd klänning", "billigare"),
    ("czerwona sukienka", "tańsze"),
])
async def test_cheaper_in_more_languages_keeps_the_kind(open_service, first: str, cheaper: str) -> None:  # type: ignore[no-untyped-def]
    """The cheaper words are no product of their own: the dresses shown get cheaper ones, not shorts."""
    s = Session(f"cheaper-{cheaper}")
    async with open_service(ScriptedBackend(), max_products=2) as service:
        shown = await service.ask(s, first)
        turn = await service.ask(s, cheaper)
    assert {p.product_type for p in shown.products} == {"Dress"}
    assert turn.intent == "refine" and all(p.product_type == "Dress" for p in turn.products)


@pytest.mark.parametrize("text", ["em azul", "in het blauw"])
async def test_a_colour_follow_up_keeps_the_kind(open_service, text: str) -> None:  # type: ignore[no-untyped-def]
    s = Session(f"colour-{text}")
    async with open_service(ScriptedBackend()) as service:
        await service.ask(s, "a red dress")
        turn = await service.ask(s, text)
    assert turn.intent == "refine" and turn.products and {p.product_type for p in turn.products} == {"Dress"}


@pytest.mark.parametrize("text", ["which one is the cheapest and how much is it?", "哪个最便宜？", "¿cuál es el más barato?"])
async def test_which_is_the_cheapest_names_the_lowest_priced_shown_product(open_service, text: str) -> None:  # type: ignore[no-untyped-def]
    s = Session(f"cheapest-{text}")
    async with open_service(ScriptedBackend()) as service:
        shown = await service.ask(s, "a red dress")
        turn = await service.ask(s, text)
    cheapest = min(shown.products, key=lambda p: p.price)
    assert turn.intent == "details" and [p.article_id for p in turn.products] == [cheapest.article_id]


async def test_top_ten_is_no_product_type(open_service) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from tests.agent.fakes import FakeCatalog

    class WithTops(FakeCatalog):
        def __init__(self) -> None:
            super().__init__()
            top = replace(self.items[7], article_id="0100000099", name="Sky Crop Top", product_type="Top",
                          garment_group="Top")
            self.items.append(top)
            self.by_id[top.article_id] = top

    async with open_service(ScriptedBackend(), cat=WithTops()) as service:
        turn = await service.ask(Session("top-10"), "top 10 dresses")
        tops = await service.ask(Session("tops"), "a white top")
    assert turn.tool_calls[0]["args"].get("product_type") == "Dress"
    assert tops.tool_calls[0]["args"].get("product_type") == "Top"


@pytest.mark.parametrize("text", ["a dress under 30 but not black", "un vestido que no sea negro", "不要黑色的连衣裙"])
async def test_a_colour_said_no_to_is_no_filter(open_service, text: str) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        turn = await service.ask(Session(f"not-{text}"), text)
    assert "colour" not in turn.tool_calls[0]["args"]
    assert turn.tool_calls[0]["args"].get("product_type") == "Dress"


def test_cheaper_falls_back_below_most_of_the_shown_only_when_their_prices_differ() -> None:
    """With one price shown ("28.99"), "below most of them" would show others at that same price."""
    from agent.routing import _refine

    def plan(prices: list[float]) -> dict:  # type: ignore[type-arg]
        c = classify("cheaper", has_shown=True, has_photo=False, has_type=False, has_colour=False, names_product=False)
        shown = [{"article_id": f"01000000{i:02d}", "price": p, "product_type": "Jacket", "name": "J"}
                 for i, p in enumerate(prices)]
        state = {"shown": shown, "shown_from": {"tool": "search_catalog"},
                 "last_search": {"query": "jacket", "filters": {"product_type": "Jacket"}}}
        return _refine("cheaper", c, {"colour": None}, state, 5)  # type: ignore[arg-type]

    assert "fallback_max_price" not in plan([28.99])
    assert "fallback_max_price" not in plan([28.99, 28.99])
    assert plan([19.99, 29.99])["fallback_max_price"] == pytest.approx(24.99)
