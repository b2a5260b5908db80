"""A 429 (``retry_after``) holds back the calls for its own chat only, and one for a call without a
chat holds back every call; the call that got it is made again once the wait is over. End to
end against the fake Bot API server."""

from __future__ import annotations

import asyncio

import pytest

from bot.fake_api import Failure
from tests.bot.conftest import Harness

pytestmark = pytest.mark.asyncio(loop_scope="module")

RETRY_AFTER_S = 2


def too_many(method: str, chat: int | None = None) -> Failure:
    return Failure(method, 429, f"Too Many Requests: retry after {RETRY_AFTER_S}", retry_after=RETRY_AFTER_S,
                   match=None if chat is None else (lambda p: int(p["chat_id"]) == chat))


async def test_a_429_for_one_chat_does_not_hold_back_the_others(fake_bot: Harness) -> None:
    api, flooded, other = fake_bot.api, 1500, 1501
    api.fail(too_many("sendMessage", flooded))
    api.send_text(flooded, "/help")
    refused = await api.wait_for("sendMessage", chat_id=flooded)
    api.send_text(other, "/help")
    answered = await api.wait_for("sendMessage", chat_id=other)
    retried = await api.wait_for("sendMessage", chat_id=flooded, where=lambda c: c is not refused)
    assert answered.at - refused.at < RETRY_AFTER_S / 2  # not held back by the other chat's wait
    assert retried.at - refused.at >= RETRY_AFTER_S  # the flooded chat waited its retry_after
    assert "What I can do" in answered.text and retried.text == answered.text


async def test_a_429_for_a_call_without_a_chat_holds_back_every_call(fake_bot: Harness) -> None:
    api, chat = fake_bot.api, 1510
    api.fail(too_many("getMe"))
    get_me = asyncio.create_task(fake_bot.app.bot.get_me())
    refused = await api.wait_for("getMe")
    api.send_text(chat, "/help")
    answered = await api.wait_for("sendMessage", chat_id=chat)
    assert answered.at - refused.at >= RETRY_AFTER_S
    assert (await get_me).username == "reclmms_test_bot"


async def test_a_chats_later_messages_wait_for_the_one_that_got_a_429(fake_bot: Harness) -> None:
    """The retried answer goes first: a chat's answers keep their order through a 429."""
    api, chat = fake_bot.api, 1520
    api.fail(too_many("sendMessage", chat))
    api.send_text(chat, "/help")
    refused = await api.wait_for("sendMessage", chat_id=chat)
    for _ in range(3):
        api.send_text(chat, "/start")
        await asyncio.sleep(0.2)
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: c is not refused and "What I can do" in c.text)
    await api.settle(1.0)
    sent = [c.text for c in api.calls_to("sendMessage", chat)][1:]  # after the refused one
    assert "What I can do" in sent[0], sent
    assert len(sent) == 4
