"""Tool: search the shop's catalog by description, with filters mapped onto the catalog's vocabulary."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import cast

from langchain.tools import tool

from agent.context import AgentContext
from agent.tools._output import ToolOutput
from agent.tools._query import clip_query
from agent.tools._runtime import TurnRuntime
from agent.tools.distinct_products import WIDE_POOL, distinct_articles, needs_wider, pool_size
from catalog.models import SearchFilters

logger = logging.getLogger(__name__)

# When nothing matches every filter, the least important one is dropped first: the garment group, then the colour;
# who it is for (section, index group: "for men") outlasts the colour, and the kind outlasts everything.
# The best matches whose lowest prices a "cheap" search shows (four times the products shown, at most this).
CHEAP_POOL = 40
MAX_K = 40  # the most one search reads: "show me more" again reads past the pages shown before (``refine_plan``)
RELAX_ORDER = ("garment_group", "colour", "section", "index_group", "product_type")


def relaxations(mapped: dict[str, str]) -> list[list[str]]:
    """The filter sets to drop, tried in turn until one search finds something: each filter alone, least
    important first ("blue jeans for men" without a men's blue jean: men's jeans in any colour, not blue jeans of
    any group), then the least important ones together ("blue jeans for men", with neither, any jeans)."""
    keys = [key for key in RELAX_ORDER if key in mapped]
    singles = [[key] for key in keys[:-1]] if len(keys) > 1 else [keys[:1]] if keys else []
    together = [keys[: i + 1] for i in range(1, len(keys))]
    return singles + together


@tool
async def search_catalog(
    query: str,
    runtime: TurnRuntime,
    product_type: str | None = None,
    colour: str | None = None,
    index_group: str | None = None,
    section: str | None = None,
    garment_group: str | None = None,
    min_price: float | None = None,
    max_price: float | None = None,
    k: int = 5,
    strict: bool = False,
    cheap: bool = False,
) -> ToolOutput:
    """Search the shop's catalog for products matching a description in any language
    (e.g. "red summer dress"). Optional filters: product_type, colour, index_group
    (Ladieswear, Menswear, Baby/Children, ...), section, garment_group, min_price, max_price.
    strict=true never loosens the filters when nothing matches them all; cheap=true shows the lowest-priced
    of the best matches first (with strict=true, only priced ones)."""
    ctx = cast(AgentContext, runtime.context)
    mapped, dropped = await ctx.vocab.map_values({"product_type": product_type, "colour": colour,
                                                  "index_group": index_group, "section": section,
                                                  "garment_group": garment_group})
    prices = {
        "min_price": float(min_price) if isinstance(min_price, int | float) and min_price >= 0 else None,
        "max_price": float(max_price) if isinstance(max_price, int | float) and max_price > 0 else None,
    }
    filters = SearchFilters(**mapped, **prices)  # type: ignore[arg-type]
    k = max(1, min(int(k), MAX_K))
    # a wider pool than shown, so that one product's colourways leave room for other products (``distinct_products``);
    # "cheap dresses": the cheapest among the relevant ones
    want = min(CHEAP_POOL, pool_size(k)) if cheap else pool_size(k)
    query = clip_query(query or "") or " ".join(mapped.values()) or "popular"
    hits = []
    priced_first = cheap and filters.min_price is None
    if priced_first:  # "cheap" shows prices: the priced matches first (a price of 0 or more)
        hits = await ctx.catalog.search_text(query, replace(filters, min_price=0.0), want)
    if not hits and not (priced_first and strict):  # a strict one ("cheaper" after unpriced products): priced or none
        hits = await ctx.catalog.search_text(query, filters, want)
    relaxed: list[str] = []
    applied = filters
    priced = prices["min_price"] is not None or prices["max_price"] is not None
    if not hits and mapped and not strict and priced:
        # Only the price rules them out ("leggings under 5" in a shop with leggings): say nothing was found
        # rather than show other kinds as if the shop had no leggings.
        if await ctx.catalog.search_text(query, SearchFilters(**mapped), 1):  # type: ignore[arg-type]
            strict = True
    if not hits and mapped and not strict:
        # Loosen the least important filters first (``relaxations``), so "blue jeans for men" shows the men's
        # jeans in other colours. A price limit is the shopper's own and stays: "a black jacket under 60"
        # shows jackets under 60.
        for drop in relaxations(mapped):
            loose = {key: value for key, value in mapped.items() if key not in drop}
            applied = SearchFilters(**loose, **prices)  # type: ignore[arg-type]
            hits = await ctx.catalog.search_text(query, applied, want)
            if hits:
                relaxed = drop
                break
        else:
            applied = filters
    articles = [h.article for h in hits]
    if not cheap and needs_wider(articles, want, k):  # a few products' many colourways filled the pool
        articles = [h.article for h in await ctx.catalog.search_text(query, applied, WIDE_POOL)] or articles
    if cheap:
        articles = sorted(articles, key=lambda a: a.price if a.price is not None else float("inf"))
    articles = distinct_articles(articles, k)  # one colourway per product, unless too few products match
    note = f"{len(articles)} results" + (", lowest prices first" if cheap else "")
    if dropped:
        note += "; ignored unknown filter values " + ", ".join(f"{k}={v}" for k, v in dropped.items())
    if relaxed:
        note += "; nothing matched every filter, so these ignore " + ", ".join(relaxed)
    return ToolOutput(articles=articles, observation=note, kind="products",
                      extra={"query": query, "filters": filters.to_dict(), "applied": applied.to_dict(),
                             "dropped": dropped, "relaxed": relaxed,
                             "relaxed_values": {key: mapped[key] for key in relaxed}})
