"""Follow-ups to recommendations and popular items: "cheaper ones", "in blue", "under 30".

They refine within what was shown, not a search for the first product's kind ("what's popular?", then "cheaper
ones": the store's best sellers below the prices shown, not hats and leggings found for "Scarf"): the popular items
with the filters they were shown with and the new ones, or the shopper's own picks that match.
"""

from __future__ import annotations

from typing import Any


def picks_args(origin: dict[str, Any], changes: dict[str, Any], k: int) -> dict[str, Any]:
    """``recommend_for_me``'s arguments for a follow-up to its list: ``origin`` is what produced the list
    (``shown_from``: its filters, and whether the shopper asked for popular items), ``changes`` the colour and
    price cap the follow-up sets."""
    kept = {key: value for key, value in (origin.get("filters") or {}).items()
            if key in ("product_type", "colour", "index_group", "max_price")}
    args: dict[str, Any] = {"k": k, **kept, **changes}
    if origin.get("popular"):
        args["popular"] = True
    return args
