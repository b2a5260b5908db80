"""The product a message points at by answering its card: in Telegram a shopper replies to one of the bot's product
cards ("more like this one", "in black?"), and the turn is about that product (``agent.turn.Session.about``).

A card's caption names its article id (``rendering.card_caption``) in its one ``code`` entity, which Telegram hands
back with the message: so any id of a shop's own catalog ("product-<uuid>") is read as it is; without entities, the
10-digit ids of the text count. Only the bot's own messages count, and one that names several products (a
purchase list, a text listing) points at none of them.
"""

from __future__ import annotations

from telegram import Message, MessageEntity

from agent.intents import find_article_ids
from bot.mentions import replied_to_bot


def card_article(msg: Message | None, bot_id: int) -> str | None:
    """The article id of the bot's product card that ``msg`` replies to, else None."""
    if msg is None or not replied_to_bot(msg, bot_id):
        return None
    reply = msg.reply_to_message
    assert reply is not None
    kinds: list[str | None] = [MessageEntity.CODE]
    codes = list((reply.parse_caption_entities(kinds) if reply.caption else reply.parse_entities(kinds)).values())
    if codes:  # one card: its id; several cards in one message, or a purchase list: none
        return codes[0].strip() or None if len(codes) == 1 else None
    ids = find_article_ids(reply.caption or reply.text or "")
    return ids[0] if len(ids) == 1 else None
