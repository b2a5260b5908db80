"""Telegram's flood limits on the bot's Bot API calls, where a 429 pauses only its own chat.

``FloodLimiter`` keeps the limits of python-telegram-bot's ``AIORateLimiter``: calls that name a
chat share a bot-wide rate (30 a second by default), calls for a group or channel (a negative id
or an ``@username``) also a rate per group (20 a minute), and paid broadcasts a rate of their own.
A 429 (``RetryAfter``) is waited out and the call made again, up to ``max_retries`` times.

What differs is who waits out a 429. ``AIORateLimiter`` holds back every call of the bot until
the ``retry_after`` is over, so one chat's 429 stalls the answers to all the others. Telegram
answers 429 for the chat that went over its limit; here the wait applies to that chat's calls
only. A 429 for a call without a chat (``getMe``, ``answerCallbackQuery``...) still holds back
every call, as it may stand for the bot-wide limit.

A stop does not wait out a 429 (``cut_waits``; ``bot.stopping`` calls it): a retry_after may be
minutes, longer than a supervisor's grace before it kills the process. A call waiting out one then
fails at once with ``FloodWaitCut``, and so does a later one for a chat still paused: the message
is not sent, and its caller reports it in one line (``bot.retrying.lost``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

ChatKey = int | str  # a chat id, or a public chat's @username
SLACK_S = 0.1  # waited on top of a retry_after
MAX_GROUP_LIMITERS = 512  # above this, group limiters with nothing spent are dropped

Result = bool | dict[str, Any] | list[dict[str, Any]]


def chat_key(chat_id: Any) -> ChatKey | None:
    """The chat a call is for: its ``chat_id`` as an int where it is one (ids may come as text)."""
    if chat_id is None:
        return None
    try:
        return int(chat_id)
    except (TypeError, ValueError):
        return str(chat_id)


def is_group(key: ChatKey | None) -> bool:
    """Groups, supergroups and channels have negative ids, or are named by @username."""
    return isinstance(key, str) or (isinstance(key, int) and key < 0)


def retry_after_s(exc: RetryAfter) -> float:
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class FloodWaitCut(TelegramError):
    """A call that was to wait out a 429 when the bot stopped: it was not made."""


def _cut(key: ChatKey | None, left_s: float) -> FloodWaitCut:
    where = "for every chat" if key is None else "in this chat"
    return FloodWaitCut(f"the bot is stopping, and Telegram had asked it to wait {left_s:.0f} s more {where} (429)")


class Pauses:
    """Until when calls wait after a 429: per chat, and for every call (the key ``None``)."""

    def __init__(self) -> None:
        self._until: dict[ChatKey | None, float] = {}

    def pause(self, key: ChatKey | None, seconds: float) -> None:
        now = time.monotonic()
        self._until = {k: t for k, t in self._until.items() if t > now}  # the ones that are over go
        self._until[key] = max(self._until.get(key, now), now + seconds)

    def left(self, key: ChatKey | None) -> float:
        """Seconds that a call for ``key`` still waits (0 when it may go)."""
        until = self._until.get(None, 0.0)
        if key is not None:
            until = max(until, self._until.get(key, 0.0))
        return max(0.0, until - time.monotonic())

    async def wait(self, key: ChatKey | None, stop: asyncio.Event) -> float:
        """Until a call for ``key`` may go (0.0), or ``stop`` is set first: then the seconds that were left."""
        # not a polling loop: it sleeps the time left, then looks again as a pause may have grown
        while (left := self.left(key)) > 0:
            if stop.is_set():
                return left
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(left):
                    await stop.wait()
        return 0.0


class FloodLimiter(BaseRateLimiter[int]):
    """``rate_limit_args`` of a call, when given, is its own ``max_retries``."""

    def __init__(
        self,
        overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        overall_time_period: float = 1.0,
        group_max_rate: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        group_time_period: float = 60.0,
        max_retries: int = 0,
    ) -> None:
        on = overall_max_rate and overall_time_period
        self._overall = AsyncLimiter(overall_max_rate, overall_time_period) if on else None
        self._group_rate = (group_max_rate, group_time_period) if group_max_rate and group_time_period else None
        self._groups: dict[ChatKey, AsyncLimiter] = {}
        self._paid = AsyncLimiter(FloodLimit.PAID_MESSAGES_PER_SECOND, 1)
        self.max_retries = max_retries
        self.pauses = Pauses()
        # A chat's call that waits out a 429 goes before the chat's calls that came after it: they wait
        # until it is done (sent, or given up), so the chat's messages keep their order.
        self._retrying: dict[ChatKey, asyncio.Event] = {}
        self._stopping = asyncio.Event()  # set by ``cut_waits``

    def cut_waits(self) -> None:
        """The bot stops: no call waits out a 429 any more (``FloodWaitCut``)."""
        self._stopping.set()

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def _group(self, key: ChatKey) -> AsyncLimiter:
        assert self._group_rate is not None
        if key not in self._groups and len(self._groups) >= MAX_GROUP_LIMITERS:
            self._groups = {k: lim for k, lim in self._groups.items() if not lim.has_capacity(lim.max_rate)}
        if key not in self._groups:
            self._groups[key] = AsyncLimiter(*self._group_rate)
        return self._groups[key]

    def _limits(self, key: ChatKey | None, paid: bool) -> list[AsyncLimiter]:
        """The rates a call counts against (none for a call without a chat)."""
        if paid:
            return [self._paid]
        limits = []
        if self._group_rate is not None and key is not None and is_group(key):
            limits.append(self._group(key))
        if self._overall is not None and key is not None:
            limits.append(self._overall)
        return limits

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        retries = rate_limit_args or self.max_retries
        key = chat_key(data.get("chat_id"))
        limits = self._limits(key, bool(data.get("allow_paid_broadcast")))
        if key is not None:
            while (ahead := self._retrying.get(key)) is not None:
                await ahead.wait()
        mine: asyncio.Event | None = None
        attempt = 0
        try:
            while True:
                if left := await self.pauses.wait(key, self._stopping):
                    raise _cut(key, left)
                try:
                    async with contextlib.AsyncExitStack() as stack:
                        for limit in limits:
                            await stack.enter_async_context(limit)
                        return await callback(*args, **kwargs)
                except RetryAfter as exc:
                    wait_s = retry_after_s(exc) + SLACK_S
                    who = "every chat" if key is None else f"chat {key}"
                    if attempt >= retries:
                        logger.warning("Bot API %s: 429 (retry after %.1f s) after %d retries; giving up",
                                       endpoint, wait_s, retries)
                        raise
                    attempt += 1
                    self.pauses.pause(key, wait_s)
                    if self._stopping.is_set():
                        raise _cut(key, wait_s) from exc
                    if key is not None and mine is None and key not in self._retrying:
                        mine = self._retrying[key] = asyncio.Event()
                    logger.info("Bot API %s: 429; %s waits %.1f s (retry %d of %d)", endpoint, who, wait_s, attempt,
                                retries)
        finally:
            if mine is not None and key is not None:
                del self._retrying[key]
                mine.set()
