"""Telegram's 409 Conflict on getUpdates (another process polling with the token, or a webhook set): before,
each of python-telegram-bot's retries logged "getUpdates failed, retrying: Conflict: Conflict: ...", for as long
as it lasted; now one warning says what is going on and what to do, again only once it was over and came back,
or as a reminder while it lasts (``bot.polling_conflict``)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.application import build_application, running
from bot.fake_api import Failure, FakeBotApi
from bot.polling_conflict import ConflictNotice
from tests.bot.conftest import bot_settings, fake_services_factory
from tests.bot.fakes import FakeCatalog, FakeShoppingService, make_articles

POLLING = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
WEBHOOK = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_conflict_is_told_once_then_when_it_comes_back(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "bot.polling_conflict")
    clock = Clock()
    notice = ConflictNotice(clock, quiet_s=120, remind_s=600)
    for _ in range(20):  # two pollers ending each other's polls, with polls that get through between them
        notice.conflict(POLLING)
        clock.now += 5
        notice.polled()
    told = warnings(caplog)
    assert len(told) == 1, told
    assert told[0].startswith("getUpdates refused: another process is polling Telegram with this bot token "
                              f"(Telegram: {POLLING}), so each message goes to only one of them: stop the other one")
    assert "Conflict: Conflict" not in told[0]
    clock.now += 120  # the other one stopped
    notice.polled()
    assert [r.getMessage() for r in caplog.records][-1] == "getUpdates: no conflict for 120 s: this process polls alone again"
    notice.conflict(WEBHOOK)  # and then a webhook was set: told again
    assert len(warnings(caplog)) == 2
    assert warnings(caplog)[-1].startswith("getUpdates refused: a webhook is set for this bot")
    assert "serve this one with --webhook" in warnings(caplog)[-1]


def test_a_lasting_conflict_is_recalled_every_ten_minutes_at_most(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "bot.polling_conflict")
    clock = Clock()
    notice = ConflictNotice(clock, quiet_s=120, remind_s=600)
    for _ in range(61):  # 30 min of a 409 every 30 s (PTB's longest pause between retries)
        notice.conflict(POLLING)
        clock.now += 30
    told = warnings(caplog)
    assert len(told) == 4, told  # at 0, 10, 20 and 30 min
    assert told[1].endswith("; 20 more polls refused in the last 10 min")


async def test_serve_logs_one_warning_for_repeated_conflicts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    catalog = FakeCatalog(make_articles(tmp_path / "images"))
    async with FakeBotApi() as api:
        app = build_application(bot_settings(tmp_path, api), fake_services_factory(catalog, FakeShoppingService(catalog), []),
                                overall_max_rate=0)
        async with running(app, poll_timeout=0.2):
            api.fail(Failure("getUpdates", 409, POLLING, times=4))
            api.send_text(1501, "/help")  # fetched once the four refused polls are over (PTB waits 1, 1.5, 2.25 s)
            assert "What I can do" in (await api.wait_for("sendMessage", chat_id=1501, wait_s=30)).text
            assert not api.failures
    told = [w for w in warnings(caplog) if "getUpdates" in w]
    assert len(told) == 1 and told[0].startswith("getUpdates refused: another process is polling"), told
    assert not [w for w in warnings(caplog) if "Conflict: Conflict" in w or "retrying" in w]
