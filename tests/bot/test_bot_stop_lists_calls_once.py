"""What a stop waits for lists each Bot API call under way once.

``serve`` has its ``Stopper`` watch the application's rate limiter explicitly, right after it builds the
application (the limiter no longer finds the Stopper behind its ``on_token_rejected`` callback), and a limiter
watched again is not listed twice."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from bot.fake_api import FakeBotApi
from bot.retrying import RetryingRateLimiter
from bot.stopping import Stopper
from tests.bot.test_bot_api_faults import exit_code, serve_in_child
from tests.bot.test_bot_api_outage_at_stop import log_lines, logged


async def test_a_limiter_watched_twice_lists_its_calls_once() -> None:
    stopper = Stopper()
    limiter = RetryingRateLimiter(overall_max_rate=0, on_token_rejected=stopper.fail)
    stopper.watch(limiter)
    stopper.watch(limiter)
    answered = asyncio.Event()

    async def send() -> bool:
        await answered.wait()
        return True

    call = asyncio.create_task(limiter.process_request(send, (), {}, "sendMessage", {"chat_id": 42}, None))
    await asyncio.sleep(0.05)
    assert stopper.waiting_for() == "Bot API calls under way (sendMessage in chat 42)"
    answered.set()
    assert await call is True
    assert stopper.waiting_for() == ""


async def test_serve_says_once_which_call_its_stop_waits_for(tmp_path: Path) -> None:
    chat = 2411
    async with FakeBotApi() as api:
        bot = await serve_in_child(api, tmp_path)
        api.delays["sendMediaGroup"] = 30.0  # the cards' call is under way when the stop comes
        api.send_text(chat, "a dress")
        await api.wait_for("sendMediaGroup", chat_id=chat, wait_s=20)
        bot.send_signal(signal.SIGTERM)
        await logged(tmp_path, "stopping: still waiting for", wait_s=10)
        bot.send_signal(signal.SIGTERM)
        assert await exit_code(bot) == -signal.SIGTERM
    said = [line for line in log_lines(tmp_path) if "stopping: still waiting for" in line]
    assert said[0].endswith(" INFO bot.stopping: stopping: still waiting for 1 update being answered (Bot API calls "
                            f"under way: sendMediaGroup in chat {chat}); a second stop signal ends it at once"), said
