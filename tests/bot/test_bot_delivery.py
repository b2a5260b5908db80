"""Messages that may or may not have arrived: a lost edit while the reply streams, a reply whose
answer timed out or came back garbled, a stored photo id Telegram no longer knows. None of them
fails the turn or brings an apology. End to end against the fake Bot API server."""

from __future__ import annotations

import pytest

from bot.fake_api import Failure
from tests.bot.conftest import Harness

pytestmark = pytest.mark.asyncio(loop_scope="module")

APOLOGY = "something went wrong"
WORDS = " ".join(f"word{i}" for i in range(14))


def apologies(h: Harness, chat: int) -> list[str]:
    return [c.text for c in h.api.calls_to("sendMessage", chat) if APOLOGY in c.text]


async def test_a_lost_edit_sends_the_whole_reply_in_a_new_message(fake_bot: Harness) -> None:
    api, chat = fake_bot.api, 1300
    # every try of the first edit hangs past the client's read timeout
    api.fail(Failure("editMessageText", 200, "", match=lambda p: int(p["chat_id"]) == chat, delay_s=6, times=3))
    api.send_text(chat, "trickle please")
    final = await api.wait_for("sendMessage", chat_id=chat, where=lambda c: c.text == WORDS, wait_s=40)
    first = api.calls_to("sendMessage", chat)[0]
    assert first is not final and first.text.startswith("word0") and first.text != WORDS  # the streamed start
    await api.settle(0.5)
    assert len(api.calls_to("editMessageText", chat)) == 3  # the one edit and its two retries: then no more
    assert not apologies(fake_bot, chat)


@pytest.mark.parametrize(("chat", "failure"), [
    (1310, Failure("sendMessage", 200, "", delay_s=6)),  # answered after the client gave up
    (1311, Failure("sendMessage", 200, "", raw_body="{not json")),  # a garbled answer
    (1312, Failure("sendMessage", 403, "Forbidden: bot was blocked by the user")),  # nobody to apologise to
])
async def test_a_reply_that_may_have_arrived_gets_no_apology(fake_bot: Harness, chat: int, failure: Failure) -> None:
    api = fake_bot.api
    failure.match = lambda p: int(p["chat_id"]) == chat
    api.fail(failure)
    errors = len(await fake_bot.rt.metrics.rows("SELECT * FROM bot_errors"))
    api.send_text(chat, "/help")
    await api.wait_for("sendMessage", chat_id=chat)
    for _ in range(100):  # until the error handler has seen it (a hang takes the read timeout)
        if len(await fake_bot.rt.metrics.rows("SELECT * FROM bot_errors")) > errors:
            break
        await api.settle(0.2)
    await api.settle(0.5)
    assert len(api.calls_to("sendMessage", chat)) == 1 and not apologies(fake_bot, chat)


async def test_a_stored_photo_id_telegram_refuses_is_uploaded_again(fake_bot: Harness) -> None:
    api, chat = fake_bot.api, 1320
    media = fake_bot.rt.media
    media.file_ids["0100000005"] = "GONE-FILE-ID"  # the red tee: its only image card
    api.fail(Failure("sendPhoto", 400, "Bad Request: wrong file identifier/HTTP URL specified",
                     match=lambda p: p.get("photo") == "GONE-FILE-ID"))
    api.send_text(chat, "a red tee")
    upload = await api.wait_for("sendPhoto", chat_id=chat, where=lambda c: "photo" in c.files)
    assert upload.files["photo"].startswith(b"\x89PNG") and "Tee" in upload.text
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "picks" in c.text)
    await api.settle(0.5)
    assert not apologies(fake_bot, chat) and media.file_ids["0100000005"] != "GONE-FILE-ID"
