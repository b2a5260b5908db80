"""Tool: the full catalog record of products from the conversation or named by their article ids."""

from __future__ import annotations

from typing import cast

from langchain.tools import tool

from agent.context import AgentContext
from agent.intents import find_product_numbers
from agent.tools._output import ToolOutput, resolve_position
from agent.tools._runtime import TurnRuntime


@tool
async def article_details(
    runtime: TurnRuntime, position: int | None = None, article_id: str | None = None,
    article_ids: list[str] | None = None,
) -> ToolOutput:
    """Details (description, colour, type, price) of one product from the conversation: position
    is its 1-based number in the last list (-1 = the last one), or an article_id shown before."""
    ctx = cast(AgentContext, runtime.context)
    state = runtime.state or {}
    shown, grounded, text = state.get("shown") or [], state.get("grounded") or {}, state.get("text") or ""
    if article_ids:  # the shopper named them: the cards replace the shown list (``retrieval.act``)
        # product codes the shopper typed ("0512466"): all their articles
        named = set(find_product_numbers(text))
        variants = await ctx.catalog.articles_of_products([str(i) for i in article_ids
                                                           if len(str(i)) == 7 and str(i) in named])
        targets = [t for i in map(str, article_ids)
                   for t in ([a.article_id for a in variants[i]] if i in variants
                             else [resolve_position(shown, None, i, grounded, text)]) if t]
        if not targets:
            return ToolOutput(kind="error", observation="those products are not named in the conversation")
        found = await ctx.catalog.get_articles(list(dict.fromkeys(targets)))
        if not found:
            return ToolOutput(kind="error", observation="those products are not in the catalog")
        return ToolOutput(articles=found, kind="details", extra={"named": True,
                                                                 "source": found[0].article_id if len(found) == 1 else None},
                          observation="; ".join(f"{a.name}: {a.description}".strip(": ") for a in found))
    target = resolve_position(shown, position, article_id, grounded)
    if target is None:
        return ToolOutput(kind="error", observation="that product is not in the conversation",
                          extra={"position": position})
    articles = await ctx.catalog.get_articles([target])
    if not articles:
        return ToolOutput(kind="error", observation="that product is no longer in the catalog")
    a = articles[0]
    return ToolOutput(articles=articles, kind="details",
                      observation=f"{a.name}: {a.description}".strip(": "))
