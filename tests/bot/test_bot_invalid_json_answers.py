"""A Bot API answer that is not JSON (a proxy's HTML error page, a body cut short): python-telegram-bot
logs it at error level with the JSON parser's traceback and the whole body, on every call. The bot
makes that one warning line, the body shortened; its own line about the call follows as before."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import pytest
from telegram.error import TelegramError
from telegram.request import BaseRequest

from bot.application import build_application
from bot.fake_api import Failure
from tests.bot.conftest import Harness, bot_settings

pytestmark = pytest.mark.asyncio(loop_scope="module")

PTB_REQUEST_LOGGER = "telegram.request.BaseRequest"  # where python-telegram-bot logs it
PAGE = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>" + "<center>nginx</center>" * 40 + "</body></html>"


def ptb_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == PTB_REQUEST_LOGGER]


async def test_a_proxys_error_page_is_one_short_warning_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    api = SimpleNamespace(token="123:abc", base_url="http://127.0.0.1:9/bot", base_file_url="http://127.0.0.1:9/file/bot")
    build_application(bot_settings(tmp_path, api), overall_max_rate=0)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO), pytest.raises(TelegramError, match="Invalid server response"):
        BaseRequest.parse_json_payload(PAGE.encode())
    [record] = ptb_records(caplog)
    assert record.levelno == logging.WARNING and record.exc_info is None and record.exc_text is None
    line = logging.Formatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert line.startswith("WARNING telegram.request.BaseRequest: the Bot API answered with something that is not "
                           "JSON: '<html> <head><title>502 Bad Gateway</title></head> <body><center>"), line
    assert "\n" not in line and len(line) < 200 and line.endswith("…'"), line


async def test_a_garbled_answer_to_a_call_is_one_warning_line_then_the_bots_own(
    fake_bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    api, chat = fake_bot.api, 2301
    api.fail(Failure("sendMessage", 200, "", match=lambda p: int(p["chat_id"]) == chat, raw_body='{"ok": tr'))
    with caplog.at_level(logging.INFO):
        api.send_text(chat, "/help")
        await api.wait_for("sendMessage", chat_id=chat)
        for _ in range(50):
            if any("may not have arrived" in r.getMessage() for r in caplog.records):
                break
            await api.settle(0.1)
    [record] = ptb_records(caplog)
    assert record.levelno == logging.WARNING and record.exc_info is None, record
    assert record.getMessage() == "the Bot API answered with something that is not JSON: '{\"ok\": tr'"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
