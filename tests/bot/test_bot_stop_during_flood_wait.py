"""A stop while answers are under way, as an operator sees it, end to end against the fake Bot API
server with ``serve`` in a child process.

A chat waiting out a 429 (Telegram's ``retry_after`` may be minutes) does not hold the stop: the
stop cuts the wait short, the message is not sent, and one warning line says so; the process ends
within seconds, inside ``docker stop``'s 10 s grace. A stop that waits for an answer being written
says so; a second signal ends the process at once, by that signal, with one line saying what it
left unfinished, and the message left is answered after the next start.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telegram.error import RetryAfter

from bot.fake_api import Failure, FakeBotApi
from bot.flood_limits import FloodLimiter, FloodWaitCut
from tests.bot.test_bot_api_faults import exit_code, serve_in_child
from tests.bot.test_bot_api_outage_at_stop import log_lines, logged

STOPPED_WITHIN_S = 5.0


def in_chat(chat: int) -> Callable[[dict[str, Any]], bool]:
    return lambda params: int(params["chat_id"]) == chat


async def test_a_stop_cuts_a_flood_wait_short_and_says_in_one_line_what_was_not_sent(tmp_path: Path) -> None:
    chat = 2401
    async with FakeBotApi() as api:
        bot = await serve_in_child(api, tmp_path)
        api.fail(Failure("sendMediaGroup", 429, "Too Many Requests: retry after 120", retry_after=120,
                         match=in_chat(chat)))
        api.send_text(chat, "a dress")
        await logged(tmp_path, f"429; chat {chat} waits 120.1 s")
        started = time.monotonic()
        bot.send_signal(signal.SIGTERM)
        assert await exit_code(bot) == 0, log_lines(tmp_path)
        assert time.monotonic() - started < STOPPED_WITHIN_S, log_lines(tmp_path)
        assert not [c for c in api.calls_to("sendMessage", chat) if "picks for you" in c.text]  # not sent
    log = log_lines(tmp_path)
    cut = [line for line in log if "the bot is stopping" in line]
    assert cut == [line for line in log if f"chat {chat}:" in line], log
    assert len(cut) == 1 and " WARNING bot.turns: could not send the product cards and the reply to chat 2401: the bot " \
        "is stopping, and Telegram had asked it to wait 1" in cut[0], log
    assert cut[0].endswith(" s more in this chat (429)"), cut
    assert not [line for line in log if "Traceback" in line or " ERROR " in line or line.startswith("error:")], log


async def test_a_stop_says_what_it_waits_for_and_a_second_signal_leaves_the_turn_for_the_next_start(
    tmp_path: Path,
) -> None:
    chat = 2402
    async with FakeBotApi() as api:
        bot = await serve_in_child(api, tmp_path)
        api.send_text(chat, "a slow dress")  # the fake agent takes 30 s over its reply
        await api.wait_for("sendMediaGroup", chat_id=chat, wait_s=20)
        bot.send_signal(signal.SIGTERM)
        await logged(tmp_path, "stopping: still waiting for 1 update being answered; a second stop signal ends it "
                               "at once", wait_s=5)
        assert bot.returncode is None
        bot.send_signal(signal.SIGTERM)
        assert await exit_code(bot) == -signal.SIGTERM  # ended by the signal: exit status 143 in a shell
        restarted = len(log_lines(tmp_path))
        calls = len(api.calls)
        bot = await serve_in_child(api, tmp_path)
        resumed = await api.wait_for("sendMessage", chat_id=chat, after=calls, wait_s=20)
        assert "restarted while working on your message “a slow dress”" in resumed.text
        bot.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.5)
        bot.send_signal(signal.SIGTERM)
        assert await exit_code(bot) == -signal.SIGTERM
    log = log_lines(tmp_path)
    again = [line for line in log[:restarted] if "SIGTERM again" in line]
    assert len(again) == 1 and again[0].endswith(
        " WARNING bot.stopping: SIGTERM again: stopping at once, leaving 1 update unfinished; the messages and "
        "button presses among them are answered after the next start"), log
    assert "messages accepted before a restart: 1 resumed, 0 given up" in "\n".join(log[restarted:])


async def test_cut_waits_ends_a_wait_for_a_429_and_keeps_later_calls_of_that_chat_from_waiting() -> None:
    limiter = FloodLimiter(max_retries=3)
    made: list[int] = []

    async def send(chat: int) -> bool:
        made.append(chat)
        if len(made) == 1:
            raise RetryAfter(120)
        return True

    async def call(chat: int) -> object:
        return await limiter.process_request(send, (chat,), {}, "sendMessage", {"chat_id": chat}, None)

    waiting = asyncio.create_task(call(1))
    await asyncio.sleep(0.1)
    assert not waiting.done() and made == [1]
    limiter.cut_waits()
    try:
        await asyncio.wait_for(waiting, 1)
    except FloodWaitCut as exc:
        assert "the bot is stopping" in exc.message and "in this chat (429)" in exc.message
    else:
        raise AssertionError("the wait was not cut short")
    try:
        await asyncio.wait_for(call(1), 1)  # that chat is still paused: not made
    except FloodWaitCut:
        pass
    else:
        raise AssertionError("a later call waited, or was made")
    assert await call(2) is True and made == [1, 2]  # another chat's call goes out
