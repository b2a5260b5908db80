"""Which product a message points at by replying to one of the bot's cards: the one article id of the card's caption;
none for a reply to someone else's message, or to a message of the bot naming several products."""

from __future__ import annotations

import time
from typing import Any

from telegram import Message

from bot.card_reply import card_article

BOT = 42


def message(reply: dict[str, Any] | None) -> Message:
    chat = {"id": 7, "type": "private"}
    data: dict[str, Any] = {"message_id": 2, "date": int(time.time()), "chat": chat, "text": "more like this one",
                            "from": {"id": 7, "is_bot": False, "first_name": "Ann"}}
    if reply is not None:
        data["reply_to_message"] = {"message_id": 1, "date": int(time.time()), "chat": chat, **reply}
    return Message.de_json(data, None)  # type: ignore[return-value]


def by(user_id: int, **fields: Any) -> dict[str, Any]:
    return {"from": {"id": user_id, "is_bot": user_id == BOT, "first_name": "X"}, **fields}


def test_the_card_replied_to_names_the_product() -> None:
    assert card_article(message(by(BOT, caption="Shirt dress · 26.99\nArticle: 0512466002")), BOT) == "0512466002"


def test_no_product_without_one_card_of_the_bot() -> None:
    assert card_article(message(None), BOT) is None
    assert card_article(message(by(8, caption="Article: 0512466002")), BOT) is None  # another user's message
    listing = "0512466002 · Shirt dress\n0512058003 · Maxi dress"
    assert card_article(message(by(BOT, text=listing)), BOT) is None  # several products
    assert card_article(message(by(BOT, text="Hi! I'm your fashion assistant")), BOT) is None


def code(caption: str, *ids: str) -> dict[str, Any]:
    """A caption as Telegram hands it back: plain text, and a ``code`` entity for each id (UTF-16 offsets)."""
    def offset(i: str) -> int:
        return len(caption[: caption.index(i)].encode("utf-16-le")) // 2

    return {"caption": caption, "caption_entities": [
        {"type": "code", "offset": offset(i), "length": len(i.encode("utf-16-le")) // 2} for i in ids]}


def test_any_article_id_of_a_shop_catalog_is_read_from_the_cards_code_entity() -> None:
    uuid = "product-1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    card = code(f"Long Id Gown 👗\nTeal · Gown\nPrice: 80.00\nArticle: {uuid}", uuid)
    assert card_article(message(by(BOT, **card)), BOT) == uuid
    assert card_article(message(by(BOT, **code("Article: SKU|RED|42", "SKU|RED|42"))), BOT) == "SKU|RED|42"
    several = code("1. A\nArticle: sku-1\n\n2. B\nArticle: sku-2", "sku-1", "sku-2")
    assert card_article(message(by(BOT, **several)), BOT) is None
