"""/cancel stops the answer in the chat's line it was sent for, never a later message's; a button pressed twice
runs once; in groups only commands addressed to the bot are acted on. End to end against the fake Bot API
server (fake shopping service), and ChatTurns offline."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.fake_api import BOT_ID, BOT_USERNAME
from bot.i18n import t
from bot.runtime import ChatTurns
from tests.bot.conftest import Harness

pytestmark = pytest.mark.asyncio(loop_scope="module")

SENDS = ("sendMessage", "sendPhoto", "sendMediaGroup")


async def test_a_cancel_with_only_a_button_press_in_line_never_stops_the_next_message() -> None:
    turns, chat = ChatTurns(), 42
    loading = asyncio.Event()

    async def press() -> tuple[bool, str | None]:  # as bot.callbacks.on_button
        async with turns.line(chat, limit=False, stoppable=True, key="more|1") as place:
            assert place is not None
            await loading.wait()  # the catalog's look-alikes
            await place.wait_turn()
            return await turns.run(place, asyncio.sleep(0, "cards"))

    async def message(text: str) -> tuple[bool, str | None]:  # as bot.handlers.on_text -> shop
        async with turns.line(chat, stoppable=True) as place:
            assert place is not None
            await place.wait_turn()
            return await turns.run(place, asyncio.sleep(0.05, f"answer to {text}"))

    pressed = asyncio.create_task(press())
    await asyncio.sleep(0)
    assert turns.cancel(chat)  # "Stopped.": the press's cards, which have not begun
    sent = asyncio.create_task(message("red dress"))  # sent after the /cancel
    await asyncio.sleep(0.01)
    loading.set()
    assert await pressed == (False, None)
    assert await sent == (True, "answer to red dress")
    assert not turns.busy(chat)


async def test_a_cancel_never_stops_a_message_behind_a_reset() -> None:
    turns, chat = ChatTurns(), 43
    resetting = asyncio.Event()

    async def reset() -> None:  # as bot.handlers.reset: in line, but no answer to stop
        async with turns.line(chat, limit=False) as place:
            assert place is not None
            await resetting.wait()

    started = asyncio.create_task(reset())
    await asyncio.sleep(0)
    assert not turns.cancel(chat)  # "There's nothing to stop right now."
    async with turns.line(chat, stoppable=True) as place:  # a message sent after the /cancel
        assert place is not None
        resetting.set()
        await place.wait_turn()
        assert await turns.run(place, asyncio.sleep(0, "answer")) == (True, "answer")
    await started


async def test_a_cancel_right_behind_a_press_stops_its_cards_and_the_next_message_is_answered(
    fake_bot: Harness,
) -> None:
    api, rt = fake_bot.api, fake_bot.rt
    chat = 2501
    after = len(api.calls)
    api.press(chat, rt.signer.sign("more", "0100000001", chat))  # "More like this"...
    api.send_text(chat, "/cancel")  # ...stopped while its look-alikes load...
    api.send_text(chat, "a red t-shirt")  # ...and a message sent after the /cancel
    photo = await api.wait_for("sendPhoto", chat_id=chat, after=after)
    assert "0100000005" in photo.text  # the message's answer came
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "picks" in c.text, after=after)
    await api.settle()
    assert api.shown(chat)[0] == t("en", "cancelled")
    assert not api.calls_to("sendMediaGroup", chat)  # the press's look-alikes (two dresses) never came
    assert not rt.turns.busy(chat)


async def test_a_button_pressed_twice_at_once_shows_its_cards_once(fake_bot: Harness) -> None:
    api, rt = fake_bot.api, fake_bot.rt
    chat = 2502
    api.send_text(chat, "a red dress")
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "picks" in c.text)
    await api.settle()
    data = rt.signer.sign("more", "0100000001", chat)
    after = len(api.calls)
    api.press(chat, data)
    api.press(chat, data)  # the same button again, before the first press's cards are out
    await api.wait_for("sendMediaGroup", chat_id=chat, after=after)
    await api.settle(0.5)
    assert len([c for c in api.calls[after:] if c.chat_id == chat and c.method == "sendMediaGroup"]) == 1
    assert len([c for c in api.calls[after:] if c.chat_id == chat and c.text == t("en", "pick")]) == 1
    answers = [c for c in api.calls[after:] if c.method == "answerCallbackQuery"]  # both presses answered
    assert len(answers) == 2 and [c.params.get("text") for c in answers].count(t("en", "button_busy")) == 1
    again = len(api.calls)
    api.press(chat, data)  # once those are out, the button works again
    await api.wait_for("sendMediaGroup", chat_id=chat, after=again)


def group_text(h: Harness, chat: int, text: str, user: int, **fields: Any) -> None:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    h.api.push({"message": h.api.message(chat, chat_type="supergroup", user=h.api.user(user), text=text,
                                         entities=entities, **fields)})


async def test_in_a_group_only_commands_for_the_bot_are_acted_on(fake_bot: Harness) -> None:
    api, agent = fake_bot.api, fake_bot.rt.services.agent
    chat, user = -2510, 2511
    for bare in ("/reset", "/help", "/start", "/cancel", "/history"):  # maybe for another bot; any member's
        group_text(fake_bot, chat, bare, user)
    api.send_text(2512, "/help")  # a later update, to know the ones above were read
    await api.wait_for("sendMessage", chat_id=2512)
    await api.settle()
    assert not [c for c in api.calls if c.chat_id == chat]
    assert f"tg:{chat}" not in agent.resets
    group_text(fake_bot, chat, f"/reset@{BOT_USERNAME}", user)
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "forgotten" in c.text)
    assert agent.resets.count(f"tg:{chat}") == 1
    ours = api.message(chat, chat_type="supergroup", user={"id": BOT_ID, "is_bot": True, "first_name": "RecLMMs"},
                       text="Done, I've forgotten our conversation.")
    group_text(fake_bot, chat, "/help", user, reply_to_message=ours)  # a reply to the bot is for the bot
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "What I can do" in c.text)
