"""Plain-text rendering of turn results for the terminal (``reclmms ask`` and ``reclmms chat``)."""

from __future__ import annotations

from catalog.models import Article
from catalog.money import format_price


def product_line(position: int, article: Article, language: str = "en") -> str:
    """One product for the terminal; the price in ``language``'s number format."""
    price = format_price(article.price, language) if isinstance(article.price, int | float) else "-"
    kind = ", ".join(b for b in (article.colour.lower(), article.product_type.lower()) if b)
    return f"{position:>2}. {article.name}" + (f" ({kind})" if kind else "") + f"  {price}  [{article.article_id}]"


def product_lines(articles: list[Article], language: str = "en") -> list[str]:
    return [product_line(i, a, language) for i, a in enumerate(articles, 1)]
