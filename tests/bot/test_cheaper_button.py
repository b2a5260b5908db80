"""The Cheaper button shows cheaper products of the same kind first, then anything alike."""

from __future__ import annotations

from types import SimpleNamespace

from bot.callbacks import _items
from catalog.models import Article, SearchFilters, SearchHit


class AnyKindCatalog:
    """Look-alikes of every kind, as a real similarity search gives them; filters are applied."""

    def __init__(self, articles: list[Article]) -> None:
        self.articles = articles

    async def similar_to(self, article_id: str, filters: SearchFilters | None = None, k: int = 10) -> list[SearchHit]:
        f = filters or SearchFilters()
        return [SearchHit(a, 1.0) for a in self.articles if a.article_id != article_id
                and (f.product_type is None or a.product_type == f.product_type)
                and (f.max_price is None or (a.price is not None and a.price <= f.max_price))][:k]


def _runtime(articles: list[Article]) -> SimpleNamespace:
    return SimpleNamespace(services=SimpleNamespace(catalog=AnyKindCatalog(articles)),
                           settings=SimpleNamespace(agent=SimpleNamespace(max_products=5)))


DRESS = Article(article_id="0300000001", name="Shirt dress", product_type="Dress", price=26.99)
SKIRT = Article(article_id="0300000002", name="Midi skirt", product_type="Skirt", price=15.0)
BIKINI = Article(article_id="0300000003", name="Bikini top", product_type="Swimsuit", price=9.99)
CHEAP_DRESS = Article(article_id="0300000004", name="Slip dress", product_type="Dress", price=19.99)


async def test_cheaper_keeps_the_kind_of_product() -> None:
    items, note = await _items(_runtime([DRESS, SKIRT, BIKINI, CHEAP_DRESS]), "cheaper", DRESS)
    assert [a.name for a in items] == ["Slip dress"] and note == ""


async def test_cheaper_falls_back_to_anything_alike_then_says_none() -> None:
    items, _ = await _items(_runtime([DRESS, SKIRT, BIKINI]), "cheaper", DRESS)
    assert [a.name for a in items] == ["Midi skirt", "Bikini top"]
    items, note = await _items(_runtime([DRESS]), "cheaper", DRESS)
    assert items == [] and note == "no_cheaper"
