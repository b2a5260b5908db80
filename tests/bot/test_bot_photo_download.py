"""A shopper's photo that is slow to download shows "typing…" meanwhile; one Telegram will not let the bot
download (over 20 MB) asks for a smaller one. End to end against the fake Bot API server."""

from __future__ import annotations

import pytest

from bot.fake_api import Failure
from bot.i18n import t
from tests.bot.conftest import Harness
from tests.bot.fakes import png_bytes

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_a_slow_photo_download_shows_typing(fake_bot: Harness) -> None:
    api, chat = fake_bot.api, 2601
    after = len(api.calls)
    api.delays["getFile"] = 2.0
    try:
        api.send_photo(chat, png_bytes("black"))
        get_file = await api.wait_for("getFile", after=after)
        await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "picks" in c.text)
    finally:
        api.delays.clear()
    typing = api.calls_to("sendChatAction", chat)
    assert typing and typing[0].at < get_file.at + 1.0  # while getFile was answering, not once it had


async def test_a_photo_too_big_to_download_asks_for_a_smaller_one(fake_bot: Harness) -> None:
    api, chat = fake_bot.api, 2602
    api.fail(Failure("getFile", 400, "Bad Request: file is too big"))
    api.send_photo(chat, png_bytes("black"), file_size=0)  # no size said, as for some documents
    reply = await api.wait_for("sendMessage", chat_id=chat)
    assert reply.text == t("en", "too_large")  # not "please send it again": that could not help
    assert "20 MB" in reply.text


async def test_a_photo_stopped_while_it_downloads_gets_no_answer_after_the_stop(fake_bot: Harness) -> None:
    api, chat = fake_bot.api, 2603
    after = len(api.calls)
    api.fail(Failure("getFile", 400, "Bad Request: file is too big", delay_s=1.5))
    api.send_photo(chat, png_bytes("black"), file_size=0)
    await api.wait_for("getFile", after=after)
    api.send_text(chat, "/cancel")  # while getFile answers
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: c.text == t("en", "cancelled"), after=after)
    await api.settle(2.5)
    assert api.shown(chat) == [t("en", "cancelled")]  # "Stopped." is its answer: no "too large" after it
    api.send_text(chat, "a red t-shirt")  # the next message is answered as usual
    assert "0100000005" in (await api.wait_for("sendPhoto", chat_id=chat, after=after)).text
