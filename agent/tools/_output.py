"""What a tool returns: catalog articles (the only source of product cards) plus a short observation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent.intents import find_article_ids
from catalog.models import Article


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
