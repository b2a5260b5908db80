"""Tool: the linked customer's own purchase history (never anyone else's)."""

from __future__ import annotations

from typing import cast

from langchain.tools import tool

from agent.context import AgentContext
from agent.tools._output import ToolOutput
from agent.tools._runtime import TurnRuntime
from catalog.models import Article

# Rows read per distinct article wanted: a shopper who bought one tee five times still gets ``limit`` products.
ROWS_PER_ARTICLE = 4
MAX_ROWS = 200


@tool
async def purchase_history(runtime: TurnRuntime, limit: int = 5) -> ToolOutput:
    """The shopper's own recent purchases, newest first. Takes no customer id: it always uses
    the account linked to this conversation."""
    ctx = cast(AgentContext, runtime.context)
    if not ctx.customer_id:
        return ToolOutput(kind="no_customer", observation="no customer account is linked to this conversation")
    limit = max(1, min(int(limit), 20))
    rows = await ctx.catalog.purchase_history(ctx.customer_id, None, min(MAX_ROWS, limit * ROWS_PER_ARTICLE))
    # one card per article, in the order of its latest purchase, with every date it was bought on
    articles: dict[str, Article] = {}
    dates: dict[str, list[str]] = {}
    for purchase, article in rows:
        if article.article_id not in articles and len(articles) >= limit:
            continue
        articles.setdefault(article.article_id, article)
        dates.setdefault(article.article_id, []).append(purchase.t_dat.isoformat())
    repeats = sum(len(d) > 1 for d in dates.values())
    observation = f"{len(articles)} recent purchases" + (f" ({repeats} bought more than once)" if repeats else "")
    return ToolOutput(articles=list(articles.values()), kind="history", observation=observation,
                      extra={"dates": [dates[i] for i in articles], "counts": [len(dates[i]) for i in articles]})
