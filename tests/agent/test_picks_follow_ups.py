""""Cheaper ones" and "in blue" after popular items or personal picks refine within them.

After "what's popular?", "cheaper ones" searched for the first product's kind ("Scarf", with no kind filter) and
showed hats and leggings; after "recommend something for me" it searched for the first pick's kind filtered to
another kind. Now the popular items are the store's best sellers below the prices shown (with a colour, of that
colour), and the picks are the shopper's own picks that match.
"""

from __future__ import annotations

from datetime import date

from catalog.models import Recommendation
from tests.agent.conversation import converse
from tests.agent.fakes import FakeCatalog

PICKS = ["0100000009", "0100000007", "0100000010", "0100000006", "0100000008", "0100000012", "0100000003"]


class PicksCatalog(FakeCatalog):
    """The fake catalog whose picks for a customer go on past the five shown, to cheaper ones."""

    async def recommend(self, customer_id: str, as_of: date | None = None, k: int = 12) -> list[Recommendation]:
        return [Recommendation(self.by_id[i], 1.0 - n / 10, ("copurchase",), "bought together")
                for n, i in enumerate(PICKS)][:k]


async def test_cheaper_ones_after_popular_items_are_cheaper_best_sellers(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    popular, cheaper, blue = await converse(open_service, "popular-cheaper", "what's popular?", "cheaper ones",
                                            "in blue")
    cap = min(p.price or 0.0 for p in popular.products)
    order = [a.article_id for a, _ in await catalog.popular(k=50)]
    below = [i for i in order if catalog.by_id[i].price < cap]
    assert [c["tool"] for c in cheaper.tool_calls] == ["recommend_for_me"]
    # the store's best sellers below the prices shown, in its order, whatever their kind (a romper too)
    assert [p.article_id for p in cheaper.products] == below[:5]
    assert {p.product_type for p in cheaper.products} == {"Dress", "Romper"}
    assert [p.article_id for p in blue.products] == [i for i in below if catalog.by_id[i].colour == "Blue"]


async def test_cheaper_ones_after_personal_picks_are_cheaper_picks(open_service) -> None:  # type: ignore[no-untyped-def]
    picks, cheaper, blue = await converse(open_service, "picks-cheaper", "recommend something for me", "cheaper ones",
                                          "in blue", customer_id="cust-b", catalog=PicksCatalog())
    assert [p.article_id for p in picks.products] == PICKS[:5]
    assert [c["tool"] for c in cheaper.tool_calls] == ["recommend_for_me"]
    assert [p.article_id for p in cheaper.products] == ["0100000012", "0100000003"]
    assert [p.article_id for p in blue.products] == ["0100000012"]


async def test_a_linked_shopper_who_asked_for_popular_items_gets_cheaper_popular_ones(open_service) -> None:  # type: ignore[no-untyped-def]
    _, cheaper = await converse(open_service, "popular-linked", "best sellers", "cheaper ones", customer_id="cust-b",
                                catalog=PicksCatalog())
    assert cheaper.products and not {p.article_id for p in cheaper.products} & set(PICKS[:5])
    assert all(p.price is not None and p.price < 19.99 for p in cheaper.products)
    assert "bought before" not in " ".join(str(c.get("observation")) for c in cheaper.tool_calls)
    assert cheaper.tool_calls[0]["args"].get("popular") is True
