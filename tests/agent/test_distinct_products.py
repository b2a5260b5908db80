"""A list the shopper sees holds different products: one product (one product code) in six colourways, all ranked
above the other matches, shows once, and the next products fill the list; only a search that nothing else matches
shows its colourways. "More like the second one" shows other products, not another product's colourways five times.
"Does it come in blue?" and "other colours of the first one" still show the product's own colourways."""

from __future__ import annotations

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.tools.best_sellers import best_sellers
from agent.tools.distinct_products import distinct_articles
from agent.turn import Session
from catalog.models import Article, SearchFilters, SearchHit
from tests.agent.fakes import FakeCatalog, dress_colourways

CODE = "0567413"
COLOURWAYS = {f"{CODE}001": "Red", f"{CODE}002": "Blue", f"{CODE}003": "Black", f"{CODE}004": "Blue",
              f"{CODE}005": "White", f"{CODE}006": "Yellow"}


class ColourwayCatalog(FakeCatalog):
    """One dress in six colourways, which every search and every look-alike ranking puts above the other matches
    (as a vector search does, the colourways sharing a description and a cut)."""

    def __init__(self) -> None:
        super().__init__()
        for article in dress_colourways(CODE, "Tulip Dress", COLOURWAYS, 17.99):
            self.items.insert(0, article)  # the best sellers too
            self.by_id[article.article_id] = article

    @staticmethod
    def _first(hits: list[SearchHit], k: int) -> list[SearchHit]:
        hits = [SearchHit(h.article, h.score + 10.0) if h.article.product_code == CODE else h for h in hits]
        hits.sort(key=lambda h: (-h.score, h.article.article_id))
        return hits[:k]

    async def search_text(self, query: str, filters: SearchFilters | None = None, k: int = 10) -> list[SearchHit]:
        return self._first(await super().search_text(query, filters, len(self.items)), k)

    async def similar_to(self, article_id: str, filters: SearchFilters | None = None, k: int = 10) -> list[SearchHit]:
        return self._first(await super().similar_to(article_id, filters, len(self.items)), k)


def _codes(turn) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.product_code or p.article_id for p in turn.products]


async def test_a_search_shows_the_product_once_and_other_products(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down"), ColourwayCatalog()) as service:
        turn = await service.ask(Session("distinct-search"), "dresses")
    assert len(turn.products) == 5
    assert _codes(turn)[0] == CODE and _codes(turn).count(CODE) == 1  # the best-ranked colourway, once
    assert all(p.product_type == "Dress" for p in turn.products)
    assert len(set(_codes(turn))) == 5


async def test_a_narrow_search_shows_the_colourways(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down"), ColourwayCatalog()) as service:
        turn = await service.ask(Session("distinct-narrow"), "tulip")
    assert [p.article_id for p in turn.products] == list(COLOURWAYS)[:5]  # nothing else matches: its colourways


async def test_more_like_the_second_one_shows_other_products(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down"), ColourwayCatalog()) as service:
        session = Session("distinct-similar")
        shown = await service.ask(session, "dresses")
        second = shown.products[1]
        assert second.product_code != CODE
        turn = await service.ask(session, "more like the second one")
    assert turn.intent == "similar" and len(turn.products) == 5
    assert second.article_id not in [p.article_id for p in turn.products]
    assert _codes(turn).count(CODE) == 1 and len(set(_codes(turn))) == 5


async def test_does_it_come_in_blue_shows_its_blue_colourways(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down"), ColourwayCatalog()) as service:
        session = Session("distinct-blue")
        await service.ask(session, f"more like {CODE}001")
        turn = await service.ask(session, "does it come in blue?")
    assert [p.article_id for p in turn.products][:2] == [f"{CODE}002", f"{CODE}004"]  # both, not thinned
    assert all(p.colour == "Blue" for p in turn.products)


async def test_other_colours_of_the_first_one_show_its_colourways(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down"), ColourwayCatalog()) as service:
        session = Session("distinct-colours")
        shown = await service.ask(session, "dresses")
        assert shown.products[0].product_code == CODE
        turn = await service.ask(session, "does the first one come in other colours?")
    assert turn.products and all(p.product_code == CODE for p in turn.products)
    assert len(turn.products) == 5


async def test_best_sellers_show_each_product_once() -> None:
    catalog = ColourwayCatalog()
    assert [a.product_code or a.article_id for a in await best_sellers(catalog, {}, 3)] == \
        [CODE, "0100000001", "0100000002"]
    cheap = await best_sellers(catalog, {"product_type": "Dress", "max_price": 20}, 3)
    assert [a.product_code or a.article_id for a in cheap] == [CODE, "0100000003", "0100000012"]


def _article(article_id: str, code: str = "") -> Article:
    return Article(article_id=article_id, name=article_id, product_code=code)


@pytest.mark.parametrize(("ranked", "k", "expected"), [
    ([("a1", "A"), ("a2", "A"), ("b1", "B"), ("a3", "A"), ("c1", "")], 3, ["a1", "b1", "c1"]),
    ([("a1", "A"), ("a2", "A"), ("b1", "B"), ("a3", "A")], 4, ["a1", "b1", "a2", "a3"]),  # too few: colourways
    ([("a1", ""), ("a2", ""), ("a3", "")], 2, ["a1", "a2"]),  # no product code: each its own product
    ([("a1", "A"), ("a2", "A")], 5, ["a1", "a2"]),
])
def test_one_article_per_product_then_the_colourways(ranked: list[tuple[str, str]], k: int,
                                                      expected: list[str]) -> None:
    articles = [_article(i, code) for i, code in ranked]
    assert [a.article_id for a in distinct_articles(articles, k)] == expected


def test_the_kept_product_shows_all_its_articles() -> None:
    articles = [_article("a1", "A"), _article("a2", "A"), _article("b1", "B"), _article("b2", "B")]
    assert [a.article_id for a in distinct_articles(articles, 3, keep="A")] == ["a1", "a2", "b1"]


class ColourwayPicksCatalog(ColourwayCatalog):
    """The recommender ranks three colourways of the dress first, as its "other colours of past items" source
    does for a shopper who bought the dress in another colour."""

    async def recommend(self, customer_id, as_of=None, k=12):  # type: ignore[no-untyped-def,override]
        from catalog.models import Recommendation

        own = [self.by_id[i] for i in (f"{CODE}002", f"{CODE}003", f"{CODE}004")]
        rest = await super().recommend(customer_id, as_of, k)
        return [Recommendation(a, 2.0 - n / 10, ("colours",), "another colour") for n, a in enumerate(own)] + rest


async def test_personal_picks_show_the_product_once(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down"), ColourwayPicksCatalog()) as service:
        turn = await service.ask(Session("distinct-picks", customer_id="cust-a"), "recommend something for me")
    assert turn.tool_calls[0]["tool"] == "recommend_for_me"
    assert len(turn.products) == 5
    assert _codes(turn)[0] == CODE and _codes(turn).count(CODE) == 1, _codes(turn)
