"""The bot in groups and forum topics: answers go into the asker's topic and, in groups, as a
reply to the asker's message; personal things are for private chats only. End to end against the
fake Bot API server (fake shopping service)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.fake_api import BOT_USERNAME
from tests.bot.conftest import Harness

pytestmark = pytest.mark.asyncio(loop_scope="module")

SENDS = ("sendMessage", "sendPhoto", "sendMediaGroup")


def ask(h: Harness, chat: int, text: str, user: int, **fields: Any) -> int:
    """A message from ``user`` in the supergroup ``chat``; returns its message_id."""
    api = h.api
    entities = [{"type": "bot_command" if text.startswith("/") else "mention", "offset": 0,
                 "length": len(text.split()[0])}]
    msg = api.message(chat, chat_type="supergroup", user=api.user(user), text=text, entities=entities, **fields)
    api.push({"message": msg})
    return int(msg["message_id"])


async def test_answers_go_into_the_forum_topic_as_replies(fake_bot: Harness) -> None:
    api, chat = fake_bot.api, -1400
    after = len(api.calls)
    asked = ask(fake_bot, chat, f"@{BOT_USERNAME} a red dress", 1401, is_topic_message=True, message_thread_id=77)
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "picks" in c.text, after=after)
    await api.settle(0.5)
    sent = [c for c in api.calls[after:] if c.chat_id == chat and c.method in SENDS]
    assert {c.method for c in sent} >= {"sendMessage", "sendMediaGroup"}
    for call in sent:
        assert call.params.get("message_thread_id") == 77, call
        assert call.params.get("reply_parameters") == {"message_id": asked, "allow_sending_without_reply": True}, call
    typing = [c for c in api.calls[after:] if c.chat_id == chat and c.method == "sendChatAction"]
    assert typing and all(c.params.get("message_thread_id") == 77 for c in typing)


async def test_group_answers_reply_to_the_asker_and_private_ones_do_not(fake_bot: Harness) -> None:
    api, chat = fake_bot.api, -1410
    asked = ask(fake_bot, chat, f"/help@{BOT_USERNAME}", 1411)
    answer = await api.wait_for("sendMessage", chat_id=chat)
    assert answer.params.get("reply_parameters") == {"message_id": asked, "allow_sending_without_reply": True}
    assert "message_thread_id" not in answer.params
    api.send_text(1412, "/help")
    private = await api.wait_for("sendMessage", chat_id=1412)
    assert "reply_parameters" not in private.params and "message_thread_id" not in private.params
