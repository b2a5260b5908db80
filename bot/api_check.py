"""Before serving: one ``getMe`` to the Bot API, so that a rejected token or an API that cannot be
reached stops ``reclmms serve`` with one line (``ConfigError``, exit code 2) instead of
python-telegram-bot's start-up tracebacks, and never shows the token."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.aiohttp_request import AiohttpRequest
from reclmms.errors import ConfigError
from reclmms.settings import Settings


def _redacted(text: str, token: str) -> str:
    return text.replace(token, "<token>") if token else text


# python-telegram-bot logs the whole body, with a traceback, of an answer that is not JSON.
_PTB_REQUEST_LOGGER = "telegram.request.BaseRequest"
_NOT_JSON = "Invalid server response"


@contextlib.contextmanager
def _quiet_ptb_request_log() -> Iterator[None]:
    """While the start-up check runs, PTB's own request errors stay out of the log: the check
    reports them in one line of its own."""
    log = logging.getLogger(_PTB_REQUEST_LOGGER)
    was = log.disabled
    log.disabled = True
    try:
        yield
    finally:
        log.disabled = was


def api_error(exc: TelegramError, base_url: str, token: str) -> ConfigError:
    """The one-line message for a Bot API failure at start-up, or for the token refused while
    polling (the token never in it)."""
    where = _redacted(base_url, token)
    cause = exc.__cause__
    if _NOT_JSON in (exc.message, str(cause) if cause is not None else ""):
        return ConfigError(f"the server at {where} answered, but not as a Bot API (its answer is not JSON): "
                           "check [telegram] base_url")
    if isinstance(exc, InvalidToken):
        if "not found" in exc.message.lower():
            return ConfigError(f"the Bot API at {where} answered Not Found for this token: "
                               "check RECLMMS_TELEGRAM_TOKEN and [telegram] base_url")
        return ConfigError("the Bot API rejected the token (check RECLMMS_TELEGRAM_TOKEN)")
    if isinstance(exc, NetworkError):
        cause = exc.__cause__
        reason = str(cause) if cause is not None and str(cause) else exc.message
        if reason == "Timed out":
            reason = "timed out"
        return ConfigError(f"cannot reach the Bot API at {where}: {_redacted(reason, token)}")
    return ConfigError(f"the Bot API at {where} refused getMe: {_redacted(exc.message, token)}")


async def check_bot_api(settings: Settings, token: str) -> str:
    """The bot's username, or ``ConfigError`` when the Bot API rejects the token or cannot be
    reached. A single try, on a client of its own, closed before returning."""
    request = AiohttpRequest(connection_limit=1)
    bot = Bot(token, base_url=settings.telegram.base_url, base_file_url=settings.telegram.base_file_url,
              request=request, get_updates_request=request)
    await request.initialize()
    try:
        with _quiet_ptb_request_log():
            me = await bot.get_me()
    except TelegramError as exc:
        raise api_error(exc, settings.telegram.base_url, token) from None
    finally:
        await request.shutdown()
    return me.username or ""
