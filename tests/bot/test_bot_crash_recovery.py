"""After ``kill -9`` the messages the bot had accepted are still answered, and none twice.

The bot runs in a child process (tests/bot/bot_process.py) against the fake Bot API server in
this one, so that it can really be killed halfway through a turn and started again on the same
state."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from bot.fake_api import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]


async def start_bot(api: FakeBotApi, tmp: Path, *, hang: bool) -> asyncio.subprocess.Process:
    log = (tmp / "bot.log").open("ab")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.bot.bot_process", f"http://{api.host}:{api.port}", api.token, str(tmp),
        cwd=ROOT, env={**os.environ, "HANG": "1" if hang else "0"}, stdout=asyncio.subprocess.PIPE, stderr=log,
    )
    log.close()
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 60)
    assert line.strip() == b"ready", (tmp / "bot.log").read_text()
    return proc


async def kill(proc: asyncio.subprocess.Process) -> None:
    proc.kill()  # SIGKILL: no clean-up of any kind
    await proc.wait()


async def stop(proc: asyncio.subprocess.Process) -> None:
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(proc.wait(), 30) == 0


async def confirmed(api: FakeBotApi) -> None:
    """Until Telegram (the fake) would not hand any update out again."""
    for _ in range(200):
        if not api.unconfirmed():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("updates were never confirmed")



def texts(api: FakeBotApi, chat: int, after: int = 0) -> list[str]:
    return [c.text for c in api.calls[after:] if c.chat_id == chat and c.method in ("sendMessage", "editMessageText")]


async def test_messages_accepted_before_a_crash_are_answered_after_it(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        bot = await start_bot(api, tmp_path, hang=True)
        first = api.send_text(900, "hang: a black dress")
        await api.wait_for("sendMediaGroup", chat_id=900)  # the turn is halfway: cards sent, no words yet
        api.send_text(900, "a red t-shirt")
        await api.wait_for("sendMessage", chat_id=900, where=lambda c: "One moment" in c.text)
        api.send_text(901, "/help")
        await api.wait_for("sendMessage", chat_id=901)
        await confirmed(api)
        await kill(bot)

        restart = len(api.calls)
        # as if the crash came before Telegram had the update confirmed: it hands it out again
        api.push({"update_id": first, "message": api.message(900, text="hang: a black dress")})
        bot = await start_bot(api, tmp_path, hang=False)
        await api.wait_for("sendPhoto", chat_id=900, after=restart, wait_s=20)  # the t-shirt, asked second
        await api.wait_for("sendMessage", chat_id=900, after=restart, where=lambda c: "Here are 1 picks" in c.text)
        await api.settle(0.5)
        after = texts(api, 900, restart)
        notices = [t for t in after if "I was restarted" in t]
        assert len(notices) == 2 and not [t for t in after if "One moment" in t]  # told once, not twice
        assert "“hang: a black dress”" in notices[0] and "“a red t-shirt”" in notices[1]
        assert sum("Here are 3 picks" in t for t in after) == 1  # the interrupted turn, answered in full
        assert len([c for c in api.calls[restart:] if c.chat_id == 900 and c.method == "sendMediaGroup"]) == 1
        assert len(api.calls_to("sendMessage", 901)) == 1  # answered before the crash: not again
        await stop(bot)

        again = len(api.calls)
        bot = await start_bot(api, tmp_path, hang=False)
        api.send_text(902, "/help")
        await api.wait_for("sendMessage", chat_id=902, after=again)
        await api.settle(0.5)
        assert not [c for c in api.calls[again:] if c.chat_id in (900, 901)]  # nothing answered twice
        await stop(bot)


async def test_a_message_that_crashes_the_bot_twice_is_not_run_a_third_time(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        bot = await start_bot(api, tmp_path, hang=True)
        api.send_text(910, "hang: a black dress")
        await api.wait_for("sendMediaGroup", chat_id=910)
        await confirmed(api)
        await kill(bot)
        second = len(api.calls)
        bot = await start_bot(api, tmp_path, hang=True)
        await api.wait_for("sendMediaGroup", chat_id=910, after=second)  # resumed, and cut off again
        await kill(bot)
        third = len(api.calls)
        bot = await start_bot(api, tmp_path, hang=False)
        lost = await api.wait_for("sendMessage", chat_id=910, after=third, where=lambda c: "send it again" in c.text)
        assert "“hang: a black dress”" in lost.text
        await api.settle(0.5)
        assert not [c for c in api.calls[third:] if c.chat_id == 910 and c.method == "sendMediaGroup"]
        await stop(bot)


async def test_a_button_pressed_behind_a_running_turn_is_answered_after_a_crash(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        bot = await start_bot(api, tmp_path, hang=True)
        api.send_text(920, "hang: a black dress")
        keyboard = await api.wait_for("sendMessage", chat_id=920, where=lambda c: bool(c.params.get("reply_markup")))
        markup = keyboard.params["reply_markup"]
        markup = json.loads(markup) if isinstance(markup, str) else markup
        more = markup["inline_keyboard"][0][0]  # "1. More like this" under the Summer Dress
        api.press(920, more["callback_data"])
        await api.wait_for("answerCallbackQuery")  # the spinner stops at once; the cards wait for the turn
        await confirmed(api)
        await kill(bot)

        restart = len(api.calls)
        bot = await start_bot(api, tmp_path, hang=False)
        prose = await api.wait_for("sendMessage", chat_id=920, after=restart, where=lambda c: "Here are 3 picks" in c.text)
        note = await api.wait_for("sendMessage", chat_id=920, after=restart, where=lambda c: "button press" in c.text)
        assert "I was restarted" in note.text and note.at >= prose.at
        albums = [c for c in api.calls[restart:] if c.chat_id == 920 and c.method == "sendMediaGroup"]
        for _ in range(100):
            if len(albums) == 2:
                break
            await asyncio.sleep(0.1)
            albums = [c for c in api.calls[restart:] if c.chat_id == 920 and c.method == "sendMediaGroup"]
        assert [len(a.params["media"]) for a in albums] == [3, 2]  # the turn's cards, then the button's
        assert albums[1].at >= note.at
        assert not api.calls_to("answerCallbackQuery")[1:]  # the old press is not answered again
        await stop(bot)
