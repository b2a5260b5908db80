"""The ``route`` node: what does this message ask for, and which tool call answers it?

Deterministic first (language detection, rules in ``intents``, vocabulary matching in the
text, ordinals against the shown products); the model fills a JSON-schema intent only when
no rule fires and the text names nothing from the catalog. The model's values are validated:
unknown intents are ignored, attribute values go through the vocabulary mapper, and prices
are accepted only when the message contains a number.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any

from langgraph.runtime import Runtime

from agent.context import AgentContext
from agent.intents import INTENTS, Classification, classify
from agent.prompts import render
from agent.state import ConversationState
from reclmms.errors import ReclmmsError

logger = logging.getLogger(__name__)

NO_TOOL_INTENTS = ("greeting", "thanks", "help", "refused", "empty")
# The model decides an intent only when no rule fired; the default search runs meanwhile, and the
# model gets at most this long, so that results stay within ~1 s: a GPU server (vLLM) answers in time,
# a 1.5B model on 2 CPU cores (2.7-4.2 s a call) does not, and the turn keeps the default search.
INTENT_TIMEOUT_S = 1.0

INTENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "intent": {"type": "string", "enum": list(INTENTS)},
        "query": {"type": "string", "maxLength": 80},
        "colour": {"type": ["string", "null"]},
        "product_type": {"type": ["string", "null"]},
        "index_group": {"type": ["string", "null"]},
        "max_price": {"type": ["number", "null"]},
        "min_price": {"type": ["number", "null"]},
    },
    "required": ["intent"],
}


async def _llm_intent(ctx: AgentContext, text: str, shown: list[dict[str, Any]]) -> dict[str, Any] | None:
    backend = ctx.backend
    if backend is None or not ctx.budget.usable(1.0):
        return None
    listing = "\n".join(f"{i}. {s['name']} ({s.get('colour', '')} {s.get('product_type', '')})"
                        for i, s in enumerate(shown, 1)) or "(none)"
    messages = [{"role": "user", "content": render("intent", shown=listing, text=text[:500])}]
    start = time.monotonic()
    try:
        limit = min(ctx.budget.remaining(), ctx.settings.llm.timeout_s, INTENT_TIMEOUT_S)
        async with asyncio.timeout(limit + 0.2):
            out = await backend.complete_json(messages, INTENT_SCHEMA, max_tokens=96, timeout_s=limit)
    except TimeoutError:
        logger.info("intent model too slow; using the default search")
        return None  # slow is not broken: the reply may still use the model
    except ReclmmsError as exc:
        if "within" in str(exc) or "timed out" in str(exc):
            return None
        logger.info("intent model failed: %s", exc)
        ctx.budget.fail(str(exc) or type(exc).__name__)
        return None
    except Exception as exc:  # a backend bug must not end the turn
        logger.warning("intent model raised %s", exc, exc_info=True)
        ctx.budget.fail(type(exc).__name__)
        return None
    finally:
        ctx.record.llm_seconds += time.monotonic() - start
    if not isinstance(out, dict) or out.get("intent") not in INTENTS:
        logger.info("intent model gave an invalid object: %r", out)
        return None
    return out


async def route(state: ConversationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    ctx = runtime.context
    text = (state.get("text") or "").strip()
    previous = state.get("language") or ctx.language_hint or "en"
    language = ctx.languages.detect(text, fallback=previous) if text else previous
    ctx.record.language = language
    shown = state.get("shown") or []
    if not text and not ctx.photo:
        return _decided(ctx, "empty", {}, language)

    colour = ctx.vocab.find_in_text("colour", text, language)
    ptype = ctx.vocab.find_in_text("product_type", text, language)
    group = ctx.vocab.find_in_text("index_group", text, language)
    c = classify(text, has_shown=bool(shown), has_photo=bool(ctx.photo), has_type=bool(ptype), has_colour=bool(colour))
    ctx.record.route = "rules"
    if c.foreign_customer:
        return _decided(ctx, "refused", {}, language)
    intent = c.intent
    slots: dict[str, Any] = {"colour": colour, "product_type": ptype, "index_group": group}
    if intent is None and not (colour or ptype) and text and ctx.backend is not None and ctx.budget.usable(1.0):
        default = _plan(ctx, "search", text, c, slots, state)
        ctx.record.speculative = (default, asyncio.create_task(speculate(default, state, runtime)))
        out = await _llm_intent(ctx, text, shown)
        if out is not None:
            ctx.record.route = "llm"
            intent = out["intent"]
            has_number = bool(re.search(r"\d", text))
            for key in ("colour", "product_type", "index_group"):
                slots[key] = slots[key] or await ctx.vocab.map_value(key, out.get(key))
            if has_number:
                c.max_price = c.max_price or _number(out.get("max_price"))
                c.min_price = c.min_price or _number(out.get("min_price"))
            if intent in ("similar", "refine", "details") and not shown:
                intent = "search"
    if intent is None:
        ctx.record.route = ctx.record.route if ctx.record.route == "llm" else "default"
        intent = "search"
    plan = _plan(ctx, intent, text, c, slots, state)
    return _decided(ctx, intent, plan, language)


async def speculate(plan: dict[str, Any], state: ConversationState, runtime: Runtime[AgentContext]) -> Any:
    from agent.retrieval import invoke_tool

    return await invoke_tool(plan["tool"], dict(plan["args"]), state, runtime,
                             max(1.0, float(runtime.context.settings.agent.turn_timeout_s) / 2))


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 else None


def _decided(ctx: AgentContext, intent: str, plan: dict[str, Any], language: str) -> dict[str, Any]:
    ctx.record.intent = intent
    return {"intent": intent, "plan": plan, "language": language}


def _plan(ctx: AgentContext, intent: str, text: str, c: Classification, slots: dict[str, Any],
          state: ConversationState) -> dict[str, Any]:
    k = ctx.max_products
    shown = state.get("shown") or []
    position = None if c.ordinal is None else (c.ordinal + 1 if c.ordinal >= 0 else -1)
    if intent in NO_TOOL_INTENTS:
        return {}
    if intent == "history":
        return {"tool": "purchase_history", "args": {"limit": k}}
    if intent == "recommend":
        return {"tool": "recommend_for_me", "args": {"k": k}}
    if intent == "details":
        return {"tool": "article_details", "args": {"position": position or 1}}
    if intent == "similar":
        args: dict[str, Any] = {"k": k, "colour": slots["colour"], "max_price": c.max_price}
        if ctx.photo:
            args["use_photo"] = True
        else:
            args["position"] = position or 1
        return {"tool": "find_similar", "args": _clean(args)}
    if intent == "refine" and shown:
        return _refine(text, c, slots, state, k)
    # The catalog's own words for what the text names, in every language, so that "红色连衣裙" and
    # "red dress" embed close together.
    named = [v for v in (slots["colour"], slots["product_type"]) if v]
    query = f"{text} ({' '.join(named)})" if named and not ctx.photo else text
    args = {"query": query, "k": k, "colour": slots["colour"], "product_type": slots["product_type"],
            "index_group": slots["index_group"], "max_price": c.max_price, "min_price": c.min_price}
    return {"tool": "search_catalog", "args": _clean(args)}


def _refine(text: str, c: Classification, slots: dict[str, Any], state: ConversationState, k: int) -> dict[str, Any]:
    """Redo what produced the shown list ("cheaper", "in blue", "under 30") with changed filters."""
    shown = state.get("shown") or []
    origin = state.get("shown_from") or {}
    last = state.get("last_search")
    changes: dict[str, Any] = {}
    plan: dict[str, Any] = {}
    if slots["colour"]:
        changes["colour"] = slots["colour"]
    if c.max_price is not None:
        changes["max_price"] = c.max_price
    elif c.cheaper:
        prices = [float(s["price"]) for s in shown if isinstance(s.get("price"), int | float)]
        if prices:
            changes["max_price"] = min(prices) * 0.999
            plan["fallback_max_price"] = sum(prices) / len(prices)
    plan["shown_ids"] = [s["article_id"] for s in shown] if c.cheaper or c.more else []
    if c.more:
        k = min(10, k + len(shown))  # fetch past the shown ones
    if origin.get("tool") == "find_similar" and origin.get("source"):
        plan.update(tool="find_similar", args=_clean({"article_id": origin["source"], "k": k,
                                                       "colour": changes.get("colour"),
                                                       "max_price": changes.get("max_price")}))
        return plan
    if origin.get("tool") == "search_catalog" and last:
        query, filters = last.get("query") or text, dict(last.get("filters") or {})
    else:  # history, recommendations or a photo: search for more of the same kind
        query = shown[0].get("product_type") or shown[0]["name"]
        filters = {}
    filters.update(changes)
    if c.min_price is not None:
        filters["min_price"] = c.min_price
    plan.update(tool="search_catalog", args=_clean({"query": query, **filters, "k": k}))
    return plan


def _clean(args: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in args.items() if v is not None}
