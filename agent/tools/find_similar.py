"""Tool: products that look like the shopper's photo or like a product already shown."""

from __future__ import annotations

from typing import cast

from langchain.tools import ToolRuntime, tool

from agent.context import AgentContext
from agent.tools._output import ToolOutput, resolve_position
from agent.tools._query import clip_query
from catalog.models import SearchFilters


@tool
async def find_similar(
    runtime: ToolRuntime,
    position: int | None = None,
    article_id: str | None = None,
    use_photo: bool = False,
    colour: str | None = None,
    max_price: float | None = None,
    k: int = 5,
) -> ToolOutput:
    """Find products similar to the shopper's photo (use_photo=true) or to a product already
    shown: position is its 1-based number in the last list (-1 = the last one). Optional
    colour and max_price narrow the results ("more like the second one but in blue")."""
    ctx = cast(AgentContext, runtime.context)
    state = runtime.state or {}
    mapped_colour = await ctx.vocab.map_value("colour", colour) if colour else None
    filters = SearchFilters(colour=mapped_colour,
                            max_price=float(max_price) if isinstance(max_price, int | float) and max_price > 0 else None)
    k = max(1, min(int(k), 10))
    if use_photo:
        if not ctx.photo:
            return ToolOutput(kind="error", observation="no photo was sent")
        text = clip_query(state.get("text") or "") or None
        hits = await ctx.catalog.search_photo(ctx.photo, filters, k, text=text)
        return ToolOutput(articles=[h.article for h in hits], observation=f"{len(hits)} look-alikes of the photo",
                          extra={"source": "photo", "filters": filters.to_dict()})
    target = resolve_position(state.get("shown") or [], position, article_id, state.get("grounded") or {})
    if target is None:
        return ToolOutput(kind="error", observation="that product is not in the conversation",
                          extra={"position": position})
    hits = await ctx.catalog.similar_to(target, filters, k)
    requested = filters.to_dict()
    relaxed: list[str] = []
    if not hits and requested:  # nothing alike passes the filters: the closest look-alikes, and the reply says so
        relaxed = list(requested)
        hits = await ctx.catalog.similar_to(target, SearchFilters(), k)
    observation = f"{len(hits)} items similar to {target}"
    if relaxed:
        observation += "; nothing similar matched, so these ignore " + ", ".join(relaxed)
    return ToolOutput(articles=[h.article for h in hits], observation=observation,
                      extra={"source": target, "filters": requested, "applied": {} if relaxed else requested,
                             "relaxed": relaxed, "relaxed_values": {key: requested[key] for key in relaxed}})
