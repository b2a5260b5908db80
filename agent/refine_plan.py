"""The plan for a follow-up that refines the products shown ("cheaper", "in blue", "under 30", "show me more").

It redoes what produced the shown list with changed filters: the last search, the look-alikes of the same product,
the popular items or the shopper's picks (``picks_refinement``); after a purchase history or a photo, a search for
more of the same kind. What "cheaper" is below is ``cheaper_than``'s.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from agent.cheaper_than import cheaper, compared_position
from agent.focus import focus_index
from agent.intents import Classification
from agent.picks_refinement import picks_args
from agent.state import ConversationState
from agent.tools.search_catalog import MAX_K


def refine_plan(text: str, c: Classification, slots: dict[str, Any], state: ConversationState,
                k: int) -> dict[str, Any]:
    """Redo what produced the shown list ("cheaper", "in blue", "under 30") with changed filters."""
    shown = state.get("shown") or []
    origin = state.get("shown_from") or {}
    last = state.get("last_search")
    changes: dict[str, Any] = {}
    plan: dict[str, Any] = {}
    cheap = False
    if slots["colour"]:
        changes["colour"] = slots["colour"]
    if c.max_price is not None:
        changes["max_price"] = c.max_price
    elif c.cheaper:  # "cheaper", "cheaper than the second one", "cheaper than this one"
        wish = cheaper(shown, compared_position(text, c.ordinal, focus_index(state)))
        if wish.max_price is not None:
            changes["max_price"] = wish.max_price
        if wish.fallback_max_price is not None:
            plan["fallback_max_price"] = wish.fallback_max_price
        cheap = wish.cheap
    # "show me more" again: past every page of this list shown so far, not back to the first one
    earlier = [str(i) for i in state.get("paged") or ()] if c.more else []
    plan["shown_ids"] = [s["article_id"] for s in shown] + earlier if c.cheaper or c.more else []
    plan["cheaper"] = bool(c.cheaper and "max_price" in changes and c.max_price is None)
    plan["more"] = c.more
    if c.more or plan["cheaper"] or cheap:
        k = min(MAX_K, k + len(plan["shown_ids"]))  # fetch past the shown ones, which the list leaves out
    if origin.get("tool") in ("find_similar", "article_details") and origin.get("source"):
        # what the shown look-alikes match ("in blue" before "cheaper", "cheaper" before "in blue"), as a
        # search-started conversation keeps its filters
        kept = origin.get("filters") or {}
        plan.update(tool="find_similar", args=clean_args({"article_id": origin["source"], "k": k,
                                                       "colour": changes.get("colour") or kept.get("colour"),
                                                       "max_price": changes.get("max_price") or kept.get("max_price")}))
        return plan
    if origin.get("tool") == "recommend_for_me":  # within the popular items or the picks (``picks_refinement``)
        return {**plan, "tool": "recommend_for_me", "args": picks_args(origin, changes, k)}
    plan["cheaper"] = plan["cheaper"] or cheap  # no product shown has a price: the priced matches, cheapest first
    if origin.get("tool") == "search_catalog" and last:
        query, filters = last.get("query") or text, dict(last.get("filters") or {})
    else:  # history or a photo: search for more of the same kind, in the colour a photo's caption asked ("in black?")
        query = shown[0].get("product_type") or shown[0]["name"]
        filters = {key: value for key, value in (origin.get("filters") or {}).items() if key == "colour" and value}
        kinds = Counter(s.get("product_type") for s in shown if s.get("product_type"))
        if kinds and kinds.most_common(1)[0][1] * 2 > len(shown):  # most of them are one kind: keep to it
            filters["product_type"] = kinds.most_common(1)[0][0]
    filters.update(changes)
    if c.min_price is not None:
        filters["min_price"] = c.min_price
    # "cheaper" keeps what was shown: its kind and colour are not loosened to find something below the price
    strict = True if c.cheaper and c.max_price is None else None
    plan.update(tool="search_catalog", args=clean_args({"query": query, **filters, "k": k, "strict": strict,
                                                    "cheap": cheap or None}))
    return plan


def clean_args(args: dict[str, Any]) -> dict[str, Any]:
    """``args`` without the arguments left unset (None)."""
    return {key: value for key, value in args.items() if value is not None}
