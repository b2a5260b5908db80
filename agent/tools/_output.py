"""What a tool returns: catalog articles (the only source of product cards) plus a short observation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent.intents import find_article_ids
from catalog.models import Article
from catalog.money import format_price


@dataclass
class ToolOutput:
    articles: list[Article] = field(default_factory=list)
    observation: str = ""
    kind: str = "products"  # products | history | recommend | popular | details | refused | error
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:  # what a model would read
        lines = [self.observation] if self.observation else []
        lines += [f"{i}. {a.short} ({a.article_id})" for i, a in enumerate(self.articles, 1)]
        return "\n".join(lines)


def details_facts(article: Article) -> str:
    """What a question about one product may ask, as the model reads it after the product's short label:
    " - price 37.99; kind: Jacket; colour: Denim Blue; description: Jacket in denim..." (English; the price as
    the catalog has it, so that the grounding check finds it among the shown prices)."""
    facts = [f"price {format_price(article.price)}"] if isinstance(article.price, int | float) else []
    facts += [f"{label}: {value}" for label, value in (("kind", article.product_type), ("colour", article.colour),
                                                      ("description", article.description[:300])) if value]
    return f" - {'; '.join(facts)}" if facts else ""


def details_observation(articles: list[Article]) -> str:
    """The observation of a details lookup: each product's name with ``details_facts``."""
    return "; ".join(f"{a.name}{details_facts(a)}" for a in articles)


def resolve_position(shown: list[dict[str, Any]], position: int | None, article_id: str | None,
                     grounded: dict[str, str], text: str = "") -> str | None:
    """An article id the conversation already knows: by 1-based position in the shown list, an id that
    a tool returned before, or one the shopper's own message ``text`` names. Ids the model invents
    resolve to None."""
    if article_id:
        return article_id if article_id in grounded or article_id in find_article_ids(text) else None
    if position is None or not shown:
        return None
    index = position - 1 if position > 0 else len(shown) + position
    if 0 <= index < len(shown):
        return str(shown[index]["article_id"])
    return None
