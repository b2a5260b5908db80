"""Tool: the linked customer's own purchase history (never anyone else's)."""

from __future__ import annotations

from typing import cast

from langchain.tools import ToolRuntime, tool

from agent.context import AgentContext
from agent.tools._output import ToolOutput


@tool
async def purchase_history(runtime: ToolRuntime, limit: int = 5) -> ToolOutput:
    """The shopper's own recent purchases, newest first. Takes no customer id: it always uses
    the account linked to this conversation."""
    ctx = cast(AgentContext, runtime.context)
    if not ctx.customer_id:
        return ToolOutput(kind="no_customer", observation="no customer account is linked to this conversation")
    limit = max(1, min(int(limit), 20))
    rows = await ctx.catalog.purchase_history(ctx.customer_id, None, limit)
    articles = []
    dates = []
    for purchase, article in rows:
        articles.append(article)
        dates.append(purchase.t_dat.isoformat())
    return ToolOutput(articles=articles, kind="history", observation=f"{len(articles)} recent purchases",
                      extra={"dates": dates})
