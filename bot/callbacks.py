"""Inline buttons under product cards: More like this · Details · Cheaper."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import lang_of, t
from bot.runtime import runtime
from bot.sending import send_cards
from catalog.models import SearchFilters

logger = logging.getLogger(__name__)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    rt = runtime(context)
    user = query.from_user
    lang = lang_of(user.language_code)
    chat = update.effective_chat
    button = rt.signer.verify(query.data or "", chat.id) if chat is not None else None
    if chat is None or button is None:
        logger.info("stale or forged button data from user %d", user.id)
        await query.answer(t(lang, "stale_button"), show_alert=False)
        return
    wait = rt.limiter.hit(user.id)
    if wait:
        await query.answer(t(lang, "rate_limited", seconds=int(wait) + 1))
        return
    catalog = rt.services.catalog
    found = await catalog.get_articles([button.article_id])
    if not found:
        await query.answer(t(lang, "gone"))
        return
    article = found[0]
    limit = rt.settings.agent.max_products
    async with rt.turns.slot(chat.id):
        if button.action == "details":
            await query.answer()
            await send_cards(context.bot, chat.id, [article], lang, rt.signer, rt.media, details=True, buttons=False)
            return
        if button.action == "cheaper":
            if article.price is None:
                await query.answer(t(lang, "no_cheaper"))
                return
            hits = await catalog.similar_to(article.article_id, SearchFilters(max_price=article.price), k=limit * 3)
            items = [h.article for h in hits if h.article.price is not None and h.article.price < article.price][:limit]
            if not items:
                await query.answer(t(lang, "no_cheaper"))
                return
        else:
            hits = await catalog.similar_to(article.article_id, k=limit)
            items = [h.article for h in hits][:limit]
            if not items:
                await query.answer(t(lang, "no_similar"))
                return
        await query.answer()
        await send_cards(context.bot, chat.id, items, lang, rt.signer, rt.media)
