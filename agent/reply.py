"""The ``respond`` node: a short reply in the user's language, streamed and grounded.

The model only writes words about products that a tool returned; the product cards were
already published by ``act``. Its text passes the grounding check sentence by sentence, and
the turn falls back to a fixed reply per language (``prompts/replies.toml``) when the model is
not needed, down, slow, or returns garbage. Tokens and time are bounded. Control characters and
U+FFFD never reach the shopper (``agent/llm/model_text.py``); a reply without a letter is garbage,
and a sentence the stream broke off in (or ``max_tokens`` cut short) is dropped, the complete
ones before it kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from typing import Any

from langgraph.runtime import Runtime

from agent.asked_detail import asked_detail, detail_answer, detail_answers
from agent.context import AgentContext
from agent.denials import denies_results
from agent.detail_questions import detail_positions
from agent.garments import english_kind
from agent.grounding import Grounding, SentenceFilter, turn_words
from agent.kind_words import KindCheck
from agent.llm import model_text
from agent.llm.base import UnfinishedEnd
from agent.notes import (
    contradicted_terms,
    describe,
    missing_values,
    photo_words_note,
    relaxation_note,
    repeat_note,
)
from agent.prompts import Replies, render
from agent.prose_language import in_english
from agent.state import MAX_HISTORY, ConversationState
from agent.tools import ToolOutput
from agent.tools._output import details_facts
from agent.turn import ReplyDelta
from agent.vocabulary import SYNONYMS, singular_forms
from catalog.models import Article
from reclmms.errors import ModelError, ReclmmsError, describe_error

logger = logging.getLogger(__name__)

MAX_REPLY_TOKENS = 120
MAX_REPLY_CHARS = 600
MAX_REPLY_SENTENCES = 3
_PROSE_INTENTS = ("search", "similar", "refine", "recommend", "details", "history")
_SCRIPTS = {
    "zh": re.compile(r"[\u4e00-\u9fff]"), "ja": re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]"),
    "ko": re.compile(r"[\uac00-\ud7af]"), "ru": re.compile(r"[\u0400-\u04ff]"), "ar": re.compile(r"[\u0600-\u06ff]"),
}
_GARBAGE = re.compile(r"[{}\[\]<>]|```|(.)\1{6,}")
# Openers that say nothing ("Sure!", "好的，我明白了。"): skipped, so the fixed reply is used if nothing else comes.
# Openers that say nothing ("Sure,", "当然，"): cut from the front of a first sentence (``without_opener``).
_OPENERS = (r"sure|okay|ok|of course|certainly|absolutely|great|got it|alright|我明白了|明白了|没问题|好的|当然|"
            r"claro|por supuesto|vale|bien sûr|d'accord|natürlich|klar|certo|конечно|хорошо")
_FILLER = re.compile(
    rf"{_OPENERS}|understood|i understand|here you go|好|tudo ótimo|[\s,，、!！¡.。?？¿~…:：-]",
    re.IGNORECASE,
)
_OPENER = re.compile(rf"^\s*(?:{_OPENERS})\s*[,，、!！:：]\s*", re.IGNORECASE)


def is_filler(sentence: str) -> bool:
    return not _FILLER.sub("", sentence.strip().lower())


def without_opener(sentence: str) -> str:
    """``sentence`` without a leading "Sure," or "当然，", its first letter capitalised after one."""
    rest = _OPENER.sub("", sentence, count=1)
    if rest == sentence or not rest.strip():
        return sentence
    return rest[:1].upper() + rest[1:]


def fixed_reply(ctx: AgentContext, intent: str, output: ToolOutput | None, language: str, shown: int,
                text: str = "") -> str:
    """The deterministic reply for this outcome, in ``language``; ``shown``: how many products the last list had;
    ``text``: the shopper's message, whose question about one product (its price, colour, kind or material) the
    catalog record answers."""
    r = ctx.replies
    n = len(ctx.record.products)
    if intent in ("empty", "greeting", "thanks", "help", "nothing_shown"):
        return r.get(language, intent)
    if intent == "refused":
        return r.get(language, "foreign_customer")
    if intent == "not_sold":  # the item is not echoed: the reply never names a product outside the catalog
        return r.get(language, "not_sold")
    if output is None:
        return r.get(language, "none")
    kind = output.kind
    if kind == "unavailable" and output.extra.get("unavailable") == "history":  # not search: the history's store
        return r.get(language, "history_unavailable")
    if kind in ("unavailable", "failed"):  # the search index could not be reached, or the look-up failed or ran out
        return r.get(language, "search_unavailable")  # of time: nothing was found wanting, so no "couldn't find"
    if kind == "bad_image":
        return output.observation
    if kind == "no_photo_search":
        return r.get(language, "no_photo_search")
    if kind == "error" and "not in the conversation" in output.observation:
        if not shown:
            return r.get(language, "nothing_shown")
        return r.get(language, "no_ordinal", n=shown, k=output.extra.get("position") or "?")
    if kind == "gone":
        return r.get(language, "gone")
    if kind == "no_customer":  # how to link depends on where the shopper talks from
        return r.get(language, f"link_first_{ctx.channel}" if ctx.channel else "link_first")
    if kind == "history":
        return r.get(language, "history", n=n) if n else r.get(
            language, "history_none_period" if output.extra.get("period_empty") else "history_none")
    if kind == "popular" and not n:  # no sales to rank by: nothing is promised that is not shown
        return r.get(language, "no_sales")
    if kind == "popular":
        asked = output.extra.get("asked")  # "what's popular?": no account is missing
        return r.get(language, "popular", n=n) if ctx.customer_id or asked else _no_customer(ctx, language)
    if not n:
        return r.get(language, next((key for key in ("no_cheaper", "no_more") if output.extra.get(key)), "none"))
    if kind == "recommend":
        return r.get(language, "recommend", n=n)
    if kind == "details" and asked_detail(text) == "sizes":  # of one product or several: none has sizes
        return r.get(language, "details_sizes")
    if kind == "details" and (answers := _detail_answers(ctx.record.products, text, language, r)):
        return answers  # "how much are the first and the second?": each one's price, in the order named
    if kind == "details" and n == 1:
        return r.get(language, "details", name=ctx.record.products[0].name)
    if output.extra.get("relaxed"):
        return r.get(language, "relaxed", n=n)
    return r.get(language, {"similar": "similar", "refine": "refine"}.get(intent, "found"), n=n)


def _asked_facts(ctx: AgentContext, intent: str, language: str, text: str) -> str:
    """The price, colour or kind a details question asks for ("how much is it?", "第二个是什么颜色？"), from the
    catalog record of each product asked about: said first, so the answer is there whatever the model writes."""
    if intent != "details" or asked_detail(text) not in ("price", "colour", "kind"):
        return ""
    return _detail_answers(ctx.record.products, text, language, ctx.replies)


def _detail_answers(products: list[Article], text: str, language: str, r: Replies) -> str:
    """The catalog's answer to a detail question about the product asked about, or about each of several named by
    position, in that order; "" when the question asks for no detail their records have."""
    if len(products) == 1:
        return detail_answer(products[0], text, language, r)
    return detail_answers(products, text, language, r) if detail_positions(text) else ""


def _absent(ctx: AgentContext, intent: str) -> str:
    """The shopper's words for the kind a search named that the catalog has none of ("socks"), or for the product
    in a colour it does not come in ("0512466 (black)", ``colour_versions``), else ""."""
    if intent == "search":
        return ctx.record.absent
    output = ctx.record.output
    return str(output.extra.get("no_version") or "") if isinstance(output, ToolOutput) else ""


def _absent_note(ctx: AgentContext, intent: str, language: str) -> str:
    """"I have no socks in the shop right now…" for a search that named a kind the catalog has none of."""
    item = _absent(ctx, intent)
    if not item:
        return ""
    key = "unstocked" if ctx.record.products else "unstocked_none"
    if language == "de":  # German nouns are written with a capital ("Socken", "Gürtel")
        item = " ".join(word[:1].upper() + word[1:] for word in item.split())
    return ctx.replies.get(language, key, item=item)


def _cheaper_note(ctx: AgentContext, output: ToolOutput | None, language: str) -> str:
    """"Cheaper" found nothing below the cheapest product shown, only below most of them: said so."""
    if output is None or not output.extra.get("cheaper_than_most") or not ctx.record.products:
        return ""
    return ctx.replies.get(language, "cheaper_than_most")


def _unlinked_note(ctx: AgentContext, output: ToolOutput | None, language: str) -> str:
    """Popular items instead of personal picks: no account is linked, and the shopper is told how to link one."""
    if output is None or output.kind != "popular" or output.extra.get("asked") or ctx.customer_id or not ctx.record.products:
        return ""
    return _no_customer(ctx, language)


def _no_customer(ctx: AgentContext, language: str) -> str:
    """Popular items for a shopper without a linked account, with how to link one where the shopper talks
    from; in a group, personal picks need a private chat."""
    if ctx.channel == "telegram_group":
        return ctx.replies.get(language, "no_customer_telegram_group")
    if ctx.channel in ("telegram", "terminal"):
        return f"{ctx.replies.get(language, f'link_first_{ctx.channel}')} {ctx.replies.get(language, 'popular_meanwhile')}"
    return ctx.replies.get(language, "no_customer")


def _absent_terms(ctx: AgentContext, intent: str) -> set[str]:
    """The shopper's words for the absent kind and its English name: the prose may not use them."""
    absent = _absent(ctx, intent)
    if not absent:
        return set()
    english = english_kind(absent, SYNONYMS.get("product_type", {}))
    return {absent, *((english, *singular_forms(english)) if english else ())}


def _messages(ctx: AgentContext, state: ConversationState, intent: str, output: ToolOutput, language: str) -> list[dict[str, Any]]:
    products = ctx.record.products
    counts = list(output.extra.get("counts") or []) if output.kind == "history" else []
    lines = []
    for i, a in enumerate(products, 1):
        line = f"{i}. {a.short}"
        if intent == "details":  # what the shopper may ask about it: its price, kind, colour and description
            line += details_facts(a)
        if i <= len(counts) and counts[i - 1] > 1:
            line += f" (bought {counts[i - 1]} times)"
        lines.append(line)
    action = {
        "history": "listed the shopper's own recent purchases",
        "recommend": "picked items that suit the shopper's past purchases",
        "similar": "found items similar to what the shopper pointed at",
        "details": "looked up one product" if len(products) == 1 else "looked up the products the shopper named",
        "refine": "updated the last search",
    }.get(intent, "searched the catalog")
    extra = "Say briefly why they fit \"your past purchases\"." if intent == "recommend" else ""
    if output.kind == "popular" and output.extra.get("asked"):
        action = "listed the shop's popular items, as asked"
        extra = "Never mention past purchases or personal picks; say briefly that these are popular right now."
    elif output.kind == "popular":
        action = "listed popular items (no purchase history is linked)"
        extra = ("The shopper has no linked purchase history and was already told so: never mention past "
                 "purchases or personal picks; say briefly that these are popular right now.")
    if output.extra.get("relaxed"):
        # the shopper is told what is missing by a fixed sentence before this reply (``notes.relaxation_note``)
        values = (output.extra.get("relaxed_values") or {}).values()
        dropped = " or ".join(v.lower() for v in values if isinstance(v, str))
        missing = ("nothing similar matched every wish" if output.extra.get("source") else
                   f"the shop has no {describe(output.extra.get('filters') or {}, 'en', ctx.replies)}")
        extra = (f"Note: {missing}, and the shopper was already told so. These are the closest products: "
                 "present them as they are listed" + (f" and never call them {dropped}." if dropped else "."))
    elif absent := _absent(ctx, intent):
        extra = (f"Note: the shop has no {absent} at all, and the shopper was already told so. These are the closest "
                 f"products: present them as they are listed and never call them {absent}.")
    else:
        missing_words = [v.lower() for v in missing_values(output, ctx.record.requested).values()]
        if missing_words:
            extra = (f"{extra} None of these products is {' or '.join(missing_words)}: describe them as they are "
                     "listed and never call them that.").strip()
    system = render("system", max_sentences=MAX_REPLY_SENTENCES)
    user = render("reply", language=language, language_name=ctx.replies.language_name(language),
                  request=(state.get("text") or "(a photo)")[:300], action=action,
                  products="\n".join(lines), extra=extra)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


# Failure reasons that mean the model was too slow, not down ("TimeoutError", "timed out after 20.0s").
_SLOW = re.compile(r"time ?out|timed out|no time left|within", re.IGNORECASE)

_THIRD_PERSON = (
    (re.compile(r"\b(the|this) (shopper|customer)'s\b", re.IGNORECASE), "your"),
    (re.compile(r"\b(for|to) (the|this) (shopper|customer)\b", re.IGNORECASE), r"\1 you"),
    (re.compile(r"\b(the|this) (shopper|customer) is\b", re.IGNORECASE), "you are"),
    (re.compile(r"\b(the|this) (shopper|customer) was\b", re.IGNORECASE), "you were"),
    (re.compile(r"\b(the|this) (shopper|customer) has\b", re.IGNORECASE), "you have"),
    (re.compile(r"\b(the|this) (shopper|customer) (likes|loves|wants|needs|prefers)\b", re.IGNORECASE),
     lambda m: "you " + m.group(3)[:-1]),
    (re.compile(r"\b(the|this) (shopper|customer)\b", re.IGNORECASE), "you"),
)


def _second_person(sentence: str) -> str:
    """English prose that calls the reader "the shopper" (an echo of the prompt) speaks to them instead."""
    for pattern, repl in _THIRD_PERSON:
        sentence = pattern.sub(repl, sentence)
    return sentence[:1].upper() + sentence[1:] if sentence[:1].islower() else sentence


def _looks_wrong(sentence: str, language: str, grounding: Grounding) -> bool:
    """True when the model's first sentence is garbage or in the wrong script. Brackets inside a shown product's
    name ("Tee [sale]", "<b>Bold</b> Tee") are the catalog's, not the model's garbage."""
    if _GARBAGE.search(grounding.without_names(sentence)):
        return True
    script = _SCRIPTS.get(language)
    return bool(script and not script.search(sentence))


async def _model_prose(ctx: AgentContext, runtime: Runtime[AgentContext], messages: list[dict[str, Any]],
                       grounding: Grounding, language: str) -> tuple[list[str], bool]:
    """Stream the model's reply through the grounding filter; (shown sentences, failed?)."""
    assert ctx.backend is not None
    sentences = SentenceFilter(grounding)
    shown: list[str] = []
    chars = 0
    failed = False
    start = time.monotonic()
    stream = ctx.backend.stream_text(messages, max_tokens=min(MAX_REPLY_TOKENS, ctx.settings.llm.max_tokens),
                                     timeout_s=max(0.1, min(ctx.budget.remaining(), ctx.settings.llm.timeout_s)))

    output = ctx.record.output  # what was asked for is what is shown: nothing relaxed, nothing missing
    matched = bool(ctx.record.products) and output is not None and not (
        output.extra.get("relaxed") or output.extra.get("no_version") or ctx.record.absent or ctx.record.unsold)

    def emit(batch: list[str]) -> bool:
        nonlocal chars
        for sentence in batch:
            if is_filler(sentence) or (matched and denies_results(sentence)):  # "I can't find …" above the cards
                continue
            if not shown:
                sentence = without_opener(sentence)
            if not shown and (_looks_wrong(sentence, language, grounding) or in_english(
                    ctx.languages, sentence, language, (p.name for p in ctx.record.products))):
                raise ValueError("garbage")
            sentence = _second_person(sentence) if language == "en" else sentence
            shown.append(sentence)
            chars += len(sentence)
            runtime.stream_writer(ReplyDelta(sentence))
        return chars < MAX_REPLY_CHARS and len(shown) < MAX_REPLY_SENTENCES

    received = ""
    try:
        async with asyncio.timeout(max(0.1, ctx.budget.remaining())):
            async for chunk in stream:
                if not isinstance(chunk, str):
                    raise ValueError("garbage")
                if isinstance(chunk, UnfinishedEnd) and not model_text.ends_sentence(received):
                    # max_tokens or a broken connection cut the last sentence short: the ones before it stand
                    raise ModelError("the reply was cut off mid-sentence")
                chunk = model_text.clean(chunk)
                received += chunk
                # after a sentence about other products than those shown, nothing more is shown
                # (``SentenceFilter.ended``); the rest is still read, so that a broken stream is noticed
                if not emit(sentences.feed(chunk)):
                    break
            else:
                if not model_text.has_letters(received):
                    raise ValueError("garbage")
                emit(sentences.flush())
    except (ReclmmsError, TimeoutError, ValueError) as exc:
        logger.info("reply model failed: %s", describe_error(exc))
        ctx.budget.fail(describe_error(exc))
        failed = True
    except Exception as exc:  # a backend bug must not end the turn
        logger.warning("reply model raised %s", describe_error(exc), exc_info=True)
        ctx.budget.fail(type(exc).__name__)
        failed = True
    finally:
        with contextlib.suppress(Exception):
            await stream.aclose()  # type: ignore[attr-defined]
        ctx.record.llm_seconds += time.monotonic() - start
    ctx.record.ungrounded_dropped += sentences.dropped
    return shown, failed


async def respond(state: ConversationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    ctx = runtime.context
    intent = state.get("intent") or "search"
    language = state.get("language") or "en"
    output: ToolOutput | None = ctx.record.output
    shown: list[str] = []
    failed = ctx.budget.failed
    # said first, whatever the model writes
    unknown = ", ".join((state.get("plan") or {}).get("unknown_ids") or ())  # article ids the catalog lacks
    outfit = str((state.get("plan") or {}).get("outfit_for") or "")  # "what goes with the second one?"
    lead = " ".join(filter(None, (unknown and ctx.replies.get(language, "no_article", k=unknown),
                                  _asked_facts(ctx, intent, language, state.get("text") or ""),
                                  ctx.replies.get(language, "outfit", name=outfit) if outfit and ctx.record.products else "",
                                  _absent_note(ctx, intent, language), _unlinked_note(ctx, output, language),
                                  photo_words_note(output, language, ctx.replies),
                                  relaxation_note(output, language, ctx.replies),
                                  _cheaper_note(ctx, output, language))))
    tail = repeat_note(output, ctx.record.products, language, ctx.replies)
    said: list[str] = []

    def say(piece: str) -> None:
        said.append(piece)
        runtime.stream_writer(ReplyDelta(piece))

    if lead:
        say(lead + " ")
    wanted = output is not None and bool(ctx.record.products) and intent in _PROSE_INTENTS and ctx.backend is not None
    # the catalog has no sizes: the fixed sentence says so, where the model could only guess them
    wanted = wanted and not (intent == "details" and asked_detail(state.get("text") or "") == "sizes")
    if wanted and not ctx.budget.usable(0.5):
        failed = True
        ctx.budget.reason = ctx.budget.reason or "no time left"
    elif wanted:
        assert output is not None
        contradicted = contradicted_terms(output, ctx.vocab, ctx.record.requested) | _absent_terms(ctx, intent)
        prices = [p.price for p in ctx.record.products if p.price is not None]
        applied = output.extra.get("filters") or {}
        limits = [v for k in ("max_price", "min_price") if isinstance(v := applied.get(k), int | float)]
        grounding = Grounding(state.get("grounded") or {}, ctx.catalog_names, contradicted=contradicted, prices=prices,
                              limits=limits, known_words=ctx.catalog_words or None, language=language,
                              turn_words=turn_words(ctx.record.products, state.get("text") or ""),
                              kinds=KindCheck(ctx.record.products, language, state.get("text") or ""))
        shown, failed = await _model_prose(ctx, runtime, _messages(ctx, state, intent, output, language),
                                           grounding, language)
        said += shown
    if not shown and not lead:
        say(fixed_reply(ctx, intent, output, language, len(state.get("shown") or []), state.get("text") or ""))
    if tail:
        say(" " + tail)
    text = "".join(said).strip()
    if failed and not shown:
        # the note is separate from the reply: the bot and the CLI show it after the prose; a model that
        # wrote some grounded sentences before its time ran out just gave a shorter reply
        slow = _SLOW.search(ctx.budget.reason or "") is not None
        ctx.record.note = ctx.replies.get(language, "llm_slow_note" if slow else "llm_note")
        logger.info("turn answered without the model: %s", ctx.budget.reason or "failed")
    ctx.record.reply = text
    history = list(state.get("history") or [])
    history += [{"role": "user", "text": (state.get("text") or "")[:300]}, {"role": "assistant", "text": text[:300]}]
    return {"history": history[-MAX_HISTORY:], "turns": int(state.get("turns") or 0) + 1}
