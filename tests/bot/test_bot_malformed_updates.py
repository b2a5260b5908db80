"""A getUpdates answer with entries that are not updates (a Bot API that misbehaves, a proxy that
rewrites it): polling goes on, one warning each, no traceback, and the next message is answered."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.fake_api import FakeBotApi
from tests.bot.test_bot_crash_recovery import confirmed, start_bot, stop


@pytest.mark.parametrize(("entry", "warning"), [
    pytest.param(lambda n: {"update_id": str(n), "message": {"message_id": 1}}, "its update_id is not an integer",
                 id="string-id"),
    pytest.param(lambda n: {"update_id": n + 0.5}, "is not an update", id="fractional-id"),
    pytest.param(lambda n: {"message": {"message_id": 1}}, "is not an update", id="no-id"),
    pytest.param(lambda n: None, "is not an update", id="null"),
    pytest.param(lambda n: 42, "is not an update", id="number"),
])
async def test_an_entry_that_is_not_an_update_does_not_stop_polling(
    tmp_path: Path, entry: Callable[[int], Any], warning: str
) -> None:
    async with FakeBotApi() as api:
        bot = await start_bot(api, tmp_path, hang=False)
        try:
            help_id = api.send_text(930, "/help")
            api.push_raw(entry(help_id))  # last in the answer of /help: PTB would take its offset from it
            assert "What I can do" in (await api.wait_for("sendMessage", chat_id=930, wait_s=15)).text
            api.send_text(931, "/help")  # polling goes on
            assert "What I can do" in (await api.wait_for("sendMessage", chat_id=931, wait_s=15)).text
            await confirmed(api)
            await stop(bot)  # SIGTERM: a clean exit (rc 0)
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
    log = (tmp_path / "bot.log").read_text()
    assert log.count(warning) == 1, log
    assert "Traceback" not in log and "CRITICAL" not in log, log
