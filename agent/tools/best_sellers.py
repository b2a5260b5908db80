"""The store's best sellers for the popular-items path of ``recommend_for_me``.

Of the kind, colour and index group asked ("best sellers for men"), in the store's order, and below a price when a
follow-up asks for cheaper ones ("what's popular?", then "cheaper ones"). The catalog ranks best sellers without
prices, so a price cap reads a longer ranking (``PRICE_POOL``) and keeps those at or below it, in order; when the
recent best sellers have too few, those of all the time before follow, as the catalog fills a narrow filter.
A product in several colourways shows once, its best-selling one (``distinct_products``), unless too few products sold.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from agent.tools.distinct_products import distinct_articles, pool_size, product_count
from catalog.models import Article, SearchFilters

PRICE_POOL = 200
_ALL_TIME = date(1900, 1, 1)
_KINDS = ("product_type", "colour", "index_group")


def article_matches(article: Article, filters: dict[str, Any]) -> bool:
    """Whether ``article`` has the kind, colour (its name or master colour) and index group of ``filters`` and costs
    no more than their ``max_price``."""
    for key in _KINDS:
        want = str(filters.get(key) or "").lower()
        if key == "colour" and want:
            if want not in ((article.colour or "").lower(), (article.colour_master or "").lower()):
                return False
        elif want and (getattr(article, key, None) or "").lower() != want:
            return False
    cap = filters.get("max_price")
    return cap is None or (article.price is not None and article.price <= float(cap))


async def best_sellers(catalog: Any, filters: dict[str, Any], k: int) -> list[Article]:
    """Up to ``k`` best sellers that pass ``filters`` (kind, colour, index group, ``max_price``)."""
    kinds = {key: filters[key] for key in _KINDS if filters.get(key)}
    kept = SearchFilters(**kinds) if kinds else None
    if filters.get("max_price") is None:
        return distinct_articles([a for a, _ in await catalog.popular(k=pool_size(k), filters=kept)], k)
    found: list[Article] = []
    for start in (None, _ALL_TIME):  # the recent best sellers, then those of all the time before
        ranked = await catalog.popular(start=start, k=PRICE_POOL, filters=kept)
        seen = {a.article_id for a in found}
        found += [a for a, _ in ranked if a.article_id not in seen and article_matches(a, filters)]
        if product_count(found) >= k:
            break
    return distinct_articles(found, k)
