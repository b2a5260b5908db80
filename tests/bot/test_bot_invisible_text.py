"""A message of only invisible characters (zero-width space, joiners, the byte-order mark) says nothing: it gets the
same "Tell me what you're looking for" as a message of spaces, in a private chat and after the bot's mention in a
group, and runs no search. A zero-width joiner inside an emoji is passed on as it was typed. End to end against the
fake Bot API server (fake shopping service)."""

from __future__ import annotations

import pytest

from bot.fake_api import BOT_USERNAME
from tests.bot.conftest import Harness

pytestmark = pytest.mark.asyncio(loop_scope="module")

EMPTY = "Tell me what you're looking for"


@pytest.mark.parametrize(("chat", "text"), [(1501, "\u200b\u200b"), (1502, "\u200b\u200c\u200d\ufeff"),
                                            (1503, " \u2060\u200e \u00ad "), (1504, "   ")])
async def test_invisible_text_in_a_private_chat_is_empty(fake_bot: Harness, chat: int, text: str) -> None:
    api, agent = fake_bot.api, fake_bot.rt.services.agent
    api.send_text(chat, text)
    assert (await api.wait_for("sendMessage", chat_id=chat)).text.startswith(EMPTY)
    await api.settle()
    assert not [s for s, _, _ in agent.seen if s.session_id == f"tg:{chat}"]
    assert len(api.calls_to("sendMessage", chat)) == 1 and not api.calls_to("sendMediaGroup", chat)


async def test_a_mention_followed_by_invisible_text_in_a_group_is_empty(fake_bot: Harness) -> None:
    api, agent = fake_bot.api, fake_bot.rt.services.agent
    mention = f"@{BOT_USERNAME}"
    for chat, text in [(-1510, f"{mention} \u200b"), (-1511, f"{mention}\u200b\u200d")]:
        msg = api.message(chat, chat_type="supergroup", user=api.user(1510 - chat), text=text,
                          entities=[{"type": "mention", "offset": 0, "length": len(mention)}])
        api.push({"message": msg})
        assert (await api.wait_for("sendMessage", chat_id=chat)).text.startswith(EMPTY)
    await api.settle()
    assert not [s for s, _, _ in agent.seen if s.session_id in ("tg:-1510", "tg:-1511")]


async def test_an_emoji_with_a_joiner_is_passed_on_as_typed(fake_bot: Harness) -> None:
    api, agent = fake_bot.api, fake_bot.rt.services.agent
    text = "\U0001f469\u200d\U0001f4bb a red dress"
    api.send_text(1520, text)
    await api.wait_for("sendMessage", chat_id=1520, where=lambda c: "picks" in c.text)
    assert [t for s, t, _ in agent.seen if s.session_id == "tg:1520"] == [text]
