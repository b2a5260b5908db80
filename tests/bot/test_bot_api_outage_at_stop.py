"""``serve`` stopped while the Bot API is down, as an operator sees it, end to end against the
fake Bot API server.

On its way out python-telegram-bot's updater calls ``getUpdates`` once more to confirm the
updates it fetched. When the Bot API cannot be reached (connections refused, or a gateway
answering 502) that call fails: the log says so in one warning line, without a traceback,
whichever stop signal it was; another failure of that call (the Bot API answered, with an error)
keeps its traceback. The updates left unconfirmed come again at the next start, and a message
whose turn had finished is not answered twice. A stop late in a long outage, when the pause
between two polls has grown long, ends within seconds all the same (not after the pause, which
``docker stop``'s 10 s grace would cut short with SIGKILL).

``serve`` runs in a child process (``tests.bot.test_bot_api_faults``).
"""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from bot.fake_api import Call, Failure, FakeBotApi
from bot.fake_outage import FakeOutage, How
from tests.bot.test_bot_api_faults import exit_code, serve_in_child

UNCONFIRMED = "could not confirm the last updates to the Bot API while stopping"
POLLING_RETRIED = "getUpdates failed, retrying"
STOPPED_WITHIN_S = 8.0  # well under docker stop's 10 s grace; the pause before the next poll is 11 s by then


def log_lines(tmp: Path) -> list[str]:
    return (tmp / "serve.log").read_text().splitlines()


async def logged(tmp: Path, words: str, after: int = 0, wait_s: float = 60.0, times: int = 1) -> None:
    """Until ``times`` lines of serve's log (from line ``after``) have ``words``."""
    deadline = time.monotonic() + wait_s
    while len([line for line in log_lines(tmp)[after:] if words in line]) < times:
        assert time.monotonic() < deadline, f"not {times} {words!r} in the log: {log_lines(tmp)}"
        await asyncio.sleep(0.1)


def picks(call: Call) -> bool:
    return "picks for you" in call.text


@pytest.mark.parametrize("how", ["refuse", "502"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=lambda sig: sig.name)
async def test_a_stop_while_the_bot_api_is_down_says_in_one_line_that_updates_were_not_confirmed(
    tmp_path: Path, sig: signal.Signals, how: How
) -> None:
    async with FakeBotApi() as api, FakeOutage(api) as outage:
        bot = await serve_in_child(api, tmp_path)
        outage.start(3600, how)
        await logged(tmp_path, "ClientConnectorError" if how == "refuse" else "Bad Gateway")
        bot.send_signal(sig)
        assert await exit_code(bot) == 0
    log = log_lines(tmp_path)
    assert not [line for line in log if "Traceback" in line or " ERROR " in line or line.startswith("error:")], log
    notes = [line for line in log if UNCONFIRMED in line]
    assert len(notes) == 1 and " WARNING " in notes[0], log
    failure = "NetworkError: aiohttp.ClientConnectorError" if how == "refuse" else "NetworkError: Bad Gateway"
    assert f"({failure}); they may be delivered again at the next start" in notes[0], notes
    assert not [line for line in log if " WARNING " in line and POLLING_RETRIED not in line and UNCONFIRMED not in line]
    assert not [line for line in log if line.startswith(("  ", "telegram.error", "aiohttp", "ConnectionRefusedError"))]


async def test_another_failure_of_the_last_getupdates_keeps_its_traceback(tmp_path: Path) -> None:
    def last_call(params: dict[str, Any]) -> bool:  # the updater's call on its way out does not long-poll
        return int(params.get("timeout") or 0) == 0

    async with FakeBotApi() as api:
        bot = await serve_in_child(api, tmp_path)
        api.fail(Failure("getUpdates", 409, "Conflict: terminated by other getUpdates request", match=last_call))
        bot.send_signal(signal.SIGTERM)
        assert await exit_code(bot) == 0
        assert not api.failures  # the failure was met
    text = (tmp_path / "serve.log").read_text()
    assert "Traceback" in text and "telegram.error.Conflict: Conflict: terminated by other getUpdates request" in text
    assert " ERROR telegram.ext.Updater: " in text and UNCONFIRMED not in text, text


@pytest.mark.parametrize("how", ["refuse", "502"])
async def test_an_update_left_unconfirmed_is_not_answered_twice_after_a_restart(tmp_path: Path, how: How) -> None:
    chat = 1750
    async with FakeBotApi() as api:
        async with FakeOutage(api) as outage:
            bot = await serve_in_child(api, tmp_path)
            update_id = api.send_text(chat, "a black dress")
            # the getUpdates that would confirm it never gets through, while the reply does
            api.fail(Failure("getUpdates", 502, "Bad Gateway", match=lambda p: int(p.get("offset") or 0) > update_id,
                             times=1_000_000))
            await api.wait_for("sendMessage", chat_id=chat, where=picks, wait_s=60)
            await api.settle(0.5)
            outage.start(3600, how)  # then the Bot API goes down altogether
            if how == "refuse":
                await logged(tmp_path, "ClientConnectorError")
            bot.send_signal(signal.SIGTERM)
            assert await exit_code(bot) == 0
        assert api.unconfirmed() == 1  # Telegram sends it again
        api.failures.clear()
        if how == "refuse":
            await api.start()  # the Bot API is back, on the same port
        restarted = len(log_lines(tmp_path))
        bot = await serve_in_child(api, tmp_path)
        await logged(tmp_path, f"skipping update {update_id}: already processed", after=restarted)
        await api.settle(1.0)
        bot.send_signal(signal.SIGTERM)
        assert await exit_code(bot) == 0
        assert api.unconfirmed() == 0
    sent = [(c.method, c.text) for c in api.calls if c.chat_id == chat]
    assert len([text for _, text in sent if "picks for you" in text]) == 1, sent  # answered once
    assert len(sent) == len(set(sent)), sent  # nothing of the answer twice
    log = log_lines(tmp_path)
    assert len([line for line in log if UNCONFIRMED in line]) == 1, log
    assert not [line for line in log if "Traceback" in line or " ERROR " in line], log


@pytest.mark.parametrize("how", ["refuse", "502"])
async def test_a_stop_late_in_a_long_outage_does_not_wait_for_the_next_poll(tmp_path: Path, how: How) -> None:
    """python-telegram-bot's updater pauses 1 s after a failed poll, then half as long again each
    time, up to 30 s: after seven failures (21 s into the outage) the next poll is 11 s away. A
    SIGTERM then stops serve within seconds, with the usual one warning line and no traceback."""
    async with FakeBotApi() as api, FakeOutage(api) as outage:
        bot = await serve_in_child(api, tmp_path)
        outage.start(60, how)
        await logged(tmp_path, POLLING_RETRIED, times=7)
        bot.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(bot.wait(), STOPPED_WITHIN_S)
        except TimeoutError:
            bot.kill()
            await bot.wait()
            pytest.fail(f"serve was still up {STOPPED_WITHIN_S:.0f} s after SIGTERM: {log_lines(tmp_path)[-5:]}")
        assert outage.seconds < 60  # stopped during the outage
    assert code == 0
    log = log_lines(tmp_path)
    assert not [line for line in log if "Traceback" in line or " ERROR " in line or line.startswith("error:")], log
    assert len([line for line in log if UNCONFIRMED in line]) == 1, log
