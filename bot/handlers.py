"""Thin handlers: parse the update, call a service, render. Registered by ``bot.application``."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from telegram import Chat, Message, Update, User
from telegram.constants import ChatType
from telegram.error import InvalidToken, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from agent.text_input import MAX_TEXT_CHARS, is_blank
from agent.turn import Session
from bot.card_reply import card_article
from bot.i18n import greeting, lang_of, t
from bot.mentions import mention_spans, replied_to_bot, without_spans
from bot.pending import describe
from bot.rendering import esc, history_text
from bot.retrying import lost, maybe_delivered, why_lost
from bot.runtime import BotRuntime, Place, runtime
from bot.sending import reply_kwargs, send_html
from bot.stats import activity_chart, collect_stats, stats_html, stats_unavailable_html
from bot.store import store_error
from bot.turns import run_turn
from catalog.search_health import check_search
from reclmms.errors import BadImageError, BadQueryError, LinkError, StoreError

logger = logging.getLogger(__name__)

Ctx = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Update, Ctx], Coroutine[Any, Any, None]]


def who(update: Update) -> tuple[Message, Chat, User, str]:
    msg = update.effective_message
    chat = update.effective_chat
    user = update.effective_user
    assert msg is not None and chat is not None and user is not None
    return msg, chat, user, lang_of(user.language_code)


async def answer(update: Update, text_html: str) -> None:
    """Answer in the update's chat: in its forum topic, and in a group as a reply to the message."""
    chat = update.effective_chat
    if chat is not None:
        await send_html(update.get_bot(), chat.id, text_html, **reply_kwargs(update.effective_message))


async def _notice(update: Update, text_html: str) -> None:
    """A notice that a turn goes on without ("please wait", "sorry for the wait"): when the Bot API
    keeps it from the shopper, the turn runs all the same."""
    try:
        await answer(update, text_html)
    except TelegramError as exc:
        if not lost(exc):
            raise
        logger.info("could not send a notice (%s: %s); the turn goes on", type(exc).__name__, exc)


async def wait_in_line(rt: BotRuntime, place: Place) -> None:
    """Until the messages ahead of ``place`` in the chat's line are answered, but no longer than a turn may take:
    a short refusal goes out in order, and is not held up behind a long line."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(float(rt.settings.agent.turn_timeout_s)):
            await place.wait_turn()


async def refuse(update: Update, context: Ctx, text_html: str, place: Place | None = None) -> None:
    """A short refusal (a sticker, a text too long, an image too large or unreadable) or answer (/help), in order:
    after the answer of a message sent before it (``wait_in_line``), never inside it. Joins the chat's line unless it holds ``place`` already, so call
    it before the handler's first await."""
    rt, chat = runtime(context), update.effective_chat
    assert chat is not None
    line = contextlib.nullcontext(place) if place is not None else rt.turns.line(chat.id, limit=False, light=True)
    async with line as joined:
        assert joined is not None
        await wait_in_line(rt, joined)
        await answer(update, text_html)


# --- every update: drop what is not for the bot, dedupe, then bookkeeping -------------------------
async def ignore_senderless(update: Update, context: Ctx) -> None:
    """Group -3: channel posts, polls and other updates without a user or a chat are not for the
    bot; they stop here, silently (a reply into a channel would go to all its subscribers). So
    does an update whose ``update_id`` is not an integer (Telegram never sends one; PTB's webhook
    takes it as it comes), with a warning, before it reaches the update log or any store. A button
    press on a message sent in inline mode has a sender but no chat: it goes on, for ``on_button`` to
    answer it (as an expired button), or the button would spin."""
    if type(update.update_id) is not int:
        logger.warning("ignoring an update whose update_id is not an integer: %.40r", update.update_id)
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if update.callback_query is not None and chat is None:
        return
    if update.effective_user is None or chat is None or chat.type == ChatType.CHANNEL:
        logger.debug("ignoring update %d: no sender", update.update_id)
        raise ApplicationHandlerStop


async def claim_update(update: Update, context: Ctx) -> None:
    """Group -2: skip an update already taken (after a restart or a webhook retry)."""
    rt = runtime(context)
    if rt.pending.is_resumed(update):  # accepted before a restart, and not answered yet
        return
    if not await rt.updates.claim(update.update_id):
        logger.info("skipping update %d: already processed", update.update_id)
        raise ApplicationHandlerStop


# --- commands ---------------------------------------------------------------------------------
def for_this_bot(update: Update, rt: BotRuntime) -> bool:
    """Whether the bot acts on a command: any in a private chat; in a group only one addressed to it
    (``/reset@ThisBot``) or sent in reply to one of its messages. A bare ``/reset`` in a group may be meant
    for another bot, or be any member's typing: the bot answers there only when mentioned, as for messages."""
    msg = update.effective_message
    if msg is None or msg.chat.type == ChatType.PRIVATE:
        return msg is not None
    first = (msg.text or "").split(maxsplit=1)[0] if (msg.text or "").strip() else ""
    if "@" in first and first.split("@", 1)[1].lower() == rt.bot_username.lower():
        return True
    return replied_to_bot(msg, rt.bot_id)


def command(handler: Handler) -> Handler:
    """A command for this bot (``for_this_bot``; others are ignored, silently) that counts against the user's
    per-minute budget, as messages and buttons do."""

    @functools.wraps(handler)
    async def limited(update: Update, context: Ctx) -> None:
        if for_this_bot(update, runtime(context)) and await allowed(update, context):
            await handler(update, context)

    return limited


async def start(update: Update, context: Ctx) -> None:
    """The greeting, in order (after an answer being written). A link code's deep link (private chats only)
    takes a full place in the chat's line: the messages sent after the link are answered for the linked
    customer. The bot's deep links carry link codes only: a cut or altered one is refused as a used one is."""
    _, chat, user, lang = who(update)
    rt = runtime(context)
    payload = context.args[0] if context.args else ""
    linking = bool(payload) and chat.type == ChatType.PRIVATE
    async with rt.turns.line(chat.id, limit=False, light=not linking) as place:
        assert place is not None
        if linking:
            await place.wait_turn()
            try:
                await rt.linker.redeem(payload, user.id)
                await answer(update, esc(t(lang, "linked")))
            except LinkError as exc:
                logger.info("link attempt by user %d failed: %s", user.id, exc)
                await answer(update, esc(t(lang, "link_failed")))
        else:
            await wait_in_line(rt, place)
            if payload and rt.linker.looks_like_code(payload):  # in a group: the code stays unused
                await answer(update, esc(t(lang, "link_private_only", bot=rt.bot_username)))
                return
            if payload:  # in a group, no link code at all
                await answer(update, esc(t(lang, "link_failed")))
        await answer(update, esc(greeting(lang, user.first_name)))


async def help_(update: Update, context: Ctx) -> None:
    """In order, as a refusal: sent while an answer is being written, it comes after that answer, not inside it."""
    _, _, _, lang = who(update)
    await refuse(update, context, t(lang, "help"))


async def reset(update: Update, context: Ctx) -> None:
    """In the chat's line, as a message: sent behind a message, it forgets the conversation once
    that message is answered (a reset in the middle of its turn would be undone by the turn)."""
    _, chat, _, lang = who(update)
    rt = runtime(context)
    async with rt.turns.line(chat.id, limit=False) as place:
        assert place is not None
        await place.wait_turn()
        await rt.agent.reset(await rt.sessions.session_id(chat.id))
        await answer(update, esc(t(lang, "reset")))


async def cancel(update: Update, context: Ctx) -> None:
    _, chat, _, lang = who(update)
    stopped = runtime(context).turns.cancel(chat.id)
    await answer(update, esc(t(lang, "cancelled" if stopped else "nothing_to_cancel")))


async def history(update: Update, context: Ctx) -> None:
    """The linked customer's purchases, in order (after an answer being written); never in a group."""
    _, chat, user, lang = who(update)
    rt = runtime(context)
    async with rt.turns.line(chat.id, limit=False, light=True) as place:
        assert place is not None
        await wait_in_line(rt, place)
        if chat.type != ChatType.PRIVATE:  # never shown to a group, linked or not (and not said which)
            await answer(update, esc(t(lang, "history_private_only", bot=rt.bot_username)))
            return
        customer_id = await rt.links.customer_of(user.id)
        if customer_id is None:
            await answer(update, esc(t(lang, "history_unlinked")))
            return
        try:
            rows = await rt.services.catalog.purchase_history(customer_id, limit=10)
        except sqlite3.Error as exc:  # the store file damaged: one line naming it, and the shopper told so
            logger.error("/history: %s", store_error(rt.settings.sqlite_path, exc, "read the purchase history from"))
            await answer(update, esc(t(lang, "history_unavailable")))
            return
        if not rows:
            await answer(update, esc(t(lang, "history_empty")))
            return
        lines = [(p.t_dat.isoformat(), a.name, p.price, a.article_id) for p, a in rows]
        await answer(update, history_text(lines, lang))


async def stats(update: Update, context: Ctx) -> None:
    """Admins only, in a private chat. Other private chats get a refusal; in groups the bot stays
    silent, as for any command not meant for it (shop-wide figures are not for every member)."""
    _, chat, user, lang = who(update)
    rt = runtime(context)
    if chat.type != ChatType.PRIVATE:
        logger.info("ignored /stats from user %d in a group chat", user.id)
        return
    if not await allowed(update, context):
        return
    if user.id not in rt.settings.telegram.admin_ids:
        logger.info("refused /stats for user %d", user.id)
        await answer(update, esc(t(lang, "stats_refused")))
        return
    agent = rt.services.agent
    health: dict[str, object] | None = None
    if agent is not None:
        try:
            health = await agent.health()
        except Exception as exc:  # noqa: BLE001 - a broken backend is a figure, not a failure
            health = {"ok": False, "error": type(exc).__name__}
    search = (await check_search(rt.services.catalog)).to_json()  # down while its Chroma server is
    try:
        figures = await collect_stats(rt.metrics, backend=getattr(agent, "backend_name", ""), health=health,
                                      search=search)
    except StoreError as exc:  # the figures cannot be read (a damaged file): why, in one line
        logger.error("/stats: %s", exc)
        await answer(update, stats_unavailable_html(exc))
        return
    await answer(update, stats_html(figures))
    chart = await activity_chart(figures)
    await context.bot.send_photo(chat.id, chart, caption="daily activity")


async def unknown_command(update: Update, context: Ctx) -> None:
    _, _, _, lang = who(update)
    if not for_this_bot(update, runtime(context)) or not await allowed(update, context):
        return
    await refuse(update, context, esc(t(lang, "unknown_command")))


# --- shopping -----------------------------------------------------------------------------------
def addressed_text(msg: Message, rt: BotRuntime, text: str) -> str | None:
    """In a group, the text meant for the bot (its mention taken out), or None when not addressed:
    neither mentioned (``bot.mentions``) nor replied to."""
    if msg.chat.type == ChatType.PRIVATE:
        return text
    entities = msg.entities if msg.text is not None else msg.caption_entities
    spans = mention_spans(text, entities, rt.bot_username)
    if spans:
        return without_spans(text, spans)
    if replied_to_bot(msg, rt.bot_id):
        return text
    return None


async def allowed(update: Update, context: Ctx) -> bool:
    """Count one request against the user's per-minute budget; a friendly note when over it.
    Everything the bot answers passes here first (turns, commands, and the short explanations for
    stickers, edits, other files, oversized or empty messages), so a flood of any kind gets one
    "slow down" and then silence; what it lets through is counted for /stats. It does not await
    when it lets a request through, so a handler that joins the chat's line right after it keeps
    the update's order."""
    _, _, user, lang = who(update)
    rt = runtime(context)
    if rt.pending.is_resumed(update):  # counted before the restart
        return True
    wait = rt.limiter.hit(user.id)
    if wait:
        if rt.limiter.should_warn(user.id, wait):
            await answer(update, esc(t(lang, "rate_limited", seconds=int(wait) + 1)))
        return False
    await rt.count_request(update)
    return True


def slowed_down(bot: Any, chat_id: int) -> bool:
    """Telegram asked the bot to slow down in the chat (a 429 whose wait is not over, ``bot.flood_limits``):
    a "one moment" notice would go out only with the answer it announces, in the middle of it."""
    pauses = getattr(getattr(bot, "rate_limiter", None), "pauses", None)
    return pauses is not None and pauses.left(chat_id) > 0


async def shop(update: Update, context: Ctx, place: Place | None, text: str, photo: bytes | None) -> None:
    """Wait for the turn at ``place`` in the chat's line, then run it (the caller checked the rate
    limit, joined the line and holds the message). One "please wait" notice of each kind per busy
    stretch, however many messages arrive."""
    _, chat, user, lang = who(update)
    rt = runtime(context)
    resumed = rt.pending.is_resumed(update)  # accepted before a restart: admitted, and told so in its turn
    if place is None:
        if rt.turns.notice_once(chat.id, "busy"):
            await answer(update, esc(t(lang, "busy")))
        return
    if place.ahead and not resumed and not slowed_down(context.bot, chat.id) and rt.turns.notice_once(chat.id, "queued"):
        await _notice(update, esc(t(lang, "queued")))
    await place.wait_turn()
    # the customer as of the turn: a link opened while the message waited counts
    customer_id = await rt.links.customer_of(user.id) if chat.type == ChatType.PRIVATE else None
    channel = "telegram" if chat.type == ChatType.PRIVATE else "telegram_group"  # no history shown in groups
    session = Session(await rt.sessions.session_id(chat.id), customer_id=customer_id, language=user.language_code,
                      channel=channel, about=card_article(update.effective_message, rt.bot_id))  # "more like this one"
    await rt.pending.started(update.update_id)
    if resumed:
        await _notice(update, esc(t(lang, "restart_resumed", what=describe(update, lang))))
    try:
        await rt.turns.run(  # stopped with /cancel: its answer ("Stopped.") told the shopper
            place,
            run_turn(rt, context.bot, chat_id=chat.id, user_id=user.id, lang=lang, session=session,
                     text=text, photo=photo, reply=reply_kwargs(update.effective_message)),
        )
    except BadImageError:
        await answer(update, esc(t(lang, "bad_image")))
    except BadQueryError:
        await answer(update, esc(t(lang, "empty_text")))


@contextlib.asynccontextmanager
async def accepted(update: Update, context: Ctx) -> AsyncIterator[Place | None]:
    """Join the chat's line at once (before any await, so that updates keep the order they came
    in), then keep the message in ``bot_pending`` until it is answered, across a crash."""
    rt = runtime(context)
    chat = update.effective_chat
    assert chat is not None
    async with rt.turns.line(chat.id, limit=not rt.pending.is_resumed(update), stoppable=True) as place:
        async with rt.pending.holding(update):
            yield place


async def on_text(update: Update, context: Ctx) -> None:
    msg, _, _, lang = who(update)
    text = addressed_text(msg, runtime(context), msg.text or "")
    if text is None or not await allowed(update, context):
        return
    if is_blank(text):  # whitespace or invisible characters only ("\u200b", "@bot \u200b" in a group)
        await refuse(update, context, esc(t(lang, "empty_text")))
        return
    if len(text) > MAX_TEXT_CHARS:
        await refuse(update, context, esc(t(lang, "too_long", limit=MAX_TEXT_CHARS)))
        return
    async with accepted(update, context) as place:
        await shop(update, context, place, text.strip(), None)


async def on_unsupported(update: Update, context: Ctx) -> None:
    """Stickers, voice, video, locations and anything else that is not text or a photo. The
    service message of a group's upgrade to a supergroup gets no answer: the supergroup goes on
    with the group's conversation."""
    msg, chat, _, lang = who(update)
    if msg.migrate_to_chat_id or msg.migrate_from_chat_id:
        old, new = (chat.id, msg.migrate_to_chat_id) if msg.migrate_to_chat_id else (msg.migrate_from_chat_id, chat.id)
        await runtime(context).sessions.move(int(old or 0), int(new or 0))
        return
    if chat.type == ChatType.PRIVATE and await allowed(update, context):
        await refuse(update, context, esc(t(lang, "unsupported")))


async def on_edited(update: Update, context: Ctx) -> None:
    _, chat, _, lang = who(update)
    if chat.type == ChatType.PRIVATE and await allowed(update, context):
        await refuse(update, context, esc(t(lang, "edited")))


# --- errors ---------------------------------------------------------------------------------------
async def on_error(update: object, context: Ctx) -> None:
    """The one error handler: log with the traceback, count it, apologise briefly. A message whose
    answer timed out or came back garbled most likely arrived, and a chat that blocked the bot takes
    no message: neither gets an apology. Nor does a Bot API that failed past the retries (an outage:
    one line, no traceback, as the apology would fail too), or that refused the token
    (``bot.stopping`` says so, and stops the bot)."""
    error = context.error
    doubtful = error is not None and maybe_delivered(error)
    failed = error is not None and lost(error)  # a chat that blocked the bot too: one line, no apology
    if doubtful:
        logger.warning("a message may not have arrived (%s: %s); it is not sent again", type(error).__name__, error)
    elif isinstance(error, InvalidToken):
        logger.debug("an answer was not sent: the token was rejected")
    elif error is not None and failed:
        chat = update.effective_chat if isinstance(update, Update) else None
        logger.warning("could not answer in chat %s: %s", chat.id if chat else "?", why_lost(error))
    else:
        logger.error("error while handling an update", exc_info=error)
    rt = context.bot_data.get("runtime")
    if rt is not None:
        try:
            await rt.metrics.error(type(context.error).__name__)
        except Exception:  # noqa: BLE001
            logger.warning("could not record an error", exc_info=True)
    if doubtful or failed:
        return
    if isinstance(update, Update) and update.effective_chat is not None and update.effective_chat.type != ChatType.CHANNEL:
        user = update.effective_user
        lang = lang_of(user.language_code if user else None)
        try:
            await context.bot.send_message(update.effective_chat.id, t(lang, "error"),
                                           **reply_kwargs(update.effective_message))
        except TelegramError as exc:
            logger.warning("could not send the apology (%s: %s)", type(exc).__name__, exc)
        except Exception:  # noqa: BLE001
            logger.warning("could not send the apology", exc_info=True)
