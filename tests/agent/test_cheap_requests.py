"""A new request for cheap things ("cheap dresses", "vestidos baratos", "billige Kleider", "robes pas chères",
"便宜的连衣裙") shows the lowest-priced of the best matches first, instead of the best matches in any price order;
the router model never sets it, and a request without such a word keeps the relevance order."""

from __future__ import annotations

from typing import Any

import pytest

from agent.intents import classify
from agent.llm.scripted import ScriptedBackend
from agent.tool_specs import router_view, tool_spec
from agent.tools import TOOLS
from agent.turn import Session

# The fake shop's dresses by price: 12.99, 14.99, 19.99, 24.99, 29.99, 34.99, 39.99, 49.99
CHEAPEST = [12.99, 14.99, 19.99]


@pytest.mark.parametrize("text", ["cheap dresses", "vestidos baratos", "billige Kleider", "robes pas chères",
                                  "便宜的连衣裙", "affordable dresses", "недорогие платья", "فستان رخيص",
                                  "فساتين رخيصة", "أريد فستانا رخيصا"])
def test_cheap_words(text: str) -> None:
    assert classify(text, has_shown=False, has_photo=False).cheap


@pytest.mark.parametrize("text", ["dresses", "red dresses", "a chic dress", "Baratheon t-shirt"])
def test_no_cheap_word(text: str) -> None:
    assert not classify(text, has_shown=False, has_photo=False).cheap


@pytest.mark.parametrize("text", ["cheap dresses", "vestidos baratos", "billige Kleider", "便宜的连衣裙"])
async def test_cheap_requests_show_the_lowest_prices_first(open_service: Any, text: str) -> None:
    async with open_service(ScriptedBackend(), max_products=3) as service:
        reply = await service.ask(Session(f"c-{text}"), text)
    assert reply.tool_calls[0]["args"].get("cheap") is True
    assert all(p.product_type == "Dress" for p in reply.products)
    assert [p.price for p in reply.products] == CHEAPEST


async def test_without_a_cheap_word_the_order_is_relevance(open_service: Any) -> None:
    async with open_service(ScriptedBackend(), max_products=3) as service:
        reply = await service.ask(Session("plain"), "summer dresses")
    assert "cheap" not in reply.tool_calls[0]["args"]
    assert [p.price for p in reply.products] != CHEAPEST


def test_the_router_model_does_not_see_cheap() -> None:
    assert "cheap" in TOOLS["search_catalog"].tool_call_schema.model_fields
    assert "cheap" not in router_view(tool_spec(TOOLS["search_catalog"]))["function"]["parameters"]["properties"]


async def test_cheap_shows_priced_products_first_where_the_best_matches_have_no_price(open_service: Any) -> None:
    """A catalog whose prices come from its sales has many unpriced articles; "cheap" is about prices."""
    from catalog.models import Article
    from tests.agent.fakes import FakeCatalog

    catalog = FakeCatalog()
    unpriced = [Article(article_id=f"00000000{i:02d}", name=f"Dress dress {i}", product_type="Dress", colour="Red",
                        index_group="Ladieswear", description="A dress, a dress.", price=None) for i in range(40)]
    catalog.items = unpriced + catalog.items  # the best matches, and none with a price
    catalog.by_id = {a.article_id: a for a in catalog.items}
    async with open_service(ScriptedBackend(), cat=catalog, max_products=3) as service:
        reply = await service.ask(Session("unpriced"), "cheap dresses")
    assert [p.price for p in reply.products] == CHEAPEST
