"""Bot API calls that ride out a passing failure.

``RetryingRateLimiter`` is ``bot.flood_limits.FloodLimiter`` (Telegram's flood limits, and a
429's ``retry_after`` waited out by its own chat only) plus a bounded retry, with backoff, of
transient failures: a 5xx answer, a dropped connection, a timeout. Every Bot API call but
``getUpdates`` (which PTB's updater retries itself) passes through it, so a reply, a card, an
edit or an apology is not lost to one bad answer.

A timeout is retried only where that is safe: when the request never left (a connect or pool
timeout), or for calls that do not post a message (edits, chat actions, getFile...). A send
whose answer timed out may well have been delivered, so it is not sent again (no duplicate
messages); uploads get a long read timeout instead (``bot.sending.MEDIA_READ_TIMEOUT_S``) so
that a slow upload is not taken for a lost one. A 5xx answer or a broken connection is retried
for every call: Telegram did not take the request, or very rarely did.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import aiohttp
import httpx
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

from bot.flood_limits import FloodLimiter

logger = logging.getLogger(__name__)

_POSTS = frozenset({"forwardMessage", "forwardMessages", "copyMessage", "copyMessages"})


def is_transient(exc: BaseException) -> bool:
    """A failure that may pass: 5xx answers, network errors and timeouts (not a 400)."""
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)


def posts_a_message(endpoint: str) -> bool:
    """A call that, done twice, shows the shopper two messages."""
    return (endpoint.startswith("send") and endpoint != "sendChatAction") or endpoint in _POSTS


def never_sent(exc: BaseException) -> bool:
    """A timeout before the request reached Telegram (connecting, or waiting for a connection)."""
    return isinstance(exc.__cause__, aiohttp.ConnectionTimeoutError | httpx.ConnectTimeout | httpx.PoolTimeout)


def maybe_delivered(exc: BaseException) -> bool:
    """A failure after which Telegram may well have carried the call out: its answer timed out
    after the request left, or could not be read (PTB's "Invalid server response")."""
    if isinstance(exc, TimedOut):
        return not never_sent(exc)
    return type(exc) is TelegramError and exc.message == "Invalid server response"


class RetryingRateLimiter(FloodLimiter):
    def __init__(
        self,
        *,
        transient_retries: int = 2,
        backoff_s: float = 0.5,
        overall_max_rate: float = 30,
        max_retries: int = 0,
    ) -> None:
        super().__init__(overall_max_rate=overall_max_rate, max_retries=max_retries)
        self.transient_retries = transient_retries
        self.backoff_s = backoff_s

    def _retryable(self, endpoint: str, exc: BaseException) -> bool:
        if not is_transient(exc):
            return False
        if isinstance(exc, TimedOut):
            return never_sent(exc) or not posts_a_message(endpoint)
        return True

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        attempt = 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except NetworkError as exc:
                if attempt >= self.transient_retries or not self._retryable(endpoint, exc):
                    raise
                attempt += 1
                delay = self.backoff_s * 3 ** (attempt - 1)
                logger.warning(
                    "Bot API %s failed (%s: %s); retry %d of %d in %.1f s",
                    endpoint, type(exc).__name__, exc, attempt, self.transient_retries, delay,
                )
                await asyncio.sleep(delay)
