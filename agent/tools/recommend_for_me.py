"""Tool: personal picks for the linked customer, PALR-style.

1. The catalog's recommender builds a profile from the customer's history and gathers
   candidates (repurchase, other colours of past items, co-purchase, recent best sellers and new
   arrivals) and ranks them.
2. When a capable model is available, it picks and explains among those candidates only;
   its picks are validated against the candidate ids (anything else is ignored).
In the conversation, the picks are things the shopper has not bought and was not just shown: the recommender
ranks repurchases first (right for the offline evaluation, where a re-buy is a hit), but "recommend something for
me" right after "what did I buy?" must not list the same articles again. Like every list shown, the picks hold one
colourway of each product (``distinct_products``), other colourways only filling a list that has too few. Re-buys stay in when the shopper asks for
them ("again", "re-order", "nochmal", ``asks_to_rebuy``), and fill the list only when nothing else is left.
Without a linked account, or without a history, the shopper gets popular items, and so does anyone
who asks for them ("what's popular?", ``agent/popular_requests.py``), of the kind, colour and index group
the request names ("best sellers for men", "popular women's dresses"); a store with no
sales (no transactions, so no best sellers) gets none, marked ``no_sales`` so the reply says so.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any, cast

from langchain.tools import tool

from agent.context import AgentContext
from agent.popular_requests import asks_for_popular
from agent.prompts import render
from agent.tools._output import ToolOutput
from agent.tools._runtime import TurnRuntime
from agent.tools.best_sellers import article_matches, best_sellers
from agent.tools.distinct_products import distinct_articles
from agent.tools.search_catalog import relaxations
from catalog.models import Article
from reclmms.errors import ReclmmsError

logger = logging.getLogger(__name__)

CANDIDATES = 20
# a pool larger than the candidates the model picks from: the customer's own purchases are then set aside
POOL = 40
HISTORY = 200
# "order it again", "re-order", "nochmal", "再买", "ещё раз": the shopper wants what they bought before
_REBUY = re.compile(
    r"(?<![^\W\d_])(?:again|re-?order\w*|re-?buy\w*|re-?stock|once more|nochmal|noch ?einmal|wieder|nachkaufen|"
    r"de nuevo|otra vez|volver a comprar|encore|à nouveau|de nouveau|racheter|снова|ещё раз|еще раз|опять|повторить|"
    r"di nuovo|ancora|ricomprare|de novo|novamente|opnieuw|nogmaals|igen|en gång till|tekrar|yine|ponownie|znowu|"
    r"jeszcze raz)(?![^\W\d_])|再买|再来|回购|复购|再次购买|もう一度|また買|리오더|다시|फिर से|दोबारा|مرة أخرى|مجددا",
    re.IGNORECASE,
)


def asks_to_rebuy(text: str) -> bool:
    """Whether the shopper asks for things they bought before ("the same again", "nochmal bestellen")."""
    return bool(_REBUY.search(text or ""))


def fresh_first(candidates: list[Article], bought: set[str], shown: set[str], rebuy: bool) -> list[Article]:
    """``candidates`` in their ranked order, those the shopper has not bought (unless ``rebuy``) and was not just
    shown first; the bought ones, then the shown ones, only after them."""
    def rank(a: Article) -> int:
        return 2 if a.article_id in shown else 1 if a.article_id in bought and not rebuy else 0

    return sorted(candidates, key=rank)  # stable: the recommender's order within each group


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


async def _popular(ctx: AgentContext, k: int, why: str, *, asked: bool = False,
                   filters: dict[str, str] | None = None) -> ToolOutput:
    """The best sellers instead of personal picks; none at all means the store has no sales to rank by.
    ``asked``: the shopper asked for what is popular, so no account or history is missing. ``filters`` (the kind,
    colour and index group a request named: "best sellers for men", "popular women's dresses") keep the best
    sellers that match them, in the store's order; when none sold, the least important ones are dropped, as a
    search drops them (``search_catalog.relaxations``), and the reply says so."""
    wanted = filters or {}
    applied, relaxed = wanted, []
    popular = await best_sellers(ctx.catalog, wanted, k)
    if not popular and wanted:
        for drop in relaxations(wanted):
            loose = {key: value for key, value in wanted.items() if key not in drop}
            popular = await best_sellers(ctx.catalog, loose, k)
            if popular:
                applied, relaxed = loose, drop
                break
    extra: dict[str, Any] = {"asked": True} if asked else {}
    if wanted:
        extra.update(filters=dict(wanted), applied=dict(applied), relaxed=relaxed,
                     relaxed_values={key: wanted[key] for key in relaxed})
    if not popular:
        return ToolOutput(articles=[], kind="popular", extra={"no_sales": True, **extra},
                          observation=f"{why}; no sales data yet, so no best sellers to show")
    observation = f"{why}; popular items"
    if applied:
        observation += " (" + ", ".join(f"{key}={value}" for key, value in applied.items()) + ")"
    if relaxed:
        observation += "; none sold of every filter, so these ignore " + ", ".join(relaxed)
    return ToolOutput(articles=popular, kind="popular", extra=extra, observation=observation)


@tool
async def recommend_for_me(runtime: TurnRuntime, k: int = 5, product_type: str | None = None,
                           colour: str | None = None, index_group: str | None = None,
                           max_price: float | None = None, popular: bool = False) -> ToolOutput:
    """Personal recommendations for the shopper from their own purchase history. Without a linked
    account it returns popular items. product_type, colour and index_group narrow the popular items
    the shopper asked for ("best sellers for men", "popular black dresses"); max_price and colour narrow
    either ("cheaper ones", "in blue" after them). popular: the popular items even for a linked account."""
    ctx = cast(AgentContext, runtime.context)
    k = max(1, min(int(k), 10))
    # the catalog's own values for the filters given (values it has none of are left out)
    mapped, _ = await ctx.vocab.map_values({"product_type": product_type, "colour": colour, "index_group": index_group})
    filters: dict[str, Any] = dict(mapped)
    if max_price is not None:
        filters["max_price"] = float(max_price)
    if popular or asks_for_popular((runtime.state or {}).get("text") or ""):  # "what's popular?": the same for all
        return await _popular(ctx, k, "asked for popular items", asked=True, filters=filters)
    if not ctx.customer_id:
        return await _popular(ctx, k, "no linked account", filters=filters)
    state = runtime.state or {}
    recs = await ctx.catalog.recommend(ctx.customer_id, None, POOL)
    if not recs:
        return await _popular(ctx, k, "no history", filters=filters)
    purchases = [a for _, a in await ctx.catalog.purchase_history(ctx.customer_id, None, HISTORY)]
    bought = {a.article_id for a in purchases}
    shown = {str(item.get("article_id")) for item in state.get("shown") or () if isinstance(item, dict)}
    rebuy = asks_to_rebuy(state.get("text") or "")
    # "cheaper ones", "in blue" after the picks: the picks that match, none when none does
    ranked = [r.article for r in recs if article_matches(r.article, filters)]
    # one colourway of each product: two of the same dress look alike in a list (other colourways only fill it)
    candidates = distinct_articles(fresh_first(ranked, bought, shown, rebuy), CANDIDATES)
    picks: list[str] = []
    reason = ""
    if ctx.llm_rerank:
        # the model picks among the fresh ones; bought or just-shown ones only fill up the list after its picks
        fresh = [a for a in candidates if a.article_id not in shown and (rebuy or a.article_id not in bought)]
        picks, reason = await _llm_picks(ctx, purchases[:10], fresh or candidates, k)
    by_id = {a.article_id: a for a in candidates}
    chosen = [by_id[p] for p in picks]
    chosen += [a for a in candidates if a.article_id not in set(picks)][: k - len(chosen)]
    reasons = {r.article.article_id: r.reason for r in recs}
    again = sum(a.article_id in bought for a in chosen)
    observation = reason or "ranked from purchase history"
    if filters:
        observation += " (" + ", ".join(f"{key}={value}" for key, value in filters.items()) + ")"
    if again and not rebuy:
        observation += f"; {again} of them bought before (nothing new left)"
    return ToolOutput(articles=chosen, kind="recommend", observation=observation,
                      extra={"candidates": [a.article_id for a in candidates], "llm_picks": picks,
                             "reasons": {a.article_id: reasons.get(a.article_id, "") for a in chosen},
                             **({"filters": filters} if filters else {})})
