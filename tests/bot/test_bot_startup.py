"""Start and stop as an operator sees them, in child processes against the fake Bot API server in
this one: an update the bot cannot read does not wedge polling."""

from __future__ import annotations

from pathlib import Path

from bot.fake_api import FakeBotApi
from tests.bot.test_bot_crash_recovery import confirmed, start_bot, stop


def old_poll() -> dict[str, object]:
    """A poll as an older Bot API server sends it: options without ``persistent_id``."""
    return {"id": "p1", "question": "q?", "options": [{"text": "a", "voter_count": 0}, {"text": "b", "voter_count": 0}],
            "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
            "allows_multiple_answers": False}


async def test_an_unreadable_update_is_skipped_and_the_next_one_answered(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        bot = await start_bot(api, tmp_path, hang=False)
        try:
            poisoned = api.push({"message": api.message(920, poll=old_poll())})
            api.send_text(921, "/help")
            assert "What I can do" in (await api.wait_for("sendMessage", chat_id=921, wait_s=15)).text
            await confirmed(api)  # the offset moved past the unreadable update
            await stop(bot)  # SIGTERM: a clean exit (rc 0) within the time allowed
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
    log = (tmp_path / "bot.log").read_text()
    assert log.count(f"skipping update {poisoned}") == 1, log
    assert "Error while parsing updates" not in log and "Traceback" not in log
    assert not [c for c in api.calls if c.chat_id == 920]
