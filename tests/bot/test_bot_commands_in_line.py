"""Commands that change a conversation take their place in the chat's line: sent behind a
message, they act once its answer is out, not in the middle of it."""

from __future__ import annotations

import asyncio

import pytest

from tests.bot.conftest import Harness

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_a_reset_sent_behind_a_message_forgets_the_conversation_after_its_answer(fake_bot: Harness) -> None:
    api, agent = fake_bot.api, fake_bot.rt.services.agent
    chat = 2301
    after = len(api.calls)
    api.send_text(chat, "trickle dress")  # its reply trickles in over about 3.5 s
    api.send_text(chat, "/reset")
    await api.wait_for("sendMediaGroup", chat_id=chat, after=after)
    await asyncio.sleep(0.5)
    assert f"tg:{chat}" not in agent.resets  # the turn is still answering: the reset waits for it
    done = await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "forgotten" in c.text, after=after, wait_s=15)
    assert agent.resets.count(f"tg:{chat}") == 1
    assert api.shown(chat)[-1] == done.text  # after the whole reply, never before it
    assert any("word13" in text for text in api.shown(chat))
