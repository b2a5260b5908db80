"""Tool: products that look like the shopper's photo or like a product already shown."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import cast

from langchain.tools import tool

from agent.colour_versions import missing_version
from agent.context import AgentContext
from agent.prices import just_below
from agent.tools._output import ToolOutput, resolve_position
from agent.tools._query import clip_query
from agent.tools._runtime import TurnRuntime
from agent.tools.distinct_products import distinct_hits, needs_wider, pool_size
from catalog.models import Article, SearchFilters, SearchHit
from reclmms.errors import NoImageIndexError, NotFoundError, ReclmmsError, describe_error

logger = logging.getLogger(__name__)

MAX_LOOK_ALIKES = 100  # the most the search gives at once


@tool
async def find_similar(
    runtime: TurnRuntime,
    position: int | None = None,
    article_id: str | None = None,
    use_photo: bool = False,
    colour: str | None = None,
    product_type: str | None = None,
    max_price: float | None = None,
    cheaper: bool = False,
    k: int = 5,
) -> ToolOutput:
    """Find products similar to the shopper's photo (use_photo=true) or to a product already
    shown: position is its 1-based number in the last list (-1 = the last one). Optional
    colour and max_price narrow the results ("more like the second one but in blue"); cheaper=true
    asks for items priced below the photo's closest match ("like this but cheaper"). With colour or
    max_price, the results keep the kind of product (a dress in blue, not anything blue); product_type
    names another kind for a photo ("a dress like this")."""
    ctx = cast(AgentContext, runtime.context)
    state = runtime.state or {}
    mapped_colour = await ctx.vocab.map_value("colour", colour) if colour else None
    named_kind = await ctx.vocab.map_value("product_type", product_type) if product_type else None
    filters = SearchFilters(colour=mapped_colour,
                            max_price=float(max_price) if isinstance(max_price, int | float) and max_price > 0 else None)
    k = max(1, min(int(k), 10))
    if use_photo:
        if not ctx.photo:
            return ToolOutput(kind="error", observation="no photo was sent")
        return await _photo_look_alikes(ctx, filters, named_kind, bool(cheaper), k,
                                        clip_query(state.get("text") or "") or None)
    target = resolve_position(state.get("shown") or [], position, article_id, state.get("grounded") or {},
                              state.get("text") or "")
    if target is None:
        return ToolOutput(kind="error", observation="that product is not in the conversation",
                          extra={"position": position})
    found = await ctx.catalog.get_articles([target])
    # with a wish ("but in blue", "cheaper") the look-alikes keep the product's kind, as for a photo
    kind = SearchFilters()
    if not filters.is_empty() and found and found[0].product_type:
        kind = SearchFilters(product_type=found[0].product_type)
    versions = await _same_product(ctx, found[0] if found else None)
    colours = {a.article_id for a in versions}
    # room for the product's own colours, put back after the others, and for other products' many colourways
    wide = min(pool_size(k) + len(colours), MAX_LOOK_ALIKES)
    requested = filters.to_dict()
    relaxed: list[str] = []
    try:
        used = replace(filters, product_type=kind.product_type)
        hits = await ctx.catalog.similar_to(target, used, wide)
        if not hits and requested:  # nothing alike passes the filters: the closest look-alikes, said so
            relaxed = list(requested)
            used = kind
            hits = await ctx.catalog.similar_to(target, kind, wide)
            if not hits:
                used = SearchFilters()
                hits = await ctx.catalog.similar_to(target, used, wide)
        if needs_wider([h.article for h in hits if h.article.article_id not in colours], wide, k):
            hits = await ctx.catalog.similar_to(target, used, MAX_LOOK_ALIKES) or hits
    except NotFoundError:
        if not await ctx.catalog.get_articles([target]):
            raise  # no longer in the catalog: the reply says so
        # in the catalog but not in the search index (an empty index, an ingest with --no-index): nothing
        # alike can be found, as for any search of that index, never "no longer in our catalog"
        return ToolOutput(articles=[], observation=f"0 items similar to {target}; it is not in the search index",
                          extra={"source": target, "filters": requested, "applied": requested, "relaxed": [],
                                 "relaxed_values": {}})
    # "in blue" ("does it come in blue?" after look-alikes): the product itself in blue is what was wished for, in
    # all its colourways of that colour; other products once each
    own_code = found[0].product_code if found else ""
    hits = (distinct_hits(hits, k, keep=own_code or None) if filters.colour and not relaxed
            else other_products_first(hits, colours, k))
    observation = f"{len(hits)} items similar to {target}"
    if relaxed:
        observation += "; nothing similar matched, so these ignore " + ", ".join(relaxed)
    extra = {"source": target, "filters": requested, "applied": {} if relaxed else requested, "relaxed": relaxed,
             "relaxed_values": {key: requested[key] for key in relaxed}}
    # "does it come in black?" and it does not: said first, before the look-alikes in black
    missing = "" if relaxed else missing_version(found[0] if found else None, versions, filters.colour,
                                                 state.get("text") or "", ctx.vocab)
    if missing:
        observation += f"; {target} itself does not come in {filters.colour}, so these are look-alikes"
        extra["no_version"] = missing
    return ToolOutput(articles=[h.article for h in hits], observation=observation, extra=extra)


async def _same_product(ctx: AgentContext, article: Article | None) -> list[Article]:
    """``article``'s product in its other colours (none without a product code, or when the look-up fails: the
    look-alikes are then as the search ranks them)."""
    if article is None or not article.product_code:
        return []
    code = article.product_code
    try:
        colours = (await ctx.catalog.articles_of_products([code])).get(code) or []
    except ReclmmsError as exc:
        logger.warning("product code look-up failed: %s", describe_error(exc))
        return []
    return [a for a in colours if a.article_id != article.article_id]


def other_products_first(hits: list[SearchHit], same_product: set[str], k: int) -> list[SearchHit]:
    """The first ``k`` look-alikes that are other products, best first, one colourway of each (``distinct_hits``:
    more of their colourways only where fewer than ``k`` products look alike). "More like this" asks for other
    products that look alike, not the same product in its other colours ("does it come in blue?" asks for those):
    one of its colours, the closest, comes only last, where the others do not fill the list."""
    others = distinct_hits([h for h in hits if h.article.article_id not in same_product], k)
    own = [h for h in hits if h.article.article_id in same_product]
    return others + own[:1] if len(others) < k else others


async def _photo_look_alikes(ctx: AgentContext, filters: SearchFilters, named_kind: str | None, cheaper: bool,
                             k: int, text: str | None) -> ToolOutput:
    """Look-alikes of the photo. With a wish ("in blue", "cheaper") they keep the kind of the photo's closest
    match (a dress in blue, not anything blue) and, for "cheaper", cost less than it; when nothing of that kind
    has the wish, the look-alikes of that kind are shown and the reply says the wish could not be met. A kind
    the caption names ("a dress like this", "this but as a skirt") replaces the photo's own: products of that
    kind that look like the photo, "cheaper" then meaning below the closest of them."""
    if not await ctx.catalog.photo_search_available():  # no article images to compare the photo with
        if named_kind and text:  # "a red dress like this": the caption's words are searched, and the reply says so
            return await _caption_matches(ctx, replace(filters, product_type=named_kind), k, text)
        raise NoImageIndexError()  # "like this", "this in black?": nothing to go by, and the reply asks for words
    wished = not filters.is_empty() or cheaper
    named = SearchFilters(product_type=named_kind)
    anchor = (await ctx.catalog.search_photo(ctx.photo or b"", named, 1)) if wished else []
    match = anchor[0].article if anchor else None
    requested = filters
    if cheaper and match is not None and match.price:
        cap = just_below(float(match.price))
        requested = replace(filters, max_price=min(cap, filters.max_price) if filters.max_price else cap)
    if named_kind:
        kind = named
    else:
        kind = SearchFilters(product_type=match.product_type) if match is not None and match.product_type \
            else SearchFilters()
    pool = pool_size(k)  # one colourway per product (``distinct_hits``): a wider pool than shown
    hits = await ctx.catalog.search_photo(ctx.photo or b"", replace(requested, product_type=kind.product_type),
                                          pool, text=text)
    wanted = requested.to_dict()
    relaxed = list(wanted) if not hits and wanted else []
    if relaxed:  # nothing alike of that kind has the wished colour or price: the closest of the kind, said so
        hits = await ctx.catalog.search_photo(ctx.photo or b"", kind, pool, text=text)
    hits = distinct_hits(hits, k)
    observation = f"{len(hits)} look-alikes of the photo"
    if relaxed:
        observation += "; nothing alike matched, so these ignore " + ", ".join(relaxed)
    return ToolOutput(articles=[h.article for h in hits], observation=observation,
                      extra={"source": "photo", "filters": wanted, "applied": {} if relaxed else wanted,
                             "relaxed": relaxed, "relaxed_values": {key: wanted[key] for key in relaxed}})


async def _caption_matches(ctx: AgentContext, wanted: SearchFilters, k: int, text: str) -> ToolOutput:
    """Products matching a photo's caption that names a kind of product ("a red dress like this"), in a shop whose
    catalog has no article images: the search goes by the caption's words alone, and ``photo_words`` lets the
    reply say that these match the words, not the photo. Nothing matching them is told as for a photo alone."""
    hits = distinct_hits(await ctx.catalog.search_photo(ctx.photo or b"", wanted, pool_size(k), text=text), k)
    if not hits:
        raise NoImageIndexError()
    applied = wanted.to_dict()
    return ToolOutput(articles=[h.article for h in hits],
                      observation=f"{len(hits)} products matching the caption's words (photos cannot be compared here)",
                      extra={"source": "caption", "filters": applied, "applied": applied, "relaxed": [],
                             "relaxed_values": {}, "photo_words": True})
