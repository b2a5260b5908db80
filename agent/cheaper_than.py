"""What "cheaper" after a list of products asks for.

"Cheaper than the second one" ("2番目より安いもの", "más barato que el segundo") and "cheaper than this one" (the
product the conversation is about, ``focus``) are a cent below that product's price. A plain "cheaper" is a cent
below the cheapest priced product shown, with "below most of them" to fall back on. When none of the products
shown has a price (most of a catalog whose prices come from its sales), "cheaper" asks for the lowest-priced
products of the same request: its priced matches, cheapest first (``search_catalog``'s ``cheap``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agent.prices import just_below

# "than this one": one product, not the list ("cheaper than these" is below the cheapest of them).
_THIS_ONE = re.compile(
    r"\bthan\s+(?:this|that|it)\b(?!\s+ones\b)"
    r"|(?:que|de)\s+(?:este|esta|ese|esa|esse|essa|éste|ésta|aquel|aquella|aquele|isto|isso)\b"
    r"|\bque\s+(?:celui-ci|celle-ci|celui-là|celle-là|ça|cela)|\bals\s+(?:dieses|dieser|das hier|der hier|die hier|es)\b"
    r"|\b(?:di|del|della)\s+(?:questo|questa|quello|quella)\b|\bdan\s+(?:deze|dit|die|dat)\b"
    r"|\bän\s+(?:den här|det här|denna|detta)\b|дешевле\s+(?:этого|этой|него|неё|нее|того|той)(?!\w)"
    r"|比(?:这|那|它)|(?:これ|それ|あれ|この商品|その商品)より|(?:이것|이거|그것|그거)보다"
    r"|من\s+(?:هذا|هذه|ذلك|تلك)|\b(?:bundan|şundan|ondan)\b|(?:niż|od)\s+(?:ten|ta|to|tego|tej)\b|(?:इससे|उससे)",
    re.IGNORECASE,
)


@dataclass
class Cheaper:
    """A "cheaper" follow-up's price cap (``max_price``), the cap to fall back on ("below most of them"), and
    whether to ask for the lowest-priced matches instead (``cheap``: no product shown has a price)."""

    max_price: float | None = None
    fallback_max_price: float | None = None
    cheap: bool = False


def compared_position(text: str, ordinal: int | None, focus: int) -> int | None:
    """The 0-based position (-1: the last) of the shown product "cheaper" is compared with: the one named
    ("cheaper than the second one"), or the one the conversation is about ("cheaper than this one", ``focus``);
    None for a plain "cheaper", which is about the whole list."""
    if ordinal is not None:
        return ordinal
    return focus if _THIS_ONE.search(text) else None


def _price(item: dict[str, Any]) -> float | None:
    price = item.get("price")
    return float(price) if isinstance(price, int | float) and not isinstance(price, bool) and price > 0 else None


def cheaper(shown: list[dict[str, Any]], position: int | None) -> Cheaper:
    """What "cheaper" means after ``shown``: below the product at ``position`` when it has a price, else below
    the cheapest priced product shown (below most of them to fall back on, when their prices differ), else
    the lowest-priced matches."""
    named = shown[position] if position is not None and -len(shown) <= position < len(shown) else None
    if named is not None and (price := _price(named)) is not None:
        return Cheaper(max_price=just_below(price))
    prices = [p for p in map(_price, shown) if p is not None]
    if not prices:
        return Cheaper(cheap=True)
    out = Cheaper(max_price=just_below(min(prices)))
    if len(set(prices)) > 1:  # below most of them; with one price there is nothing "below most"
        out.fallback_max_price = round(sum(prices) / len(prices), 6)
    return out
