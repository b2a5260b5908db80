""""More like 0512466002" and "more like the second one" show other products that look alike, not the same product
in its other colours (which its image resembles most): those come last, one at most, only where fewer other products
look alike. "Does it come in brown?" after the look-alikes still shows the product itself in brown."""

from __future__ import annotations

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.tools.find_similar import other_products_first
from agent.turn import Session
from catalog.models import Article, SearchFilters, SearchHit
from tests.agent.fakes import FakeCatalog, dress_colourways

CODE = "0512466"
VARIANTS = {f"{CODE}001": "Brown", f"{CODE}002": "Red", f"{CODE}003": "Grey"}
ORDINALS = ("first", "second", "third", "fourth", "fifth")


class LookAlikeCatalog(FakeCatalog):
    """Look-alikes as an image search ranks them: the same product in other colours first, then the same kind."""

    def __init__(self) -> None:
        super().__init__()
        for article in dress_colourways(CODE, "Shirt dress", VARIANTS, 26.99):
            self.items.append(article)
            self.by_id[article.article_id] = article

    async def similar_to(self, article_id: str, filters: SearchFilters | None = None, k: int = 10) -> list[SearchHit]:
        hits = await super().similar_to(article_id, filters, len(self.items))
        code = self.by_id[article_id].product_code
        hits = [SearchHit(h.article, 2.0) if code and h.article.product_code == code else h for h in hits]
        hits.sort(key=lambda h: (-h.score, h.article.article_id))
        return hits[:k]


def _codes(turn) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.article_id[:7] for p in turn.products]


async def test_more_like_an_article_number_shows_other_products(open_service) -> None:  # type: ignore[no-untyped-def]
    catalog = LookAlikeCatalog()
    async with open_service(ScriptedBackend(mode="down"), catalog) as service:
        turn = await service.ask(Session("like-id"), f"more like {CODE}002")
    assert turn.intent == "similar" and len(turn.products) == 5
    assert CODE not in _codes(turn)  # eight other dresses look alike: none of its own colours
    assert all(p.product_type == "Dress" for p in turn.products)


async def test_more_like_the_second_one_shows_other_products(open_service) -> None:  # type: ignore[no-untyped-def]
    catalog = LookAlikeCatalog()
    async with open_service(ScriptedBackend(mode="down"), catalog) as service:
        session = Session("like-shown")
        shown = await service.ask(session, f"0100000001 and {CODE}002")
        ids = [p.article_id for p in shown.products]
        assert f"{CODE}002" in ids
        turn = await service.ask(session, f"more like the {ORDINALS[ids.index(f'{CODE}002')]} one")
    assert turn.intent == "similar" and turn.products
    assert CODE not in _codes(turn)


async def test_does_it_come_in_a_colour_still_shows_the_product_in_it(open_service) -> None:  # type: ignore[no-untyped-def]
    catalog = LookAlikeCatalog()
    async with open_service(ScriptedBackend(mode="down"), catalog) as service:
        session = Session("like-colour")
        await service.ask(session, f"more like {CODE}002")
        turn = await service.ask(session, "does it come in brown?")
    assert [p.article_id for p in turn.products][:1] == [f"{CODE}001"]


def _hit(article_id: str) -> SearchHit:
    return SearchHit(Article(article_id=article_id, name=article_id), 1.0)


@pytest.mark.parametrize(("ranked", "k", "expected"), [
    (["s1", "s2", "o1", "o2", "o3"], 2, ["o1", "o2"]),  # enough other products: none of its colours
    (["s1", "s2", "o1", "o2", "o3"], 5, ["o1", "o2", "o3", "s1"]),  # too few: its closest colour, last
    (["o1", "s1", "o2"], 3, ["o1", "o2", "s1"]),
    (["s1", "s2"], 3, ["s1"]),
    (["o1", "o2"], 5, ["o1", "o2"]),
])
def test_other_products_come_first_and_one_colour_at_most(ranked: list[str], k: int, expected: list[str]) -> None:
    hits = [_hit(i) for i in ranked]
    assert [h.article.article_id for h in other_products_first(hits, {"s1", "s2"}, k)] == expected
