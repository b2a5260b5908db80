"""The graph state: one conversation's memory, persisted by the checkpointer per session.

Products are kept as compact dicts (never as model text), so "the second one", "cheaper"
and "in blue" resolve against what was really shown. Nothing here is global: each session
is one checkpointer thread, and ``reset`` deletes it.
"""

from __future__ import annotations

from typing import Any, TypedDict

from catalog.models import Article

MAX_GROUNDED = 500  # ids remembered as "returned by a tool in this conversation"
MAX_HISTORY = 8  # recent utterances given to the model as context


class ConversationState(TypedDict, total=False):
    text: str  # this turn's message
    language: str  # the conversation's current language (ISO 639-1)
    intent: str  # this turn's intent
    plan: dict[str, Any]  # this turn's tool call: {"tool": name, "args": {...}} or {}
    shown: list[dict[str, Any]]  # the products shown last, in order (compact dicts)
    focus: str  # the article id of the shown product the last details turn was about ("it"), or ""
    shown_from: dict[str, Any]  # what produced ``shown``: {"tool", "source": article id or None, "filters"}
    paged: list[str]  # the ids the earlier pages of ``shown``'s list showed ("show me more" again: never those)
    last_search: dict[str, Any]  # {"query": str, "filters": {...}} of the last catalog search
    grounded: dict[str, str]  # article_id -> name for every article a tool returned
    candidates: list[str]  # recommend_for_me's candidate ids (PALR buffer)
    history: list[dict[str, str]]  # [{"role": "user"|"assistant", "text": ...}], capped
    turns: int


def compact(article: Article) -> dict[str, Any]:
    """The fields the agent needs to refer back to a shown product."""
    return {
        "article_id": article.article_id,
        "name": article.name,
        "price": article.price,
        "colour": article.colour,
        "product_type": article.product_type,
        "index_group": article.index_group,
    }


def remember(grounded: dict[str, str] | None, articles: list[Article]) -> dict[str, str]:
    """``grounded`` plus ``articles``, keeping the newest ``MAX_GROUNDED`` ids."""
    merged = dict(grounded or {})
    for a in articles:
        merged.pop(a.article_id, None)
        merged[a.article_id] = a.name
    if len(merged) > MAX_GROUNDED:
        merged = dict(list(merged.items())[-MAX_GROUNDED:])
    return merged
