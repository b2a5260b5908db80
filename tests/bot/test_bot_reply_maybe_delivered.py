"""A turn's reply whose send timed out after the request left, or whose answer came back garbled:
Telegram most likely delivered it, so it is not sent again, and the turn counts as answered (``ok``
in ``bot_turns``, no error for /stats), with one warning line and no apology."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.application import build_application, running
from bot.fake_api import Failure, FakeBotApi
from tests.bot.conftest import bot_settings, fake_services_factory
from tests.bot.fakes import FakeCatalog, FakeShoppingService, make_articles


@contextlib.asynccontextmanager
async def bot_here(tmp: Path, api: FakeBotApi) -> AsyncIterator[Any]:
    catalog = FakeCatalog(make_articles(tmp / "images"))
    app = build_application(bot_settings(tmp, api), fake_services_factory(catalog, FakeShoppingService(catalog), []),
                            overall_max_rate=0)
    async with running(app, poll_timeout=0.5):
        await app.bot_data["runtime"].warmup.wait(30)
        yield app.bot_data["runtime"]


def the_reply(params: dict[str, Any]) -> bool:
    return "picks for you" in str(params.get("text"))


@pytest.mark.parametrize("failure", [
    Failure("sendMessage", 200, "", match=the_reply, delay_s=6),  # carried out, answered after the client gave up
    Failure("sendMessage", 200, "", match=the_reply, raw_body="{\"ok\": tr"),  # carried out, the answer garbled
], ids=["timed-out", "garbled"])
async def test_a_reply_that_most_likely_arrived_counts_as_answered(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, failure: Failure
) -> None:
    chat = 2101
    async with FakeBotApi() as api, bot_here(tmp_path, api) as rt:
        api.fail(failure)
        with caplog.at_level(logging.INFO):
            api.send_text(chat, "a dress")
            await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "picks for you" in c.text, wait_s=20)
            for _ in range(100):  # until the turn is recorded (a hang takes the read timeout)
                if await rt.metrics.rows("SELECT ok FROM bot_turns"):
                    break
                await api.settle(0.2)
            await api.settle(0.5)
        assert [ok for (ok,) in await rt.metrics.rows("SELECT ok FROM bot_turns")] == [1]
        assert await rt.metrics.rows("SELECT kind FROM bot_errors") == []
        assert await rt.pending.rows() == []
    sent = [c.text for c in api.calls_to("sendMessage", chat)]
    assert len([text for text in sent if "picks for you" in text]) == 1, sent  # not sent again
    assert not [text for text in sent if "went wrong" in text], sent  # no apology
    doubtful = [r for r in caplog.records if "may not have arrived" in r.getMessage()]
    assert len(doubtful) == 1 and doubtful[0].levelno == logging.WARNING, [r.getMessage() for r in caplog.records]
    assert f"chat {chat}" in doubtful[0].getMessage() and "it is not sent again" in doubtful[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("bot.")]
