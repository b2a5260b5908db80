"""The product a conversation is about: "it" after "how much is the second one?" is the second one.

A details turn about one shown product keeps the shown list and makes that product the focus; a turn that shows
new products clears it, and "it" is then the first of them. The focus is kept by article id (``focus`` in the
graph state), so it cannot point at another product once the list changes.
"""

from __future__ import annotations

from typing import Any

from agent.state import ConversationState


def focus_index(state: ConversationState) -> int:
    """The 0-based position in the shown products of the one the conversation is about; 0 (the first) without one."""
    focus = state.get("focus")
    if focus:
        for at, item in enumerate(state.get("shown") or []):
            if str(item.get("article_id")) == focus:
                return at
    return 0


def focus_update(tool: str, args: dict[str, Any], article_ids: list[str], replaces_shown: bool) -> dict[str, Any]:
    """The ``focus`` a tool call leaves: the product a details call by position was about, none after new products
    were shown, as it was otherwise (a details call on several products, a failed call)."""
    if replaces_shown:
        return {"focus": ""}
    if tool == "article_details" and "position" in args and len(article_ids) == 1:
        return {"focus": article_ids[0]}
    return {}
