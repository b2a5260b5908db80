"""What goes with a product: "what goes with the second one?", "something to go with my last purchase",
"was passt zum ersten?", "和第二个搭配什么？".

A small rule table maps a product's kind (the catalog's ``product_type``, H&M's values; else its
``garment_group``) to the kinds that complete an outfit with it: tops go with trousers, jeans and skirts,
bottoms with tops, a dress with shoes, a bag or a jacket, a coat with trousers or a dress. ``complements``
keeps the kinds the catalog has; the router (``agent.routing``) searches them in the product's own index
group (Ladieswear, Menswear, ...) with the ordinary ``search_catalog`` tool and shows what it finds.
"""

from __future__ import annotations

import logging
import re
from typing import Any, TypeVar

from langgraph.runtime import Runtime

from agent.context import AgentContext
from agent.state import ConversationState, remember
from reclmms.errors import describe_error

logger = logging.getLogger(__name__)

T = TypeVar("T")

_F = re.IGNORECASE | re.UNICODE

TOPS = ("Top", "T-shirt", "Blouse", "Shirt", "Sweater", "Vest top", "Polo shirt", "Hoodie", "Cardigan")
BOTTOMS = ("Trousers", "Jeans", "Skirt", "Shorts", "Leggings/Tights", "Leggings")
SHOES = ("Sneakers", "Sandals", "Boots", "Ballerinas", "Pumps", "Heeled sandals", "Other shoe")

# a role -> the kinds that go with it, most fitting first
COMPLEMENTS: dict[str, tuple[str, ...]] = {
    "top": BOTTOMS,
    "bottom": TOPS,
    "dress": (*SHOES[:3], "Bag", "Jacket", "Cardigan", "Blazer", *SHOES[3:]),
    "outer": ("Trousers", "Jeans", "Dress", "Skirt", "Sweater", "Scarf"),
    "shoes": ("Trousers", "Jeans", "Dress", "Skirt", "Shorts"),
    "accessory": ("Coat", "Jacket", "Dress", "Sweater", "T-shirt"),
    "swim": ("Sandals", "Hat", "Bag", "Shorts"),
    "nightwear": ("Cardigan", "Hoodie"),
}
_ROLE_BY_TYPE = {
    **{kind.lower(): "top" for kind in TOPS}, **{kind.lower(): "bottom" for kind in BOTTOMS},
    **{kind.lower(): "shoes" for kind in SHOES},
    "dress": "dress", "jumpsuit/playsuit": "dress", "coat": "outer", "jacket": "outer", "blazer": "outer",
    "bag": "accessory", "hat": "accessory", "hat/beanie": "accessory", "scarf": "accessory",
    "swimsuit": "swim", "bikini top": "swim", "swimwear bottom": "swim", "pyjamas": "nightwear",
}
# H&M's garment groups, for a kind the table lacks
_ROLE_BY_GROUP = {
    "jersey basic": "top", "jersey fancy": "top", "blouses": "top", "knitwear": "top",
    "trousers": "bottom", "trousers denim": "bottom", "skirts": "bottom", "shorts": "bottom",
    "dresses ladies": "dress", "dresses/skirts girls": "dress", "outdoor": "outer", "dressed": "outer",
    "shoes": "shoes", "accessories": "accessory", "swimwear": "swim", "under-, nightwear": "nightwear",
}

# "what goes with", "to go with", "match", "wear with", in the reply languages the rules cover
_GOES_WITH = re.compile(
    r"(go(es)? (well )?with|to go with|match(es)? with|matching|pair (it |them )?with|wear (it |them )?with|"
    r"style (it|them)|outfit (for|with)|"
    r"搭配|配什么|配哪|passt (gut )?zu|passt dazu|dazu passt|kombinier|va (bien )?avec|aller avec|assortir|"
    r"combina|va con|queda con|сочета|подойд[её]т к|к (нему|ней|ним|этому|этой) подойд|с чем носить|abbin|"
    r"sta bene con|past bij|co (do tego |do niego |do niej )?pasuje|pasuje do|z czym nosić|ne uyar|uyan ne|ile ne giy|يناسبه|يناسبها|يتناسب مع|"
    r"(これ|それ)に合う|合わせ|コーデ|어울리|매치)",
    _F,
)
# the shopper's last purchase, not a shown product
_LAST_PURCHASE = re.compile(
    r"((my )?(last|latest|most recent|recent) (purchase|order|buy)|what i (just |last )?(bought|ordered)|"
    r"(meinem |meiner )?letzten? (kauf|einkauf|bestellung)|zuletzt gekauft|"
    r"上次买的|最近买的|刚买的|mi última compra|lo que compré|mon dernier achat|ce que j'ai acheté|"
    r"последн\w* покупк|il mio ultimo acquisto|minha última compra)",
    _F,
)


def asks_what_goes_with(text: str) -> bool:
    """Whether ``text`` asks what to wear with something ("what goes with the second one?", "和第二个搭配什么？")."""
    return bool(_GOES_WITH.search(text or ""))


def names_last_purchase(text: str) -> bool:
    """Whether ``text`` points at the shopper's last purchase ("something to go with my last purchase")."""
    return bool(_LAST_PURCHASE.search(text or ""))


def role(product_type: str, garment_group: str = "") -> str | None:
    """The outfit role of a product ("top", "bottom", "dress", ...), by its kind, else its garment group."""
    return _ROLE_BY_TYPE.get((product_type or "").strip().lower()) or _ROLE_BY_GROUP.get(
        (garment_group or "").strip().lower())


def complements(product_type: str, garment_group: str, catalog_kinds: list[str], limit: int = 4) -> list[str]:
    """The catalog's kinds (its own spelling) that go with a product of this kind, most fitting first, at most
    ``limit``; none for a kind the table has no rule for. The product's own kind is never one of them."""
    found = role(product_type, garment_group)
    if found is None:
        return []
    by_lower = {kind.lower(): kind for kind in catalog_kinds}
    own = (product_type or "").lower()
    return [by_lower[k.lower()] for k in COMPLEMENTS[found] if k.lower() in by_lower and k.lower() != own][:limit]


def interleave(groups: list[list[T]], k: int) -> list[T]:
    """The first of each group, then the second of each, ... up to ``k``: a mix of kinds, not one kind only."""
    out: list[T] = []
    for row in range(max((len(g) for g in groups), default=0)):
        out += [g[row] for g in groups if row < len(g)]
    return out[:k]


async def outfit_plan(ctx: AgentContext, text: str, ordinal: int | None, state: ConversationState,
                  runtime: Runtime[AgentContext], *, names_kind: bool = False, focus: int = 0) -> dict[str, Any]:
    """"What goes with the second one?" (or "... my last purchase", the newest of a linked shopper's purchases,
    or "what goes with it?", the shown product the conversation is about, ``focus``, when the message names no kind
    of its own: ``names_kind``): the kinds that complete an outfit with it (``outfits.complements``), searched in its index
    group with ``search_catalog``, a few of each, as cards with a lead that names the product; {} when there is
    no such product or nothing goes with it, and the message is then routed as any other."""
    from agent.retrieval import invoke_tool, record_tool_call

    shown = state.get("shown") or []
    try:
        base = None
        at = ordinal if ordinal is not None else None if names_kind or names_last_purchase(text) else focus
        if ctx.about and ordinal is None and not names_kind and not names_last_purchase(text):  # a card answered
            base = next(iter(await ctx.catalog.get_articles([ctx.about])), None)
        elif at is not None and shown:
            at = at if at >= 0 else len(shown) - 1
            if 0 <= at < len(shown):
                base = next(iter(await ctx.catalog.get_articles([str(shown[at]["article_id"])])), None)
        elif ctx.customer_id and names_last_purchase(text):
            base = next((a for _, a in await ctx.catalog.purchase_history(ctx.customer_id, None, 1)), None)
        if base is None:
            return {}
        kinds = complements(base.product_type, base.garment_group, await ctx.catalog.vocabulary("product_type"))
        limit = max(1.0, float(ctx.settings.agent.turn_timeout_s) / 2)
        groups: list[list[Any]] = []
        for kind in kinds:
            group = {"index_group": base.index_group} if base.index_group else {}
            args = {"query": kind, "product_type": kind, **group, "k": ctx.max_products, "strict": True}
            out = await invoke_tool("search_catalog", args, state, runtime, limit)
            record_tool_call(ctx, "search_catalog", args, out)
            groups.append([a for a in out.articles if a.article_id != base.article_id])
    except Exception as exc:  # the message is routed as any other
        logger.warning("outfit search failed: %s", describe_error(exc))
        return {}
    picks = interleave(groups, ctx.max_products)
    if not picks:
        return {}
    plan = {"tool": "article_details", "args": {"article_ids": [a.article_id for a in picks]}, "outfit_for": base.name}
    return {"plan": plan, "grounded": remember(state.get("grounded"), [base, *picks])}
