"""Inline buttons under product cards: More like this · Details · Cheaper.

The press is answered at once (that stops the button's spinner), before any catalog work and
without waiting for a turn that is running in the chat; the cards follow in the chat's turn. Until
they are sent the press is kept in ``bot_pending`` (``bot.pending``), so a crash meanwhile does not
lose it: after the restart the cards come, after a short "sorry for the wait". The same button pressed
again while its cards are on their way is answered ("already on it") but not run again; /cancel stops a
press's cards as it stops a message's answer.

The products a press shows become the ones the conversation refers to, as a message's would
(``ShoppingService.record_shown``): after "Cheaper", "the second one" is the second cheaper product and
"in blue" refines those look-alikes; after "Details", "it" is that product.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from agent.turn import Session
from bot.i18n import lang_of, t
from bot.pending import describe
from bot.rendering import ButtonData, esc
from bot.runtime import BotRuntime, runtime
from bot.sending import reply_kwargs, send_cards, send_html
from catalog.models import Article, SearchFilters
from reclmms.errors import ReclmmsError, SearchUnavailableError

logger = logging.getLogger(__name__)


async def _answer(query: CallbackQuery, text: str | None = None) -> None:
    """Answer the press; a late or failed answer (e.g. "query is too old") never stops the work."""
    try:
        await query.answer(text)
    except TelegramError as exc:
        logger.info("could not answer a button press: %s", exc)


async def _items(rt: BotRuntime, action: str, article: Article) -> tuple[list[Article], str]:
    """The products a button shows, or none and the key of the note that says why."""
    catalog = rt.services.catalog
    limit = rt.settings.agent.max_products
    if action == "details":
        return [article], ""
    if action == "cheaper":  # the same kind of product first ("a cheaper dress"), then anything alike
        if article.price is None:
            return [], "no_cheaper"
        tries = [SearchFilters(max_price=article.price, product_type=article.product_type or None),
                 SearchFilters(max_price=article.price)]
        for filters in dict.fromkeys(tries):
            hits = await catalog.similar_to(article.article_id, filters, k=limit * 3)
            items = [h.article for h in hits if h.article.price is not None and h.article.price < article.price]
            if items:
                return items[:limit], ""
        return [], "no_cheaper"
    hits = await catalog.similar_to(article.article_id, k=limit)
    return [h.article for h in hits][:limit], "no_similar"


async def _remember(rt: BotRuntime, chat_id: int, action: str, article: Article, items: list[Article]) -> None:
    """The agent's conversation of the chat (the one its messages go on with) takes in what the press showed.
    The cards are out already: a failure here is logged, and the shopper is not told."""
    filters = {"max_price": article.price} if action == "cheaper" else {}
    try:
        session = Session(await rt.sessions.session_id(chat_id))
        await rt.agent.record_shown(session, items, source=article.article_id, action=action, filters=filters)
    except Exception:  # noqa: BLE001 - the press was answered; only its memory is lost
        logger.warning("could not record the products of a %s press in chat %d", action, chat_id, exc_info=True)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    rt = runtime(context)
    user = query.from_user
    lang = lang_of(user.language_code)
    chat = update.effective_chat
    resumed = rt.pending.is_resumed(update)  # pressed before a restart: answered and counted then
    wait = 0.0 if resumed else rt.limiter.hit(user.id)  # every press, stale ones too, is answered
    if wait:
        await _answer(query, t(lang, "rate_limited", seconds=int(wait) + 1))
        return
    button = rt.signer.verify(query.data or "", chat.id) if chat is not None else None
    if button is None and chat is not None and not rt.signer.catalog_learned \
            and rt.signer.unknown_key(query.data or "", chat.id):
        await _learn_keys(rt)  # a product with a long id, shown before a restart: its key is in the catalog
        button = rt.signer.verify(query.data or "", chat.id)
    if chat is None or button is None:  # no chat: a press on a message sent in inline mode, which has no cards of ours
        logger.info("stale or forged button data from user %d%s", user.id, " (an inline message)" if chat is None else "")
        await _answer(query, t(lang, "stale_button"))
        return
    data = query.data or ""
    if rt.turns.holds(chat.id, data):  # pressed again while the first press's cards are on their way: once is enough
        await _answer(query, t(lang, "button_busy"))
        return
    # in line at once (no await since ``holds``), after the messages that came before it; kept until its cards are
    # sent, across a crash; /cancel stops it as it stops a message's answer
    async with rt.turns.line(chat.id, limit=False, stoppable=True, key=data) as place, rt.pending.holding(update):
        assert place is not None
        if not resumed:
            await rt.count_request(update)
            await _answer(query)
        found = await rt.services.catalog.get_articles([button.article_id])
        try:
            items, empty_note = await _items(rt, button.action, found[0]) if found else ([], "gone")
        except SearchUnavailableError as exc:  # the search index is down: say so, no traceback
            logger.warning("button %s: %s", button.action, exc)
            items, empty_note = [], "search_unavailable"
        reply = reply_kwargs(query.message)  # its topic; in a group, a reply to the cards pressed
        await place.wait_turn()  # after a running turn's answer, never inside it
        await rt.pending.started(update.update_id)
        await rt.turns.run(place, _show(update, context, button, lang, found[0] if found else None, items,
                                        empty_note, reply))


async def _show(update: Update, context: ContextTypes.DEFAULT_TYPE, button: ButtonData, lang: str,
                article: Article | None, items: list[Article], empty_note: str, reply: dict[str, Any]) -> None:
    """The press's cards (or the note that says why there are none), as the chat's turn."""
    rt, chat = runtime(context), update.effective_chat
    assert chat is not None
    if rt.pending.is_resumed(update):
        await send_html(context.bot, chat.id, esc(t(lang, "restart_resumed", what=describe(update, lang))), **reply)
    if not items or article is None:
        await send_html(context.bot, chat.id, esc(t(lang, empty_note)), **reply)
        return
    if button.action == "details":
        await send_cards(context.bot, chat.id, items, lang, rt.signer, rt.media, details=True, buttons=False, **reply)
    else:
        await send_cards(context.bot, chat.id, items, lang, rt.signer, rt.media, **reply)
    await _remember(rt, chat.id, button.action, article, items)


async def _learn_keys(rt: BotRuntime) -> None:
    """Teach the signer the keys of the catalog's article ids that buttons carry as keys (read once a restart:
    a catalog of 10-digit H&M ids has none)."""
    try:
        learned = rt.signer.learn(await rt.services.catalog.article_ids())
    except ReclmmsError as exc:  # the press is then stale, as before; a later press reads the catalog again
        logger.warning("could not read the catalog's article ids for a button: %s", exc)
        return
    rt.signer.catalog_learned = True  # once: ids shown since are signed here, so known
    logger.info("button keys of %d long article ids learned from the catalog", learned)

