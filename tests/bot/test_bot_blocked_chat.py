"""A chat that takes no messages from the bot (Telegram answers 403 Forbidden: "bot was blocked by
the user", "user is deactivated"), as an operator of ``serve`` sees it: one warning line naming the
chat for each update it could not answer, no traceback, no apology, the token not taken for a
revoked one (that is 401/404), and the other chats served as before.

``serve`` runs in a child process (``tests.bot.test_bot_api_faults`` as a script) against the fake
Bot API server in this one."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from bot.fake_api import Failure, FakeBotApi
from tests.bot.test_bot_api_faults import exit_code, serve_in_child

REFUSED = {1430: "Forbidden: bot was blocked by the user", 1431: "Forbidden: user is deactivated"}
SERVED = 1432
SENDS = ("sendMessage", "sendPhoto", "sendMediaGroup", "sendChatAction", "editMessageText")


def refuse(api: FakeBotApi, chat: int, description: str) -> None:
    """Every message to ``chat`` is answered 403, as Telegram does once the user blocked the bot."""
    for method in SENDS:
        api.fail(Failure(method, 403, description, match=lambda p, c=chat: int(p.get("chat_id", 0)) == c, times=1000))


async def log_lines(path: Path, chat: int, count: int) -> list[str]:
    """The log's lines about ``chat`` at warning level or above, once there are ``count`` of them (or 20 s later)."""
    found: list[str] = []
    for _ in range(100):
        found = [line for line in (await asyncio.to_thread(path.read_text)).splitlines()
                 if f"chat {chat}" in line and (" WARNING " in line or " ERROR " in line)]
        if len(found) >= count:
            break
        await asyncio.sleep(0.2)
    return found


async def test_a_chat_that_refuses_the_bot_is_one_warning_line_and_the_bot_serves_on(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        bot = await serve_in_child(api, tmp_path)
        try:
            for chat, description in REFUSED.items():
                refuse(api, chat, description)
                api.send_text(chat, "a red tee")  # a shopping turn: cards, then the streamed reply
                api.send_text(chat, "/help")  # a command's answer
            log = tmp_path / "serve.log"
            lines = {chat: await log_lines(log, chat, 2) for chat in REFUSED}
            await api.settle(0.5)
            api.send_text(SERVED, "a red tee")
            answer = await api.wait_for("sendMessage", chat_id=SERVED, wait_s=30)
            assert "picks" in answer.text
            assert bot.returncode is None, "serve stopped"
            bot.send_signal(signal.SIGTERM)
            assert await exit_code(bot) == 0
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
    text = await asyncio.to_thread(log.read_text)
    for chat, description in REFUSED.items():
        reason = description.removeprefix("Forbidden: ")
        assert len(lines[chat]) == 2, text  # one line per update: the turn's, the command's
        assert all(" WARNING " in line and f"chat {chat}:" in line for line in lines[chat]), text
        assert all(f"the chat takes no messages from the bot (Forbidden: {reason})" in line for line in lines[chat])
        said = [line for line in text.splitlines() if reason in line and " DEBUG " not in line]
        assert said == lines[chat], text  # nothing else about it: no info line, no card warning
        assert not [c for c in api.calls_to("sendMessage", chat) if "went wrong" in c.text]  # no apology tried
    assert "Traceback" not in text and " ERROR " not in text and "error:" not in text, text
    assert "token" not in text.lower() and "stopping the bot" not in text, text


@pytest.mark.parametrize("description", REFUSED.values())
def test_a_refusal_is_not_a_rejected_token(description: str) -> None:
    from telegram.error import Forbidden

    from bot.retrying import lost, refused_by_chat, why_lost

    exc = Forbidden(description)
    assert refused_by_chat(exc) and lost(exc)
    assert why_lost(exc) == f"the chat takes no messages from the bot ({description})"
