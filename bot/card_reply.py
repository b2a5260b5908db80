"""The product a message points at by answering its card: in Telegram a shopper replies to one of the bot's product
cards ("more like this one", "in black?"), and the turn is about that product (``agent.turn.Session.about``).

A card's caption names its article id (``rendering.card_caption``). Only the bot's own messages count, and one that
names several products (a purchase list, a text listing) points at none of them.
"""

from __future__ import annotations

from telegram import Message

from agent.intents import find_article_ids


def card_article(msg: Message | None, bot_id: int) -> str | None:
    """The article id of the bot's product card that ``msg`` replies to, else None."""
    reply = msg.reply_to_message if msg is not None else None
    if reply is None or reply.from_user is None or reply.from_user.id != bot_id:
        return None
    ids = find_article_ids(reply.caption or reply.text or "")
    return ids[0] if len(ids) == 1 else None
