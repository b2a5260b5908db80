"""Tool: the linked customer's own purchase history (never anyone else's), optionally of one time frame.

A history that cannot be read (the store file damaged, locked, an I/O error) is the outcome ``unavailable`` with
``extra["unavailable"] == "history"``: the shopper is told that their purchase history cannot be read right now,
not that product search is down, and the log has one line (for a damaged file: which, and to restore it).
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta
from typing import cast

from langchain.tools import tool

from agent.context import AgentContext
from agent.periods import PERIODS, reference_day, window
from agent.tools._output import ToolOutput
from agent.tools._runtime import TurnRuntime
from catalog.db import damaged_error
from catalog.models import Article, Purchase
from reclmms.errors import describe_error

logger = logging.getLogger(__name__)

# Rows read per distinct article wanted: a shopper who bought one tee five times still gets ``limit`` products.
ROWS_PER_ARTICLE = 4
MAX_ROWS = 200


@tool
async def purchase_history(runtime: TurnRuntime, limit: int = 5, period: str | None = None) -> ToolOutput:
    """The shopper's own recent purchases, newest first. Takes no customer id: it always uses
    the account linked to this conversation. period: only those of last_month, this_month, last_week,
    this_week, last_year or this_year."""
    ctx = cast(AgentContext, runtime.context)
    if not ctx.customer_id:
        return ToolOutput(kind="no_customer", observation="no customer account is linked to this conversation")
    limit = max(1, min(int(limit), 20))
    extra: dict[str, object] = {}
    try:
        rows = await _purchases(ctx, limit, period, extra)
    except sqlite3.Error as exc:
        path = ctx.settings.sqlite_path
        logger.error("the purchase history cannot be read: %s",
                     damaged_error(path, exc) or f"{path}: {describe_error(exc)}")
        return ToolOutput(kind="unavailable", observation="the shopper's purchase history cannot be read right now",
                          extra={"unavailable": "history"})
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
    if "since" in extra:
        observation += f" from {extra['since']} to {extra['until']}"
    return ToolOutput(articles=list(articles.values()), kind="history", observation=observation,
                      extra={"dates": [dates[i] for i in articles], "counts": [len(dates[i]) for i in articles], **extra})


async def _purchases(ctx: AgentContext, limit: int, period: str | None,
                     extra: dict[str, object]) -> list[tuple[Purchase, Article]]:
    """The purchases to show, newest first: of ``period`` when it is one (noted in ``extra``), else the latest."""
    assert ctx.customer_id
    if period not in PERIODS:
        return await ctx.catalog.purchase_history(ctx.customer_id, None, min(MAX_ROWS, limit * ROWS_PER_ARTICLE))
    newest = await ctx.catalog.purchase_history(ctx.customer_id, None, 1)
    since, until = window(str(period), reference_day(newest[0][0].t_dat if newest else None))
    # the period's purchases only: read up to its last day, drop those before its first
    rows = [row for row in await ctx.catalog.purchase_history(ctx.customer_id, until + timedelta(days=1), MAX_ROWS)
            if row[0].t_dat >= since]
    extra.update(period=period, since=since.isoformat(), until=until.isoformat(), period_empty=not rows)
    return rows
