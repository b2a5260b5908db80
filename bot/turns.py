"""One shopping turn in a chat: typing action, product cards first, then the streamed prose.

A Bot API that fails while the answer goes out never cuts the agent's turn short (its
conversation state stays whole): ``bot.retrying`` rides out a short outage; past that, what
could not be sent is reported in one warning line at the end of the turn (no traceback, no
apology that could not be sent either), and the turn ends as a failed one (``ok`` false in its
metrics, and one error) that is done with: its message leaves ``bot_pending`` and is not run
again. A reply whose answer timed out after it left (or came back garbled) most likely arrived: it
is not sent again, one warning line says so, and the turn counts as answered. A token the Bot API refuses is told by ``bot.stopping``, which stops the bot. A turn
stopped with /cancel is recorded as cancelled, not failed: /stats counts the two apart. A turn that
failed inside the agent answers the shopper a short apology in their language and counts as failed; one that
found a store file damaged (``StoreError``) is one error line naming the file, no traceback, and the apology:
the bot serves the other chats on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import InvalidToken, TelegramError

from agent.turn import FailedTurn, ProductsReady, ReplyDelta, Session, TurnDone, TurnEvent, TurnResult
from bot.i18n import t
from bot.rendering import esc
from bot.retrying import lost, maybe_delivered, why_lost
from bot.runtime import BotRuntime
from bot.sending import ProseStream, send_cards, send_html
from bot.store import TurnRecord
from catalog.models import Article
from reclmms.errors import BadQueryError, StoreError

logger = logging.getLogger(__name__)

TYPING_EVERY_S = 4.5
AGENT_GRACE_S = 1.0  # what the agent allows a turn past ``turn_timeout_s`` to wrap up (agent.service)
_CATEGORY_KEYS = ("product_type", "category", "garment_group", "product_group")
_COLOUR_KEYS = ("colour", "color", "colour_master")


async def _keep_typing(bot: Bot, chat_id: int, stop: asyncio.Event, thread_id: int | None = None) -> None:
    """The typing action until ``stop``; never cut short mid-request (that would drop a connection)."""
    while not stop.is_set():
        with contextlib.suppress(Exception):
            await bot.send_chat_action(chat_id, ChatAction.TYPING, message_thread_id=thread_id)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), TYPING_EVERY_S)


def show_typing(rt: BotRuntime, bot: Bot, chat_id: int, thread_id: int | None = None) -> asyncio.Event:
    """"typing…" in the chat (its forum topic) until the event returned is set."""
    stop = asyncio.Event()
    typing = asyncio.create_task(_keep_typing(bot, chat_id, stop, thread_id))
    rt.background.add(typing)
    typing.add_done_callback(rt.background.discard)
    return stop


@contextlib.asynccontextmanager
async def typing(rt: BotRuntime, bot: Bot, chat_id: int, thread_id: int | None = None) -> AsyncIterator[None]:
    """"typing…" while the block runs (a shopper's photo downloading)."""
    stop = show_typing(rt, bot, chat_id, thread_id)
    try:
        yield
    finally:
        stop.set()


async def _send_cards(rt: BotRuntime, bot: Bot, chat_id: int, products: list[Article], lang: str,
                      reply: dict[str, Any]) -> TelegramError | None:
    """Cards are optional: when Telegram still refuses them after the retries, the answer goes on.
    Returns the failure when the Bot API failed (for ``_report``)."""
    try:
        await send_cards(bot, chat_id, products, lang, rt.signer, rt.media, **reply)
    except TelegramError as exc:
        if lost(exc):
            return exc
        logger.warning("could not send product cards to chat %d (%s: %s); sending the reply without them",
                       chat_id, type(exc).__name__, exc)
    return None


class _OverBudget(Exception):
    """The turn's time ran out, the warm-up's wait included, before the agent's stream ended."""


async def _until(events: AsyncIterator[TurnEvent], deadline: float | None) -> AsyncIterator[TurnEvent]:
    """The agent's events, until ``deadline`` (the loop's time; None: the agent's own time limit alone). Past
    it the agent's stream is closed, which stops its turn as its own limit would, and ``_OverBudget`` raised.
    Only the wait for the agent is bounded: a Bot API call of the turn is never cut short."""
    try:
        while True:
            try:
                async with asyncio.timeout_at(deadline) as within:
                    event = await anext(events)
            except StopAsyncIteration:
                return
            except TimeoutError:
                if within.expired():
                    raise _OverBudget from None
                raise
            yield event
    finally:
        close = getattr(events, "aclose", None)  # an async generator's: its clean-up runs now, not when collected
        if close is not None:
            await close()


def _report(chat_id: int, failed: dict[str, TelegramError]) -> None:
    """One line for what the Bot API kept from the shopper in a turn (``bot.stopping`` says a refused token)."""
    if not failed:
        return
    exc = list(failed.values())[-1]
    if isinstance(exc, InvalidToken):
        logger.debug("chat %d: %s not sent, the token was rejected", chat_id, " and ".join(failed))
        return
    logger.warning("could not send %s to chat %d: %s", " and ".join(failed), chat_id, why_lost(exc))


def _doubtful(chat_id: int, exc: TelegramError) -> None:
    """One line for a message whose answer timed out after it left, or came back garbled: most likely
    delivered, so it is not sent again, and the turn counts as answered."""
    logger.warning("a message to chat %d may not have arrived (%s: %s); it is not sent again",
                   chat_id, type(exc).__name__, exc)


def _tool_name(call: dict[str, Any]) -> str:
    return str(call.get("name") or call.get("tool") or call.get("function") or "?")


def _tool_args(call: dict[str, Any]) -> dict[str, Any]:
    args = call.get("args") or call.get("arguments") or call.get("input") or {}
    if not isinstance(args, dict):
        return {}
    nested = args.get("filters")
    if isinstance(nested, dict):
        args = {**args, **nested}
    return args


def search_terms(tool_calls: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The categories and colours a turn searched for: its tools' filters, which come from the
    shopper's words (a message, a photo's caption). What was shown is not what was asked for: the
    look-alikes of a photo sent alone, or the products of a search that named no colour, count
    for no colour (a photo of brown trousers is no search for brown)."""
    terms: list[tuple[str, str]] = []
    for call in tool_calls:
        args = _tool_args(call)
        for key in _CATEGORY_KEYS:
            if isinstance(args.get(key), str) and args[key].strip():
                terms.append(("category", args[key].strip().lower()))
                break
        for key in _COLOUR_KEYS:
            if isinstance(args.get(key), str) and args[key].strip():
                terms.append(("colour", args[key].strip().lower()))
                break
    return terms


async def run_turn(
    rt: BotRuntime,
    bot: Bot,
    *,
    chat_id: int,
    user_id: int,
    lang: str,
    session: Session,
    text: str,
    photo: bytes | None = None,
    reply: dict[str, Any] | None = None,
) -> TurnResult | None:
    """Run the agent for one message and render it. Records the turn's metrics. ``reply`` goes
    with every message sent (``bot.sending.reply_kwargs``: the forum topic, the message replied to)."""
    reply = reply or {}
    started = time.monotonic()
    stop_typing = show_typing(rt, bot, chat_id, reply.get("message_thread_id"))
    stream = ProseStream(bot, chat_id, **reply)
    products: list[Article] = []
    tool_calls: list[dict[str, Any]] = []
    result: TurnResult | None = None
    failed: dict[str, TelegramError] = {}  # what the Bot API kept from the shopper
    ok = cancelled = False
    try:
        deadline: float | None = None  # the agent's own time limit, from when its stream starts
        if not rt.warmup.done:  # the first turns after a start wait for the models, within their budget: the
            budget = float(rt.settings.agent.turn_timeout_s)  # wait counts against it, as the agent's limit would
            await rt.warmup.wait(budget)
            left = budget - (time.monotonic() - started)
            deadline = asyncio.get_running_loop().time() + max(0.0, left) + AGENT_GRACE_S
        try:
            async for event in _until(rt.agent.stream(session, text, photo=photo), deadline):
                if isinstance(event, ProductsReady):
                    products = list(event.products)
                    tool_calls = list(event.tool_calls)
                    if products and (exc := await _send_cards(rt, bot, chat_id, products, lang, reply)):
                        failed["the product cards"] = exc
                elif isinstance(event, ReplyDelta):
                    await stream.add(event.text)
                elif isinstance(event, TurnDone):
                    result = event.result
        except _OverBudget:  # what was streamed, and a note: the shopper may ask again, the models are ready soon
            logger.warning("a turn in chat %d ran past its time limit (%.0f s), the warm-up's wait included",
                           chat_id, rt.settings.agent.turn_timeout_s)
            slow = t(lang, "starting_slow")  # after what was streamed, or alone
            result = TurnResult(reply=stream.text if stream.text.strip() else slow, language=lang, products=products,
                                tool_calls=tool_calls, note=slow if stream.text.strip() else None)
        stop_typing.set()
        if result is None:
            raise RuntimeError("the agent's stream ended without TurnDone")
        if result.products and not products:  # a service that skipped ProductsReady
            products = list(result.products)
            if exc := await _send_cards(rt, bot, chat_id, products, lang, reply):
                failed["the product cards"] = exc
        tool_calls = result.tool_calls or tool_calls
        note = f"<i>{esc(result.note)}</i>" if result.note else ""
        try:
            if not products and not result.reply.strip() and not stream.text.strip():
                await send_html(bot, chat_id, esc(t(lang, "no_results")), **reply)
            else:
                await stream.finish(result.reply, note)
        except TelegramError as exc:
            if maybe_delivered(exc):  # most likely delivered: the turn is answered, and nothing is sent again
                _doubtful(chat_id, exc)
            elif not lost(exc):
                raise
            else:
                failed["the reply"] = exc
        _report(chat_id, failed)
        ok = "the reply" not in failed and not isinstance(result, FailedTurn)
        if "the reply" in failed:  # counted for /stats, as the error handler counts the failures it sees
            await rt.metrics.error(type(failed["the reply"]).__name__)
        elif isinstance(result, FailedTurn):  # answered with the apology; the service logged it
            await rt.metrics.error(result.error_type)
        return result
    except StoreError as exc:  # a store file found damaged: one line for the operator, the apology for the shopper
        stop_typing.set()
        logger.error("a turn in chat %d failed: %s", chat_id, exc)
        await rt.metrics.error(type(exc).__name__)
        try:
            await send_html(bot, chat_id, esc(t(lang, "error")), **reply)
        except TelegramError as sent:
            if maybe_delivered(sent):
                _doubtful(chat_id, sent)
            elif not lost(sent):
                raise
            else:
                _report(chat_id, {"the apology": sent})
        return None
    except asyncio.CancelledError:  # /cancel (``ChatTurns.cancel``): stopped, not failed
        cancelled = True
        raise
    except BadQueryError:  # answered with a note on what it lacks (an empty text, a bad image): no failure
        ok = True
        raise
    finally:
        stop_typing.set()
        elapsed = time.monotonic() - started
        record = TurnRecord(
            user_id=user_id,
            chat_id=chat_id,
            seconds=elapsed,
            llm_seconds=result.llm_seconds if result else 0.0,
            photo=photo is not None,
            products=len(products),
            ungrounded_dropped=result.ungrounded_dropped if result else 0,
            intent=result.intent if result else "",
            language=result.language if result else "",
            tools=[_tool_name(c) for c in tool_calls],
            terms=search_terms(tool_calls),
            ok=ok,
            cancelled=cancelled,
        )
        try:
            await asyncio.shield(rt.metrics.turn(record))
        except Exception:  # noqa: BLE001 - metrics never break a turn
            logger.warning("could not record turn metrics", exc_info=True)
