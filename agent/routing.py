"""The ``route`` node: what does this message ask for, and which tool call answers it?

Deterministic first (language detection, rules in ``intents``, vocabulary matching in the
text, ordinals against the shown products, requests for things the shop does not sell in ``scope``); the model picks one of the agent's tools
(``backend.choose_tool``: native tool calls or the JSON protocol, whichever the backend uses)
only when no rule fires and the text names nothing from the catalog. The chosen tool maps
back to an intent, and its arguments are validated like any model output: attribute values go
through the vocabulary mapper, prices are accepted only when the message contains a number,
positions only when products were shown, and the customer always comes from the session.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any

from langgraph.runtime import Runtime

from agent.context import AgentContext
from agent.emoji_words import says_nothing, with_emoji_words
from agent.focus import focus_index
from agent.garments import absent_type
from agent.intents import (
    Classification,
    classify,
    find_product_numbers,
    own_words,
    wants_look_alikes,
    without_article_ids,
)
from agent.negation import said_no_to
from agent.ordinals import is_ordinal_word
from agent.outfits import asks_what_goes_with, outfit_plan
from agent.periods import find_period
from agent.popular_requests import asks_for_popular
from agent.prices import just_below, price_bounds
from agent.prompts import render
from agent.refine_plan import clean_args
from agent.refine_plan import refine_plan as _refine
from agent.scope import catalog_object, unsold_object
from agent.spelling import corrected
from agent.state import ConversationState, remember
from agent.tool_specs import router_tool_specs
from agent.tools._query import MAX_QUERY_CHARS, clip_query
from reclmms.errors import ReclmmsError, describe_error

logger = logging.getLogger(__name__)
# "top 10", "top-5": the best ones, not the product type Top
_TOP_N = re.compile(r"\btop[\s-]*\d+\b", re.IGNORECASE)

NO_TOOL_INTENTS = ("greeting", "thanks", "help", "refused", "empty", "nothing_shown", "not_sold", "no_article")
# The model decides an intent only when no rule fired; the default search runs meanwhile, and the
# model gets at most this long, so that results stay within 1 s (the wait, then the plan and the first
# event): a GPU server (vLLM) answers in time, a 1.5B model on 2 CPU cores (2.7-4.2 s a call) does not,
# and the turn keeps the default search. At 1.0 s, such turns gave their results at 1.01-1.2 s.
INTENT_TIMEOUT_S = 0.8

# The tool the model chose -> the intent the router plans with (the plan is rebuilt from the text, rules
# and validated slots, never taken from the model's arguments as they are).
TOOL_INTENTS = {"search_catalog": "search", "find_similar": "similar", "purchase_history": "history",
                "recommend_for_me": "recommend", "article_details": "details"}
# No tool: the rules already answered greetings, thanks and help, so a message that reaches the model is
# most likely a request in words the vocabulary lacks ("something for a wedding"); the small models
# also answer "no tool" for plain searches now and then. Showing the default search's products fails
# better than a help text without any.
NO_TOOL_INTENT = "search"
_NEED_SHOWN = ("find_similar", "article_details")
# intents that are about no product, even in an answer to a product's card
_NOT_ABOUT = ("history", "help", "greeting", "thanks", "recommend", "refused")


def route_tools(shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tools the model may pick now: "similar" and "details" only once products were shown.

    Offered with nothing shown, the 1.5B model picked article_details(position=-1) for plain
    searches (bench/RESULTS.md); a tool that cannot work is better not offered.
    """
    tools = router_tool_specs()
    return tools if shown else [t for t in tools if t["function"]["name"] not in _NEED_SHOWN]


def route_messages(text: str, shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The model's view of one routing decision: a fixed system prompt (a stable, cacheable prefix) and the turn."""
    listing = "\n".join(f"{i}. {s['name']} ({s.get('colour', '')} {s.get('product_type', '')})"
                        for i, s in enumerate(shown, 1)) or "(none)"
    return [{"role": "system", "content": render("route_system")},
            {"role": "user", "content": render("route", shown=listing, text=text[:500])}]


def intent_from_tool(name: str | None, arguments: dict[str, Any], shown: list[dict[str, Any]]) -> dict[str, Any]:
    """The intent and raw slots a tool choice stands for; ``route`` validates the slots."""
    if name is None:
        return {"intent": NO_TOOL_INTENT}
    out: dict[str, Any] = {"intent": TOOL_INTENTS[name]}
    slots = {"search_catalog": ("colour", "product_type", "index_group", "max_price", "min_price"),
             "find_similar": ("colour", "max_price")}.get(name, ())
    out.update({key: arguments.get(key) for key in slots})
    if name in ("find_similar", "article_details"):
        out["ordinal"] = _ordinal(arguments.get("position"), shown)
    return out


def _ordinal(position: Any, shown: list[dict[str, Any]]) -> int | None:
    """A 1-based position (or -1, the last) the model named, as a 0-based ordinal, if it is in the shown list."""
    if not isinstance(position, int) or isinstance(position, bool) or not shown:
        return None
    if position == -1:
        return -1
    return position - 1 if 1 <= position <= len(shown) else None


async def _llm_intent(ctx: AgentContext, text: str, shown: list[dict[str, Any]]) -> dict[str, Any] | None:
    backend = ctx.backend
    if backend is None or not ctx.budget.usable(1.0):
        return None
    start = time.monotonic()
    try:
        limit = min(ctx.budget.remaining(), ctx.settings.llm.timeout_s, INTENT_TIMEOUT_S)
        async with asyncio.timeout(limit + 0.05):
            choice = await backend.choose_tool(route_messages(text, shown), route_tools(shown), max_tokens=96,
                                               timeout_s=limit)
    except TimeoutError:
        logger.info("intent model too slow; using the default search")
        return None  # slow is not broken: the reply may still use the model
    except ReclmmsError as exc:
        if "within" in str(exc) or "timed out" in str(exc):
            return None
        logger.info("intent model failed: %s", describe_error(exc))
        ctx.budget.fail(describe_error(exc))
        return None
    except Exception as exc:  # a backend bug must not end the turn
        logger.warning("intent model raised %s", describe_error(exc), exc_info=True)
        ctx.budget.fail(type(exc).__name__)
        return None
    finally:
        ctx.record.llm_seconds += time.monotonic() - start
    name = getattr(choice, "name", "?")
    if name is not None and name not in TOOL_INTENTS:  # a backend that skipped the check
        logger.info("intent model chose an unknown tool: %r", name)
        return None
    ctx.record.tool_path = str(getattr(choice, "path", ""))
    logger.debug("model chose %s by the %s path", name or "no tool", ctx.record.tool_path)
    return intent_from_tool(name, dict(getattr(choice, "arguments", None) or {}), shown)


async def route(state: ConversationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    ctx = runtime.context
    text = (state.get("text") or "").strip()
    # the text's own language when the detector is sure; else the client's hint, the conversation's, English
    language = ctx.languages.reply_language(text, hint=ctx.language_hint, previous=state.get("language"))
    ctx.record.language = language
    shown = state.get("shown") or []
    text = with_emoji_words(text)  # "👗": a dress
    if says_nothing(text) and not ctx.photo:  # "", "😀", "a"
        return _decided(ctx, "empty", {}, language)
    # "blak hodie": a black hoodie (the words of the catalog's colours, kinds and audiences, misspelt)
    known, english = ctx.vocab.spelling_words()
    text = await asyncio.to_thread(corrected, text, known, language, english)

    colour = await ctx.vocab.find("colour", text, language)
    if colour and said_no_to(text, ctx.vocab.surface_forms("colour", colour)):
        colour = None  # "a dress but not black": no black filter (the search has no way to exclude one)
    ptype = await ctx.vocab.find("product_type", _TOP_N.sub(" ", text), language)  # "top 10 dresses": no Top
    group = ctx.vocab.find_in_text("index_group", text, language)
    names_product = bool(_product_words(ctx, text, colour))
    c = classify(text, has_shown=bool(shown), has_photo=bool(ctx.photo), has_type=bool(ptype), has_colour=bool(colour),
                 names_product=names_product)
    ctx.record.route = "rules"
    if c.implied:  # "how much is it?" after "tell me about the second one": the second one
        c.ordinal = focus_index(state)
    if c.foreign_customer:
        return _decided(ctx, "refused", {}, language)
    if asks_what_goes_with(text) and not ctx.photo:  # "what goes with the second one?", "... my last purchase"
        outfit = await outfit_plan(ctx, text, c.ordinal, state, runtime, names_kind=bool(ptype),
                                   focus=focus_index(state))
        if outfit:
            ctx.record.route = "outfit"
            return {**_decided(ctx, "search", outfit["plan"], language), "grounded": outfit["grounded"]}
    numbers = [] if ctx.photo else find_product_numbers(text)
    if not numbers and ctx.about and not ctx.photo and not (ptype or group) and c.intent not in _NOT_ABOUT:
        numbers = [ctx.about]  # an answer to a product's card ("more like this one", "in black?"): that product
    if numbers:  # "0512466002", "tell me about [0512466002]", "more like 512466002", "0512466": never a search
        return await _named_articles(ctx, text, numbers, colour, c.cheaper, state, language)
    intent = c.intent
    if intent in (None, "search") and not ctx.photo and c.ordinal is None:
        # the first kind of clothing the message names is one the catalog has none of ("socks", "a belt for
        # my jeans"): the closest products, said so first
        ctx.record.absent = absent_type(ctx.vocab, text, ctx.catalog_words) or ""
        if ctx.record.absent:
            intent, ptype = "search", None
    if (intent in (None, "recommend") or "subject" in c.signals) and not (colour or ptype or group or ctx.photo) \
            and c.ordinal is None:
        unsold = await unsold_object(ctx, text, language)  # "recommend an iPhone" in a fashion shop
        if unsold:
            ctx.record.unsold = unsold
            return _decided(ctx, "not_sold", {}, language)
        if sold := catalog_object(ctx, text, language):  # "recommend an iPhone" where iPhone cases are sold
            text, intent = sold, "search"
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
            if c.ordinal is None:
                c.ordinal = out.get("ordinal")
            if intent in ("similar", "refine", "details") and not shown or intent == "refine" and names_product:
                intent = "search"
    if intent is None:
        ctx.record.route = ctx.record.route if ctx.record.route == "llm" else "default"
        intent = "search"
    # what the message named: the prose may not call products that are none of it so (``notes.missing_values``)
    ctx.record.requested = {key: slots[key] for key in ("colour", "product_type") if slots[key]}
    plan = _plan(ctx, intent, text, c, slots, state)
    if intent == "details" and c.other_colours and isinstance((plan.get("args") or {}).get("position"), int):
        other = await _other_colours(ctx, state, plan["args"]["position"])
        if other:
            return {**_decided(ctx, intent, other["plan"], language), "grounded": other["grounded"]}
    if not plan and ctx.record.speculative is not None:  # small talk after all: the default search is not needed
        ctx.record.speculative[1].cancel()
        ctx.record.speculative = None
    return _decided(ctx, intent, plan, language)


async def speculate(plan: dict[str, Any], state: ConversationState, runtime: Runtime[AgentContext]) -> Any:
    from agent.retrieval import invoke_tool

    return await invoke_tool(plan["tool"], dict(plan["args"]), state, runtime,
                             max(1.0, float(runtime.context.settings.agent.turn_timeout_s) / 2))


def _product_words(ctx: AgentContext, text: str, colour: str | None) -> list[str]:
    """The words of ``text`` that may name a product of its own: no refinement word, colour or audience
    ("cardigan" in "cardigan in beige", none in "the same in black", "azules" or "más barato que el primero")."""
    forms = ctx.vocab.surface_forms("colour", colour) if colour else set()
    return [w for w in own_words(text) if w not in forms and not is_ordinal_word(w)  # "el primero": a position
            and not any(ctx.vocab.exact(f, w) for f in ("colour", "index_group"))]


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 else None


async def _named_articles(ctx: AgentContext, text: str, numbers: list[str], colour: str | None, cheaper: bool,
                          state: ConversationState, language: str) -> dict[str, Any]:
    """A message that names catalog article ids or product codes (``find_product_numbers``): the cards of the
    articles the catalog has (a code's in all colours, or in the colour named: "0512466 in blue"; up to the
    card limit), or look-alikes of the first one ("more like 0512466002", "0512466002 in blue", "cheaper than
    0512466002"). Numbers the catalog lacks are said so (the plan's ``unknown_ids``), never answered with other
    products. The named articles count as grounded from now on, so a follow-up ("cheaper") can go back to them."""
    k = ctx.max_products
    ids, codes = [n for n in numbers if len(n) == 10][: 2 * k], [n for n in numbers if len(n) == 7][:k]
    try:
        found: dict[str, Any] | None = {a.article_id: a for a in await ctx.catalog.get_articles(ids)}
        variants = await ctx.catalog.articles_of_products(codes)
    except Exception as exc:  # the tool looks them up again and reports the failure as for any turn
        logger.warning("article look-up failed: %s", describe_error(exc))
        found, variants = None, {}
    if found is None:
        known, unknown = [n for n in numbers if n in ids or n in codes][:k], []
    else:
        known = list(dict.fromkeys(i for n in numbers
                                   for i in ([n] if n in found else [a.article_id for a in variants.get(n, ())])))
        looked_up = {*ids, *codes}  # numbers past the look-up's limit are neither known nor unknown
        unknown = [n for n in numbers if n not in found and not variants.get(n)
                   and (n in looked_up or len(n) not in (7, 10))][:k]
        found.update({a.article_id: a for articles in variants.values() for a in articles})
    extra: dict[str, Any] = {"unknown_ids": unknown} if unknown else {}
    update = {"grounded": remember(state.get("grounded"), list(found.values()))} if found else {}
    # those in the colour named ("0512466 in blue": that colour of the product; a pasted card line names its own)
    coloured = [i for i in known if colour and found and i in found
                and colour.lower() in {v.lower() for v in (found[i].colour, found[i].colour_master) if v}]
    known = (coloured or known)[:k]
    if not known:
        return {**_decided(ctx, "no_article", extra, language), **update}
    first = (found or {}).get(known[0])
    other_colour = colour if colour and not coloured else None
    max_price, _ = price_bounds(without_article_ids(text))  # "under 30", never the id ("cheaper than 0512466002")
    if other_colour and first and not (wants_look_alikes(text) or cheaper or max_price is not None):
        # "0512466 in blue?" with no blue one: said so, with the colours the product does come in
        colours = await _product_colours(ctx, first)
        if len(colours) > 1:
            forms = sorted(ctx.vocab.surface_forms("colour", other_colour), key=len, reverse=True)
            said = next((f for f in forms if f in text.lower()), other_colour.lower())
            ctx.record.absent, ctx.record.requested = f"{first.product_code} ({said})", {"colour": other_colour}
            update = {"grounded": remember(state.get("grounded"), colours)}
            plan = {"tool": "article_details", "args": {"article_ids": [a.article_id for a in colours][:k]}, **extra}
            return {**_decided(ctx, "search", plan, language), **update}
    if not (wants_look_alikes(text) or other_colour or cheaper or max_price is not None):
        plan = {"tool": "article_details", "args": {"article_ids": known}, **extra}
        return {**_decided(ctx, "details", plan, language), **update}
    price = first.price if first else None
    if max_price is None and cheaper and isinstance(price, int | float) and price > 0:
        max_price = just_below(float(price))  # "cheaper than 0512466002"
    ctx.record.requested = {"colour": other_colour} if other_colour else {}
    args = clean_args({"article_id": known[0], "k": k, "colour": other_colour, "max_price": max_price})
    return {**_decided(ctx, "similar", {"tool": "find_similar", "args": args, **extra}, language), **update}


async def _product_colours(ctx: AgentContext, article: Any) -> list[Any]:
    """The catalog's articles of ``article``'s product code, all its colours (none when it has no code)."""
    code = getattr(article, "product_code", "") or ""
    try:
        return list((await ctx.catalog.articles_of_products([code])).get(code) or []) if code else []
    except Exception as exc:  # the plan falls back to what it was
        logger.warning("product code look-up failed: %s", describe_error(exc))
        return []


async def _other_colours(ctx: AgentContext, state: ConversationState, position: int) -> dict[str, Any]:
    """"Does the 3rd one come in other colours?": the shown product's articles in all its colours (the one shown
    first), as cards that replace the shown list; {} when it comes in one colour or the look-up fails."""
    shown = state.get("shown") or []
    at = position - 1 if position > 0 else len(shown) - 1
    if not 0 <= at < len(shown):
        return {}
    try:
        found = await ctx.catalog.get_articles([str(shown[at]["article_id"])])
    except Exception as exc:
        logger.warning("article look-up failed: %s", describe_error(exc))
        return {}
    colours = await _product_colours(ctx, found[0]) if found else []
    if len(colours) < 2:
        return {}
    colours.sort(key=lambda a: a.article_id != found[0].article_id)
    return {"plan": {"tool": "article_details", "args": {"article_ids": [a.article_id for a in colours][: ctx.max_products]}},
            "grounded": remember(state.get("grounded"), colours)}


def _decided(ctx: AgentContext, intent: str, plan: dict[str, Any], language: str) -> dict[str, Any]:
    ctx.record.intent = intent
    return {"intent": intent, "plan": plan, "language": language}


def _plan(ctx: AgentContext, intent: str, text: str, c: Classification, slots: dict[str, Any],
          state: ConversationState) -> dict[str, Any]:
    k = ctx.max_products
    shown = state.get("shown") or []
    # no position named: the product the conversation is about (``focus``), else the first one
    position = focus_index(state) + 1 if c.ordinal is None else (c.ordinal + 1 if c.ordinal >= 0 else -1)
    if intent in NO_TOOL_INTENTS:
        return {}
    if intent == "history":  # "what did I buy last month?": that month's purchases only
        return {"tool": "purchase_history", "args": clean_args({"limit": k, "period": find_period(text)})}
    if intent == "recommend" and asks_for_popular(text):  # "best sellers for men": the men's best sellers
        return {"tool": "recommend_for_me", "args": clean_args({"k": k, "product_type": slots["product_type"],
                                                            "colour": slots["colour"],
                                                            "index_group": slots["index_group"]})}
    if intent == "recommend":
        return {"tool": "recommend_for_me", "args": {"k": k}}
    if intent == "details" and c.cheapest and shown:
        prices = [float(p) if isinstance(p := item.get("price"), int | float) else float("inf") for item in shown]
        position = prices.index(min(prices)) + 1
    if intent == "details" and len(c.positions) > 1 and shown:  # "compare the first and the second"
        picked = [shown[p] for p in c.positions if -len(shown) <= p < len(shown)]
        ids = list(dict.fromkeys(str(item["article_id"]) for item in picked))
        if len(ids) > 1:
            return {"tool": "article_details", "args": {"article_ids": ids}}
    if intent == "details":
        return {"tool": "article_details", "args": {"position": position}}
    if intent == "similar":
        args: dict[str, Any] = {"k": k, "colour": slots["colour"], "max_price": c.max_price}
        if ctx.photo:
            args["use_photo"] = True
            args["product_type"] = slots["product_type"]  # "a dress like this": dresses, not the photo's kind
            args["cheaper"] = c.cheaper and c.max_price is None or None  # "like this but cheaper"
        else:
            args["position"] = position
            at = args["position"] - 1 if args["position"] > 0 else len(shown) - 1  # -1: the last one
            target = shown[at] if 0 <= at < len(shown) else None
            price = (target or {}).get("price")
            if c.cheaper and c.max_price is None and isinstance(price, int | float) and price > 0:
                args["max_price"] = just_below(float(price))  # "more like the first one but cheaper"
        return {"tool": "find_similar", "args": clean_args(args)}
    if intent == "refine" and shown:
        return _refine(text, c, slots, state, k)
    # The catalog's own words for what the text names, in every language, so that "红色连衣裙" and
    # "red dress" embed close together.
    named = [v for v in (slots["colour"], slots["product_type"]) if v]
    suffix = f" ({' '.join(named)})" if named and not ctx.photo else ""
    query = clip_query(text, MAX_QUERY_CHARS - len(suffix)) + suffix
    args = {"query": query, "k": k, "colour": slots["colour"], "product_type": slots["product_type"],
            "index_group": slots["index_group"], "max_price": c.max_price, "min_price": c.min_price,
            "cheap": True if c.cheap and c.max_price is None else None}  # "cheap dresses": cheapest first
    return {"tool": "search_catalog", "args": clean_args(args)}
