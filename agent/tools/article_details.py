"""Tool: the full catalog record of one product already shown."""

from __future__ import annotations

from typing import cast

from langchain.tools import ToolRuntime, tool

from agent.context import AgentContext
from agent.tools._output import ToolOutput, resolve_position


@tool
async def article_details(
    runtime: ToolRuntime, position: int | None = None, article_id: str | None = None
) -> ToolOutput:
    """Details (description, colour, type, price) of one product from the conversation: position
    is its 1-based number in the last list (-1 = the last one), or an article_id shown before."""
    ctx = cast(AgentContext, runtime.context)
    state = runtime.state or {}
    target = resolve_position(state.get("shown") or [], position, article_id, state.get("grounded") or {})
    if target is None:
        return ToolOutput(kind="error", observation="that product is not in the conversation",
                          extra={"position": position})
    articles = await ctx.catalog.get_articles([target])
    if not articles:
        return ToolOutput(kind="error", observation="that product is no longer in the catalog")
    a = articles[0]
    return ToolOutput(articles=articles, kind="details",
                      observation=f"{a.name}: {a.description}".strip(": "))
