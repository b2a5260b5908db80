"""The store's best sellers of one index group, kind or colour ("best sellers for men"): the articles that pass the
filters, in the order of their sales in the window; a narrow filter that sold too few there is filled with its best
sellers from before the window. Without filters, the window's best sellers as before."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from catalog.analytics import _EMPTY_SCHEMA, Analytics
from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.models import Article, SearchFilters
from catalog.schema import ensure_catalog_schema
from reclmms.errors import BadQueryError

ARTICLES = [  # id, kind, colour, colour master, group
    ("0000000001", "Dress", "Light Red", "Red", "Ladieswear"),
    ("0000000002", "Jacket", "Black", "Black", "Menswear"),
    ("0000000003", "Trousers", "Blue", "Blue", "Menswear"),
    ("0000000004", "Dress", "Black", "Black", "Ladieswear"),
    ("0000000005", "Jacket", "Red", "Red", "Menswear"),
    ("0000000006", "T-shirt", "White", "White", "Kids"),
]
# sales in the window (2020-09-16..22), most first: 1 (4), 6 (3), 2 (2), 3 (1); 5 sold only before it (3 times)
SALES = [("0000000001", 16), ("0000000001", 17), ("0000000001", 18), ("0000000001", 19),
         ("0000000006", 20), ("0000000006", 21), ("0000000006", 22), ("0000000002", 20), ("0000000002", 21),
         ("0000000003", 22), ("0000000005", 1), ("0000000005", 2), ("0000000005", 3), ("0000000004", 5)]


@pytest.fixture
async def analytics(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "analytics.duckdb"
    con = duckdb.connect(str(path))
    con.execute(_EMPTY_SCHEMA)
    for article_id, kind, colour, master, group in ARTICLES:
        con.execute("INSERT INTO articles (article_id, product_type, colour, colour_master, index_group) "
                    "VALUES (?, ?, ?, ?, ?)", [article_id, kind, colour, master, group])
    for n, (article_id, day) in enumerate(SALES):
        con.execute("INSERT INTO transactions VALUES (?, ?, ?, 0.03, 2)", [date(2020, 9, day), f"c{n}", article_id])
    con.close()
    async with Database(tmp_path / "db.sqlite3") as db:
        await ensure_catalog_schema(db)
        store = ArticleStore(db)
        await store.upsert_many([Article(article_id=i, name=f"Item {i}", product_type=kind, colour=colour,
                                         colour_master=master, index_group=group)
                                 for i, kind, colour, master, group in ARTICLES])
        found = Analytics(path, store)
        try:
            yield found
        finally:
            found.close()


async def _ranked(analytics: Analytics, k: int = 12, product_type: str | None = None, colour: str | None = None,
                  index_group: str | None = None) -> list[tuple[str, int]]:
    filters = SearchFilters(product_type=product_type, colour=colour, index_group=index_group)
    got = await analytics.popular(k=k, filters=None if filters.is_empty() else filters)
    return [(a.article_id, n) for a, n in got]


async def test_without_filters_the_windows_best_sellers(analytics: Analytics) -> None:
    assert await _ranked(analytics) == [("0000000001", 4), ("0000000006", 3), ("0000000002", 2), ("0000000003", 1)]


async def test_an_index_group_keeps_its_articles_in_the_order_of_sales(analytics: Analytics) -> None:
    # the men's: 2 and 3 sold in the window, then 5, sold before it, fills the list
    assert await _ranked(analytics, index_group="menswear") == [("0000000002", 2), ("0000000003", 1),
                                                                  ("0000000005", 0)]
    assert await _ranked(analytics, k=2, index_group="Menswear") == [("0000000002", 2), ("0000000003", 1)]


async def test_a_kind_and_a_colour_as_the_search_reads_them(analytics: Analytics) -> None:
    assert await _ranked(analytics, product_type="Dress") == [("0000000001", 4), ("0000000004", 0)]
    # a colour is its name or its master colour ("Light Red" is red)
    assert await _ranked(analytics, colour="Red") == [("0000000001", 4), ("0000000005", 0)]
    assert await _ranked(analytics, colour="Red", product_type="Jacket", index_group="Menswear") == [
        ("0000000005", 0)]
    assert await _ranked(analytics, product_type="Coat") == []


async def test_prices_are_no_filter_of_best_sellers(analytics: Analytics) -> None:
    with pytest.raises(BadQueryError):
        await analytics.popular(filters=SearchFilters(max_price=20.0))
