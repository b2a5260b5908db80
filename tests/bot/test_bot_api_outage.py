"""The Bot API failing while an answer goes out, end to end against the fake Bot API server.

An outage of a few seconds in the middle of a streamed reply (the server down: connections
refused; or a gateway before it answering 502) is ridden out: the whole reply arrives once,
and a message sent meanwhile is answered once the API is back. An outage longer than the retry
horizon loses the reply with one warning line, no traceback, and the bot goes on. A token
revoked mid-answer stops ``serve`` with one line and exit code 2. While a chat's message is
being retried, the chat's later messages wait for it.

``serve`` runs in a child process (``tests.bot.test_bot_api_faults``) where the log is what an
operator reads; the tests that need a retry horizon of their own run the bot in this process.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agent.turn import Session, TurnEvent
from bot.application import build_application, running
from bot.fake_api import Call, Failure, FakeBotApi
from bot.fake_outage import FakeOutage, How
from tests.bot.conftest import bot_settings, fake_services_factory
from tests.bot.fakes import FakeCatalog, FakeShoppingService, make_articles
from tests.bot.test_bot_api_faults import exit_code, serve_in_child

WORDS = " ".join(f"word{i}" for i in range(14))  # the reply to a message with "trickle", streamed over 3.5 s
APOLOGY = "something went wrong"


def streamed(call: Call) -> bool:
    """The first message of a streamed reply (the outage begins once it has been answered)."""
    return call.method == "sendMessage" and call.text.startswith("word0")


def log_lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


@pytest.mark.parametrize("how", ["refuse", "502"])
async def test_an_outage_mid_reply_is_ridden_out_and_the_reply_arrives_once(tmp_path: Path, how: How) -> None:
    chat, later = 1700, 1701
    async with FakeBotApi() as api, FakeOutage(api) as outage:
        bot = await serve_in_child(api, tmp_path)
        try:
            outage.after(streamed, seconds=6, how=how)
            api.send_text(chat, "trickle black dress")
            await outage.under_way()
            api.send_text(later, "a black dress")  # sent while the bot cannot reach the Bot API
            await outage.over()
            await api.wait_for("sendMessage", chat_id=later, where=lambda c: "picks for you" in c.text, wait_s=60)
            await api.settle(1.0)
        finally:
            bot.send_signal(15)
            assert await exit_code(bot) == 0
    shown = api.shown(chat)
    assert shown.count(WORDS) == 1, shown  # the whole reply, once
    assert len([text for text in shown if text.startswith("word0")]) == 1, shown  # no second copy, not even of a part
    assert not [text for text in shown + api.shown(later) if APOLOGY in text]
    assert outage.seconds >= 6
    log = log_lines(tmp_path / "serve.log")
    assert not [line for line in log if "Traceback" in line or " ERROR " in line], log
    assert not [line for line in log if " WARNING " in line and "getUpdates failed, retrying" not in line], log
    assert any("the Bot API cannot be reached" in line for line in log), log


class FinishingService(FakeShoppingService):
    """Notes each turn the agent ran to its end (its conversation state written whole), not cut off."""

    def __init__(self, catalog: FakeCatalog) -> None:
        super().__init__(catalog)
        self.finished: list[str] = []

    async def stream(self, session: Session, text: str | None, photo: bytes | None = None) -> AsyncIterator[TurnEvent]:
        async for event in super().stream(session, text, photo):
            yield event
        self.finished.append(text or "")


@contextlib.asynccontextmanager
async def bot_here(tmp: Path, api: FakeBotApi, outage_s: float) -> AsyncIterator[tuple[Any, FinishingService]]:
    """The bot in this process, riding out outages of up to ``outage_s``."""
    catalog = FakeCatalog(make_articles(tmp / "images"))
    agent = FinishingService(catalog)
    app = build_application(bot_settings(tmp, api), fake_services_factory(catalog, agent, []), overall_max_rate=0,
                            outage_s=outage_s)
    async with running(app, poll_timeout=0.5):
        await app.bot_data["runtime"].warmup.wait(30)
        yield app, agent


async def test_an_outage_past_the_horizon_loses_the_reply_with_one_warning_and_the_bot_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    chat = 1710
    async with FakeBotApi() as api, FakeOutage(api) as outage, bot_here(tmp_path, api, 1.5) as (app, agent):
        rt = app.bot_data["runtime"]
        with caplog.at_level(logging.INFO):
            outage.after(streamed, seconds=6)
            api.send_text(chat, "trickle black dress")
            await outage.over()
            api.send_text(chat, "a black dress")  # the bot is still up, and answers
            await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "picks for you" in c.text, wait_s=60)
            await api.settle(0.5)
        assert agent.finished[-2:] == ["trickle black dress", "a black dress"]  # the first turn was not cut short
        assert await rt.pending.rows() == []  # done with: not run again after a restart
        assert [ok for (ok,) in await rt.metrics.rows("SELECT ok FROM bot_turns ORDER BY at")] == [0, 1]
    shown = api.shown(chat)
    assert WORDS not in shown and not [text for text in shown if APOLOGY in text], shown
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records if r.exc_info]
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("bot.")
                and "getUpdates failed" not in r.getMessage()]
    assert warnings == [f"could not send the reply to chat {chat}: the Bot API could not be reached "
                        "(NetworkError: aiohttp.ClientConnectorError)"], warnings


async def test_a_chats_later_message_waits_for_the_one_being_retried(tmp_path: Path) -> None:
    chat = 1730
    async with FakeBotApi() as api, bot_here(tmp_path, api, 30.0):
        # the reply to the first message finds the Bot API down four times (0.5 + 1 + 2 + 4 s of retries)
        api.fail(Failure("sendMessage", 502, "Bad Gateway", match=lambda p: "picks for you" in str(p.get("text")),
                         times=4))
        api.send_text(chat, "a black dress")
        first = await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "picks for you" in c.text)
        # its second try: by then the bot surely took the first failure for one, and holds the chat's later messages
        await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "picks for you" in c.text and c is not first)
        api.send_text(chat, "/help")  # answered at once, but shown after the reply before it
        await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "What I can do" in c.text, wait_s=30)
        await api.settle(0.5)
    sent = [c.text for c in api.calls_to("sendMessage", chat)]
    reply = max(i for i, text in enumerate(sent) if "picks for you" in text)
    assert sent.count(next(text for text in sent if "picks for you" in text)) == 5  # four 502s, then the reply
    assert reply < next(i for i, text in enumerate(sent) if "What I can do" in text), sent


@pytest.mark.parametrize(("code", "description", "words"), [
    (401, "Unauthorized", "the Bot API rejected the token (check RECLMMS_TELEGRAM_TOKEN)"),
    (404, "Not Found", "answered Not Found for this token"),
])
async def test_a_token_revoked_mid_answer_stops_serve_with_one_line(
    tmp_path: Path, code: int, description: str, words: str
) -> None:
    chat = 1740
    async with FakeBotApi() as api:
        bot = await serve_in_child(api, tmp_path)

        def revoke(call: Call) -> None:
            if streamed(call):
                api.answered = None
                api.gate = lambda method: api._error(code, description)  # every call from now on: the token refused

        api.answered = revoke
        api.send_text(chat, "trickle black dress")
        assert await exit_code(bot) == 2, "serve is still up"
    lines = log_lines(tmp_path / "serve.log")
    assert lines[-1].startswith("error: stopped (") and words in lines[-1], lines
    assert [line for line in lines if line.startswith("error:")] == lines[-1:], lines
    errors = [line for line in lines if " ERROR " in line]
    assert len(errors) == 1 and "the bot token was rejected" in errors[0] and "stopping" in errors[0], lines
    assert not [line for line in lines if "Traceback" in line or " WARNING " in line], lines
    assert not [text for text in api.shown(chat) if APOLOGY in text]
