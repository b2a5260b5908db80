"""Tool: personal picks for the linked customer, PALR-style.

1. The catalog's recommender builds a profile from the customer's history and gathers
   candidates (repurchase, other colours of past items, co-purchase, recent best sellers and new
   arrivals) and ranks them.
2. When a capable model is available, it picks and explains among those candidates only;
   its picks are validated against the candidate ids (anything else is ignored).
Without a linked account, or without a history, the shopper gets popular items, and so does anyone
who asks for them ("what's popular?", ``agent/popular_requests.py``); a store with no
sales (no transactions, so no best sellers) gets none, marked ``no_sales`` so the reply says so.
"""

from __future__ import annotations

import logging
import time
from typing import Any, cast

from langchain.tools import tool

from agent.context import AgentContext
from agent.popular_requests import asks_for_popular
from agent.prompts import render
from agent.tools._output import ToolOutput
from agent.tools._runtime import TurnRuntime
from catalog.models import Article
from reclmms.errors import ReclmmsError

logger = logging.getLogger(__name__)

CANDIDATES = 20


async def _llm_picks(ctx: AgentContext, history: list[Article], candidates: list[Article], k: int) -> tuple[list[str], str]:
    backend = ctx.backend
    if backend is None or not ctx.budget.usable(1.0):
        return [], ""
    ids = [a.article_id for a in candidates]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "picks": {"type": "array", "items": {"type": "string", "enum": ids}, "maxItems": k},
            "reason": {"type": "string", "maxLength": 200},
        },
        "required": ["picks"],
    }
    prompt = render(
        "recommend",
        history="\n".join(f"- {a.short}" for a in history[:10]) or "- (none)",
        candidates="\n".join(f"{a.article_id}: {a.short}" for a in candidates),
        k=k,
    )
    start = time.monotonic()
    try:
        out = await backend.complete_json([{"role": "user", "content": prompt}], schema, max_tokens=160,
                                          timeout_s=min(ctx.budget.remaining(), ctx.settings.llm.timeout_s))
    except (ReclmmsError, TimeoutError) as exc:
        ctx.budget.fail(str(exc) or type(exc).__name__)
        return [], ""
    finally:
        ctx.record.llm_seconds += time.monotonic() - start
    picks = out.get("picks") if isinstance(out, dict) else None
    valid = [p for p in dict.fromkeys(picks or []) if isinstance(p, str) and p in set(ids)]
    reason = str(out.get("reason") or "") if isinstance(out, dict) else ""
    return valid[:k], reason


async def _popular(ctx: AgentContext, k: int, why: str, *, asked: bool = False) -> ToolOutput:
    """The best sellers instead of personal picks; none at all means the store has no sales to rank by.
    ``asked``: the shopper asked for what is popular, so no account or history is missing."""
    popular = [a for a, _ in await ctx.catalog.popular(k=k)]
    extra: dict[str, Any] = {"asked": True} if asked else {}
    if not popular:
        return ToolOutput(articles=[], kind="popular", extra={"no_sales": True, **extra},
                          observation=f"{why}; no sales data yet, so no best sellers to show")
    return ToolOutput(articles=popular, kind="popular", extra=extra, observation=f"{why}; popular items")


@tool
async def recommend_for_me(runtime: TurnRuntime, k: int = 5) -> ToolOutput:
    """Personal recommendations for the shopper from their own purchase history (no arguments
    besides how many). Without a linked account it returns popular items."""
    ctx = cast(AgentContext, runtime.context)
    k = max(1, min(int(k), 10))
    if asks_for_popular((runtime.state or {}).get("text") or ""):  # "what's popular?", "best sellers": the same for all
        return await _popular(ctx, k, "asked for popular items", asked=True)
    if not ctx.customer_id:
        return await _popular(ctx, k, "no linked account")
    recs = await ctx.catalog.recommend(ctx.customer_id, None, CANDIDATES)
    candidates = [r.article for r in recs]
    if not candidates:
        return await _popular(ctx, k, "no history")
    picks: list[str] = []
    reason = ""
    if ctx.llm_rerank:
        history = [a for _, a in await ctx.catalog.purchase_history(ctx.customer_id, None, 10)]
        picks, reason = await _llm_picks(ctx, history, candidates, k)
    by_id = {a.article_id: a for a in candidates}
    chosen = [by_id[p] for p in picks]
    chosen += [a for a in candidates if a.article_id not in set(picks)][: k - len(chosen)]
    reasons = {r.article.article_id: r.reason for r in recs}
    return ToolOutput(articles=chosen, kind="recommend", observation=reason or "ranked from purchase history",
                      extra={"candidates": [a.article_id for a in candidates], "llm_picks": picks,
                             "reasons": {a.article_id: reasons.get(a.article_id, "") for a in chosen}})
