""""Best sellers for men", "popular women's dresses", "los más vendidos para hombre", "热门男装" give the store's
popular items of that index group, kind and colour, in the store's order, not every popular item; "what's
popular?" still gives them all. When none of the kind sold, the least important filter is dropped and the reply
says so, as for a search."""

from __future__ import annotations

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session
from catalog.models import SearchFilters


def _filters(wanted: dict[str, str]) -> SearchFilters:
    return SearchFilters(product_type=wanted.get("product_type"), colour=wanted.get("colour"),
                         index_group=wanted.get("index_group"))


POPULAR_IDS = ["0100000001", "0100000002", "0100000003", "0100000004", "0100000005"]


@pytest.mark.parametrize(("text", "wanted"), [
    ("best sellers for men", {"index_group": "Menswear"}),
    ("los más vendidos para hombre", {"index_group": "Menswear"}),
    ("热门男装", {"index_group": "Menswear"}),
    ("popular women's dresses", {"index_group": "Ladieswear", "product_type": "Dress"}),
    ("popular blue dresses", {"colour": "Blue", "product_type": "Dress"}),
    ("what are your best-selling sweaters?", {"product_type": "Sweater"}),
])
async def test_popular_items_keep_the_group_kind_and_colour_named(open_service, catalog, text: str,  # type: ignore[no-untyped-def]
                                                                  wanted: dict[str, str]) -> None:
    async with open_service(ScriptedBackend(mode="down")) as service:
        turn = await service.ask(Session("popular-of"), text)
    assert turn.intent == "recommend" and [c["tool"] for c in turn.tool_calls] == ["recommend_for_me"]
    assert turn.products
    assert all(getattr(p, key) == value for p in turn.products for key, value in wanted.items()), turn.products
    # in the store's order of sales (the fake's: its own order)
    order = [a.article_id for a, _ in await catalog.popular(k=50, filters=_filters(wanted))]
    assert [p.article_id for p in turn.products] == order[: len(turn.products)]
    assert ("popular", _filters(wanted)) in catalog.calls


async def test_whats_popular_still_gives_every_popular_item(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        turn = await service.ask(Session("popular-all"), "what's popular?")
    assert [p.article_id for p in turn.products] == POPULAR_IDS
    assert turn.reply == "Here are 5 popular items right now."


async def test_a_kind_none_of_which_sold_in_that_group_says_so(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        turn = await service.ask(Session("popular-none"), "best selling dresses for men")
    assert turn.products and all(p.product_type == "Dress" for p in turn.products)
    assert turn.reply.startswith("I have no dresses in Menswear")
    assert turn.tool_calls[0]["args"] == {"k": 5, "product_type": "Dress", "index_group": "Menswear"}


async def test_a_price_makes_it_a_search(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        turn = await service.ask(Session("popular-price"), "popular dresses under 30")
    assert turn.tool_calls[0]["tool"] == "search_catalog"
    assert all(p.product_type == "Dress" and (p.price or 0) <= 30 for p in turn.products)
