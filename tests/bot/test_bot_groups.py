"""The bot in groups and forum topics: answers go into the asker's topic and, in groups, as a
reply to the asker's message; personal things are for private chats only. End to end against the
fake Bot API server (fake shopping service)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.fake_api import BOT_USERNAME
from bot.sessions import ChatSessions
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


async def test_history_in_a_group_points_to_a_private_chat(fake_bot: Harness) -> None:
    api, rt, chat, user = fake_bot.api, fake_bot.rt, -1420, 1421
    await rt.linker.redeem((await rt.linker.issue("cust-2")).code, user)  # a linked shopper
    ask(fake_bot, chat, f"/history@{BOT_USERNAME}", user)
    answer = await api.wait_for("sendMessage", chat_id=chat)
    assert "only in a private chat" in answer.text and f"@{BOT_USERNAME}" in answer.text
    assert "link" not in answer.text.lower()
    ask(fake_bot, chat, f"@{BOT_USERNAME} what did I buy?", user)  # the same asked in words: the agent is told
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "Nothing matched" in c.text)  # it is a group
    session = rt.services.agent.seen[-1][0]
    assert session.customer_id is None and session.channel == "telegram_group"


async def test_a_link_opened_in_a_group_is_kept_for_the_private_chat(fake_bot: Harness) -> None:
    api, rt, chat, user = fake_bot.api, fake_bot.rt, -1430, 1431
    code = (await rt.linker.issue("cust-1")).code
    ask(fake_bot, chat, f"/start@{BOT_USERNAME} {code}", user)
    note = await api.wait_for("sendMessage", chat_id=chat)
    assert "private chat" in note.text and await rt.links.customer_of(user) is None
    api.send_text(user, f"/start {code}", user=api.user(user))  # the code was not used up
    assert "now linked" in (await api.wait_for("sendMessage", chat_id=user)).text
    assert await rt.links.customer_of(user) == "cust-1"
    after = len(api.calls)
    ask(fake_bot, chat, f"/start@{BOT_USERNAME} badcode123", user)  # no link code at all: refused there as anywhere
    assert "doesn't work" in (await api.wait_for("sendMessage", chat_id=chat, after=after)).text


def say(h: Harness, chat: int, text: str, user: int, entities: list[dict[str, Any]] | None = None) -> None:
    api = h.api
    fields: dict[str, Any] = {"entities": entities} if entities else {}
    api.push({"message": api.message(chat, chat_type="supergroup", user=api.user(user), text=text, **fields)})


async def test_only_a_real_mention_of_the_bot_addresses_it(fake_bot: Harness) -> None:
    api, agent = fake_bot.api, fake_bot.rt.services.agent
    other_bot, mail = f"@{BOT_USERNAME}_fake show me blue jeans", f"write to sales@{BOT_USERNAME}.example.com about returns"
    say(fake_bot, -1440, other_bot, 1441, [{"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 6}])
    say(fake_bot, -1440, mail, 1441, [{"type": "email", "offset": 9, "length": len(BOT_USERNAME) + 19}])
    say(fake_bot, -1441, other_bot, 1441)  # no entities (an older client, a forwarded text): a whole-word match
    say(fake_bot, -1441, mail, 1441)
    say(fake_bot, -1442, f"a red dress @{BOT_USERNAME.upper()} please", 1442)
    mention = f"@{BOT_USERNAME}"
    say(fake_bot, -1443, f"👗 {mention}, a black dress", 1443, [{"type": "mention", "offset": 3, "length": len(mention)}])
    await api.wait_for("sendMessage", chat_id=-1442, where=lambda c: "picks" in c.text)
    await api.wait_for("sendMessage", chat_id=-1443, where=lambda c: "picks" in c.text)
    await api.settle()
    assert not [c for c in api.calls if c.chat_id in (-1440, -1441)]
    asked = [text for session, text, _ in agent.seen if session.session_id in ("tg:-1442", "tg:-1443")]
    assert sorted(asked) == ["a red dress please", "👗 a black dress"]  # only the bot's own mention is taken out


async def test_a_group_upgraded_to_a_supergroup_keeps_its_conversation(fake_bot: Harness) -> None:
    api, rt, agent = fake_bot.api, fake_bot.rt, fake_bot.rt.services.agent
    group, supergroup, user = -1450, -1001450, 1451
    say(fake_bot, group, f"@{BOT_USERNAME} black jeans", user)
    await api.wait_for("sendMessage", chat_id=group, where=lambda c: "picks" in c.text or "Nothing" in c.text)
    await api.settle()
    after = len(api.calls)
    sender = api.user(user)  # Telegram sends a service message to each chat
    api.push({"message": api.message(group, chat_type="group", user=sender, migrate_to_chat_id=supergroup)})
    api.push({"message": api.message(supergroup, chat_type="supergroup", user=sender, migrate_from_chat_id=group)})
    say(fake_bot, supergroup, f"@{BOT_USERNAME} cheaper ones", user)
    await api.wait_for("sendMessage", chat_id=supergroup, where=lambda c: "picks" in c.text or "Nothing" in c.text)
    assert [s.session_id for s, text, _ in agent.seen if text == "cheaper ones"] == [f"tg:{group}"]
    ask(fake_bot, supergroup, f"/reset@{BOT_USERNAME}", user)
    await api.wait_for("sendMessage", chat_id=supergroup, where=lambda c: "forgotten" in c.text)
    assert agent.resets[-1] == f"tg:{group}"
    api.press(supergroup, rt.signer.sign("cheaper", "0100000001", supergroup), user=api.user(user))
    await api.wait_for("sendPhoto", chat_id=supergroup, where=lambda c: "0100000006" in c.text)
    await api.settle()
    assert agent.recorded[-1] == (f"tg:{group}", ["0100000006"], "0100000001", "cheaper")  # what its messages refer to
    await api.settle()
    assert not [c for c in api.calls[after:] if c.chat_id == group]  # the service messages get no answer
    assert await ChatSessions(rt.services.db).session_id(supergroup) == f"tg:{group}"  # after a restart too
