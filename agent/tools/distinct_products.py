"""One article per product in the lists a shopper sees.

A catalog such as H&M's has one product (one product code) in many colourways, each its own article, and a search
ranks them side by side: "white t-shirts for men" would show one t-shirt five times. A list holds the best-ranked
article of each product, the next products filling it; only where fewer than ``k`` products match do more colourways
of the same products fill the rest, so a narrow search still shows ``k`` items. An article without a product code is
a product of its own. The searches read a wider pool (``pool_size``) so that this rarely shortens a list, and read
once more, wider (``WIDE_POOL``), only when the pool held too few products.

Lists that ask for a product's colourways ("does it come in blue?", "other colours of the first one") keep them:
``keep`` names the product whose articles all count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from catalog.models import Article, SearchHit

POOL_FACTOR = 4  # the articles a search reads for each one it shows
WIDE_POOL = 100  # the second, wider read when the pool held fewer than ``k`` products (the search's maximum)

T = TypeVar("T")


def pool_size(k: int) -> int:
    """How many ranked articles to read to show ``k`` different products."""
    return min(WIDE_POOL, max(1, k) * POOL_FACTOR)


def product_key(article: Article) -> str:
    """What makes two articles the same product: their product code; an article without one is its own."""
    return f"code:{article.product_code}" if article.product_code else f"id:{article.article_id}"


def one_per_product(items: Sequence[T], k: int, article_of: Callable[[T], Article],
                    keep: str | None = None) -> list[T]:
    """The first ``k`` of ``items`` (best first) with one article per product: the best-ranked article of each
    product in rank order, then, where fewer than ``k`` products are among them, their other articles in rank order.
    Every article of the product code ``keep`` counts as a product of its own."""
    seen: set[str] = set()
    first: list[T] = []
    rest: list[T] = []
    for item in items:
        article = article_of(item)
        key = product_key(article)
        if keep and article.product_code == keep:
            first.append(item)
        elif key in seen:
            rest.append(item)
        else:
            seen.add(key)
            first.append(item)
    return (first + rest)[: max(0, k)]


def distinct_articles(articles: Sequence[Article], k: int, keep: str | None = None) -> list[Article]:
    """``one_per_product`` of articles."""
    return one_per_product(articles, k, lambda a: a, keep)


def distinct_hits(hits: Sequence[SearchHit], k: int, keep: str | None = None) -> list[SearchHit]:
    """``one_per_product`` of search hits."""
    return one_per_product(hits, k, lambda h: h.article, keep)


def product_count(articles: Sequence[Article]) -> int:
    """How many different products ``articles`` are."""
    return len({product_key(a) for a in articles})


def needs_wider(articles: Sequence[Article], read: int, k: int) -> bool:
    """Whether a search that asked for ``read`` articles and got ``articles`` should read more: it filled its pool
    (there may be more) yet holds fewer than ``k`` products, and a wider read is possible."""
    return len(articles) >= read and read < WIDE_POOL and product_count(articles) < k
