"""A shop's own catalog on the cards: article ids of any length or make carry working buttons, a long description
is shown whole across the Details card and the messages after it, invisible and direction-changing characters
stay out of the cards, and a "Tap a button" message that fails is logged as what it is. End to end: the real python-telegram-bot against the fake Bot API server (fake shopping
service)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.application import build_application, running
from bot.fake_api import Failure, FakeBotApi
from bot.i18n import t
from bot.rendering import CAPTION_LIMIT, MESSAGE_LIMIT, units
from bot.sending import to_plain
from catalog.models import Article
from tests.bot.conftest import Harness, bot_settings, fake_services_factory
from tests.bot.fakes import FakeCatalog, FakeShoppingService, make_articles, png_bytes

pytestmark = pytest.mark.asyncio(loop_scope="module")

LONG_ID = "product-1b4e28ba-2fa1-11d2-883f-0016d3cca427"  # 44 bytes: more than the button data can carry
PIPE_ID = "SKU|RED|42"  # the button data's separator
WORDS = "Soft organic cotton & recycled linen, cut for an easy fit <finely> woven in Portugal. "
DESCRIPTION = (WORDS * 18).strip()  # about 1,500 characters
LONGER = (WORDS * 60).strip()  # about 5,000: more than a text message


def gowns(image_dir: Path) -> list[Article]:
    def image(name: str) -> str:
        path = image_dir / f"{name}.png"
        path.write_bytes(png_bytes("teal"))
        return str(path)

    return [
        Article(LONG_ID, "Long Id Gown", product_type="Gown", colour="Teal", price=80.0, description="Teal gown.",
                image_path=image("long")),
        Article(PIPE_ID, "Pipe Id Gown", product_type="Gown", colour="Teal", price=60.0, description="Piped.",
                image_path=image("pipe")),
        Article("0200000001", "Story Robe", product_type="Robe", colour="Sand", price=45.0, description=DESCRIPTION,
                index_group="Ladieswear", image_path=image("robe")),
        Article("0200000002", "Essay Robe", product_type="Robe", colour="Stone", price=55.0, description=LONGER),
        Article("0200000003", "Zero\u200bWidth\u202eDress", product_type="Tunic", colour="Ink\u2066Blue\u2069",
                price=20.0, description="Plain\ufeff.", image_path=image("zero")),
    ]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shop(tmp_path_factory: Any) -> AsyncIterator[Harness]:
    tmp = tmp_path_factory.mktemp("bot-shop")
    catalog = FakeCatalog(make_articles(tmp / "images") + gowns(tmp / "images"))
    agent = FakeShoppingService(catalog)
    async with FakeBotApi() as api:
        settings = bot_settings(tmp, api)
        app = build_application(settings, fake_services_factory(catalog, agent, []), overall_max_rate=0)
        async with running(app, poll_timeout=0.5):
            h = Harness(api, app, settings)
            await h.rt.warmup.wait(30)
            yield h


def buttons(call: Any) -> list[list[str]]:
    return [[b["callback_data"] for b in row] for row in call.params["reply_markup"]["inline_keyboard"]]


async def test_buttons_work_for_long_article_ids_and_ids_with_the_separator(shop: Harness) -> None:
    api, chat = shop.api, 2101
    after = len(api.calls)
    api.send_text(chat, "a gown please")
    cards = await api.wait_for("sendMediaGroup", chat_id=chat, after=after)
    assert [m["caption"].count(aid) for m, aid in zip(cards.params["media"], (LONG_ID, PIPE_ID), strict=True)] == [1, 1]
    pick = await api.wait_for("sendMessage", chat_id=chat, after=after, where=lambda c: bool(c.params.get("reply_markup")))
    reply = await api.wait_for("sendMessage", chat_id=chat, after=after, where=lambda c: "picks for you" in c.text)
    assert reply.text == "Here are 2 picks for you."
    rows = buttons(pick)
    assert all(len(data.encode()) <= 64 for row in rows for data in row)
    for row, aid in zip(rows, (LONG_ID, PIPE_ID), strict=True):
        after = len(api.calls)
        api.press(chat, row[1])  # Details
        answer = await api.wait_for("answerCallbackQuery", after=after)
        assert "expired" not in str(answer.params.get("text"))
        card = await api.wait_for("sendPhoto", chat_id=chat, after=after)
        assert f"<code>{aid}</code>" in card.text
    after = len(api.calls)
    api.press(chat, rows[0][2])  # Cheaper than the long-id gown: the pipe-id one
    cheaper = await api.wait_for("sendPhoto", chat_id=chat, after=after)
    assert PIPE_ID in cheaper.text


async def test_a_long_id_button_still_works_after_a_restart(shop: Harness) -> None:
    """The restarted bot's signer has the same secret but never signed the long id: it learns the catalog's."""
    from bot.rendering import ButtonSigner

    api, chat = shop.api, 2102
    after = len(api.calls)
    api.send_text(chat, "a gown please")
    pick = await api.wait_for("sendMessage", chat_id=chat, after=after, where=lambda c: bool(c.params.get("reply_markup")))
    details = buttons(pick)[0][1]
    before = shop.rt.signer
    shop.rt.signer = ButtonSigner(before._secret)  # as a restart makes it: no key remembered
    try:
        assert shop.rt.signer.verify(details, chat) is None and shop.rt.signer.unknown_key(details, chat)
        after = len(api.calls)
        api.press(chat, details)
        answer = await api.wait_for("answerCallbackQuery", after=after)
        assert "expired" not in str(answer.params.get("text"))
        card = await api.wait_for("sendPhoto", chat_id=chat, after=after)
        assert f"<code>{LONG_ID}</code>" in card.text
        forged = details[:-2] + ("AA" if not details.endswith("AA") else "BB")
        assert not shop.rt.signer.unknown_key(forged, chat)  # a forged one is no unknown key: it stays stale
    finally:
        shop.rt.signer = before


async def test_details_of_a_long_description_shows_all_of_it(shop: Harness) -> None:
    api, chat = shop.api, 2102
    after = len(api.calls)
    api.send_text(chat, "a robe")
    kb = await api.wait_for("sendMessage", chat_id=chat, after=after, where=lambda c: bool(c.params.get("reply_markup")))
    await api.wait_for("sendMessage", chat_id=chat, after=after, where=lambda c: "picks for you" in c.text)
    await api.settle()
    for row, aid, description in zip(buttons(kb), ("0200000001", "0200000002"), (DESCRIPTION, LONGER), strict=True):
        after = len(api.calls)
        api.press(chat, row[1])
        await api.wait_for("answerCallbackQuery", after=after)
        await api.settle()
        sent = [c for c in api.calls[after:] if c.chat_id == chat and c.method in ("sendPhoto", "sendMessage")]
        card, rest = sent[0], sent[1:]
        assert f"<code>{aid}</code>" in card.text
        if card.method == "sendPhoto":  # the caption fits, the name, colour, price and groups kept
            assert units(to_plain(card.text)) <= units(card.text) <= CAPTION_LIMIT and "Ladieswear" in card.text
        assert rest and all(units(c.text) <= MESSAGE_LIMIT for c in rest)
        shown = " ".join([to_plain(card.text).split("\n\n", 1)[1], *(to_plain(c.text) for c in rest)])
        assert shown.startswith("Soft organic") and shown.replace("… …", " ").split() == description.split()


async def test_invisible_and_direction_changing_characters_stay_out_of_the_cards(shop: Harness) -> None:
    api, chat = shop.api, 2103
    after = len(api.calls)
    api.send_text(chat, "a tunic")
    card = await api.wait_for("sendPhoto", chat_id=chat, after=after)
    assert "ZeroWidthDress" in card.text and "InkBlue" in card.text
    assert not set(card.text) & {"\u200b", "\u202e", "\u2066", "\u2069", "\ufeff"}
    after = len(api.calls)
    api.press(chat, buttons(card)[0][1])
    details = await api.wait_for("sendPhoto", chat_id=chat, after=after)
    assert "Plain." in details.text and "\ufeff" not in details.text


async def test_a_failed_buttons_message_is_logged_as_that(shop: Harness, caplog: pytest.LogCaptureFixture) -> None:
    api, chat = shop.api, 2104
    api.fail(Failure("sendMessage", 400, "Bad Request: BUTTON_DATA_INVALID",
                     match=lambda p: p.get("chat_id") == chat and p.get("text") == t("en", "pick")))
    after = len(api.calls)
    with caplog.at_level(logging.WARNING):
        api.send_text(chat, "a black dress")
        await api.wait_for("sendMediaGroup", chat_id=chat, after=after)
        await api.wait_for("sendMessage", chat_id=chat, after=after, where=lambda c: "picks for you" in c.text)
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert [m for m in said if "but not the message with their buttons" in m and "button_data_invalid" in m.lower()]
    assert not [m for m in said if "could not send product cards" in m]
