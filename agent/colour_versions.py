"""Whether a product comes in the colour a follow-up asks about ("does it come in black?" after look-alikes).

Look-alikes in that colour answer the wish, but the shopper asked about the product itself: when neither it nor
its other colours has the colour, the reply says so first, in the fixed sentence that "0512466 in blue?" gets
("I have no 0512466 (black) in the shop right now; here are the closest products I found.").
"""

from __future__ import annotations

from typing import Any

from agent.intents import wants_look_alikes
from catalog.models import Article


def _has_colour(article: Article, colour: str) -> bool:
    return colour.lower() in {c.lower() for c in (article.colour, article.colour_master) if c}


def missing_version(product: Article | None, versions: list[Article], colour: str | None, text: str,
                    vocab: Any) -> str:
    """"0512466 (black)" (the product code and the shopper's word for the colour) when ``text`` asks whether
    ``product`` comes in ``colour`` and neither it nor its ``versions`` (its other colours) does; "" when it does,
    when no colour was asked, when the product has no code, or when the text asks for look-alikes in that colour
    ("more like 0512466002 in black")."""
    if not colour or product is None or not product.product_code or wants_look_alikes(text):
        return ""
    if any(_has_colour(a, colour) for a in (product, *versions)):
        return ""
    forms = sorted(vocab.surface_forms("colour", colour), key=len, reverse=True)
    low = text.lower()
    said = next((form for form in forms if form and form in low), colour.lower())
    return f"{product.product_code} ({said})"
