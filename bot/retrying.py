"""Bot API calls that ride out a passing failure, and an outage of the Bot API.

``RetryingRateLimiter`` is ``bot.flood_limits.FloodLimiter`` (Telegram's flood limits, and a
429's ``retry_after`` waited out by its own chat only) plus retries, with backoff, of transient
failures. Every Bot API call but ``getUpdates`` (which PTB's updater retries itself) passes
through it, so a reply, a card, an edit or an apology is not lost to one bad answer.

Two kinds of failure are retried:

* a call that never reached the Bot API (``unreachable``: the connection was refused or could
  not be made in time, no connection was free, or a gateway answered 502 Bad Gateway or 503
  Service Unavailable for the server behind it) is safe to make again, whatever it does: it is
  retried, backing off up to ``max_backoff_s``, for as long as the Bot API has been unreachable
  for less than ``outage_s`` (an outage that began before the call counts from its start, so
  that calls made late in a long outage give up at once instead of each waiting it out; a
  failure after a quiet stretch longer than that begins a new one). A chat action is not
  retried then: the next one is due in a few seconds;
* any other 5xx answer or a broken connection is retried ``transient_retries`` times: Telegram
  did not take the request, or very rarely did. So is a timeout, where that is safe: for calls
  that do not post a message (edits, chat actions, getFile...). A send whose answer timed out
  after the request left may well have been delivered, so it is never sent again (no duplicate
  messages); uploads get a long read timeout instead (``bot.sending.MEDIA_READ_TIMEOUT_S``) so
  that a slow upload is not taken for a lost one.

While a message for a chat is being retried, the chat's later messages wait for it (sent, or
given up), so that they keep their order. A call the Bot API answers with ``InvalidToken`` (401,
or 404 for a token it does not know) is told to ``on_token_rejected``: the bot cannot go on. A
403 Forbidden (``refused_by_chat``: the user blocked the bot or was deactivated, the bot was removed
from the group) is not: it concerns one chat, whose messages are lost, and the bot serves the others.
The retries are logged at debug level, an outage once when it begins and once when it ends; a
call that gives up raises its error, for the caller to report. So does a call that a stop kept
from waiting out a 429 (``bot.flood_limits.FloodWaitCut``): its message is lost.

``serve`` passes its ``bot.stopping.Stopper``'s ``fail`` as ``on_token_rejected``, and has that Stopper
``watch`` the application's limiter: a stop cuts its flood waits short, and asks it which calls are
under way (``under_way``) for the line that says what the stop waits for.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

import aiohttp
import httpx
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError, TimedOut

from bot.flood_limits import ChatKey, FloodLimiter, FloodWaitCut, chat_key

logger = logging.getLogger(__name__)

_POSTS = frozenset({"forwardMessage", "forwardMessages", "copyMessage", "copyMessages"})
_GATEWAY_DOWN = ("Bad Gateway", "Service Unavailable")  # how PTB words a 502 or 503 answer
OUTAGE_S = 30.0  # how long an outage of the Bot API is ridden out
TokenRejected = Callable[[InvalidToken, str], None]  # the error, and the Bot API method it came from


def is_transient(exc: BaseException) -> bool:
    """A failure that may pass: 5xx answers, network errors and timeouts (not a 400)."""
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)


def posts_a_message(endpoint: str) -> bool:
    """A call that, done twice, shows the shopper two messages."""
    return (endpoint.startswith("send") and endpoint != "sendChatAction") or endpoint in _POSTS


def never_sent(exc: BaseException) -> bool:
    """A timeout before the request reached Telegram (connecting, or waiting for a connection)."""
    return isinstance(exc.__cause__, aiohttp.ConnectionTimeoutError | httpx.ConnectTimeout | httpx.PoolTimeout)


def unreachable(exc: BaseException) -> bool:
    """The call never reached the Bot API: no connection could be made (refused, timed out, none
    free), or a gateway answered that the server behind it is down (502, 503)."""
    if isinstance(exc, TimedOut):
        return never_sent(exc)
    if type(exc) is not NetworkError:
        return False
    return isinstance(exc.__cause__, aiohttp.ClientConnectorError | httpx.ConnectError) or exc.message.startswith(_GATEWAY_DOWN)


def maybe_delivered(exc: BaseException) -> bool:
    """A failure after which Telegram may well have carried the call out: its answer timed out
    after the request left, or could not be read (PTB's "Invalid server response")."""
    if isinstance(exc, TimedOut):
        return not never_sent(exc)
    return type(exc) is TelegramError and exc.message == "Invalid server response"


def refused_by_chat(exc: BaseException) -> bool:
    """Telegram answered 403 Forbidden: the chat takes no messages from the bot ("bot was blocked by
    the user", "user is deactivated", "bot was kicked from the group chat"). The token is fine."""
    return isinstance(exc, Forbidden)


def lost(exc: BaseException) -> bool:
    """A failure that left the shopper without the message, and that another try will not mend
    now: the Bot API failed past the retries, refused the token (the bot stops), or the chat takes
    no messages from the bot."""
    return (isinstance(exc, InvalidToken | FloodWaitCut) or refused_by_chat(exc)
            or (is_transient(exc) and not maybe_delivered(exc)))


def why_lost(exc: BaseException) -> str:
    """Why a message was lost, for a log line: "the chat takes no messages from the bot (Forbidden:
    bot was blocked by the user)", "the Bot API could not be reached (NetworkError: ...)"..."""
    if isinstance(exc, FloodWaitCut):
        return exc.message
    name = type(exc).__name__
    said = str(exc) if str(exc).startswith(name) else f"{name}: {exc}"
    if refused_by_chat(exc):
        return f"the chat takes no messages from the bot ({said})"
    if unreachable(exc):
        return f"the Bot API could not be reached ({said})"
    return f"the Bot API failed ({said})"


class RetryingRateLimiter(FloodLimiter):
    def __init__(
        self,
        *,
        transient_retries: int = 2,
        backoff_s: float = 0.5,
        max_backoff_s: float = 4.0,
        outage_s: float = OUTAGE_S,
        overall_max_rate: float = 30,
        max_retries: int = 0,
        on_token_rejected: TokenRejected | None = None,
    ) -> None:
        super().__init__(overall_max_rate=overall_max_rate, max_retries=max_retries)
        self.transient_retries = transient_retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.outage_s = outage_s
        self.on_token_rejected = on_token_rejected
        self.down_since: float | None = None  # the first call that did not reach the Bot API since one did
        self._last_missed = 0.0
        self.token_rejected = False
        self._held: dict[ChatKey, asyncio.Event] = {}  # a chat's message being retried: its later ones wait
        self._calls: dict[int, tuple[str, ChatKey | None]] = {}  # the calls under way: endpoint, chat
        self._call_ids = itertools.count()

    def under_way(self) -> list[str]:
        """The calls under way that post or change a message (not chat actions), as "sendMessage in chat 42"."""
        return [endpoint if key is None else f"{endpoint} in chat {key}"
                for endpoint, key in self._calls.values() if endpoint != "sendChatAction"]

    def _retry_in(self, endpoint: str, exc: NetworkError, started: float, attempt: int, doubtful: int) -> float | None:
        """Seconds to wait before the next try, or None to give up (``doubtful``: the failures so far
        after which the call may have reached the Bot API)."""
        if endpoint == "sendChatAction" and unreachable(exc):
            return None  # the next one is due in seconds; a late one would show "typing" under the answer
        if not unreachable(exc):
            if isinstance(exc, TimedOut) and posts_a_message(endpoint):
                return None  # it may have been delivered
            if doubtful >= self.transient_retries:
                return None
        delay = min(self.max_backoff_s, self.backoff_s * 2**attempt)
        since = started if self.down_since is None else min(started, self.down_since)
        return delay if time.monotonic() + delay <= since + self.outage_s else None

    def _token_rejected(self, exc: InvalidToken, endpoint: str) -> None:
        if self.on_token_rejected is not None:
            self.on_token_rejected(exc, endpoint)
        elif not self.token_rejected:  # nobody to stop the bot: said once all the same
            logger.error("the bot token was rejected (%s answered %s)", endpoint, exc.message)
        self.token_rejected = True

    def _answered(self) -> None:
        if self.down_since is not None:
            logger.info("the Bot API answers again, after %.1f s", time.monotonic() - self.down_since)
            self.down_since = None

    def _not_reached(self, endpoint: str, exc: NetworkError) -> None:
        """A call did not reach the Bot API: an outage begins, unless one is under way (its calls
        keep failing; a failure long after the last one, with no call between, begins another)."""
        now = time.monotonic()
        if self.down_since is None or now - self._last_missed > self.outage_s:
            self.down_since = now
            logger.info("the Bot API cannot be reached (%s: %s: %s); calls are retried for up to %.0f s",
                        endpoint, type(exc).__name__, exc, self.outage_s)
        self._last_missed = now

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        call = next(self._call_ids)
        self._calls[call] = (endpoint, chat_key(data.get("chat_id")))
        try:
            return await self._with_retries(callback, args, kwargs, endpoint, data, rate_limit_args)
        finally:
            del self._calls[call]

    async def _with_retries(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        key = chat_key(data.get("chat_id")) if posts_a_message(endpoint) else None
        if key is not None:
            while (ahead := self._held.get(key)) is not None:
                await ahead.wait()
        mine: asyncio.Event | None = None
        started = time.monotonic()
        attempt = doubtful = 0
        try:
            while True:
                try:
                    result = await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
                except FloodWaitCut:  # not made: the Bot API said nothing
                    raise
                except InvalidToken as exc:
                    self._answered()
                    self._token_rejected(exc, endpoint)
                    raise
                except NetworkError as exc:
                    if not is_transient(exc):  # a 400: the Bot API answered
                        self._answered()
                        raise
                    missed = unreachable(exc)
                    if missed:
                        self._not_reached(endpoint, exc)
                    delay = self._retry_in(endpoint, exc, started, attempt, doubtful)
                    if delay is None:
                        logger.debug("Bot API %s failed (%s: %s); giving up", endpoint, type(exc).__name__, exc)
                        raise
                    attempt, doubtful = attempt + 1, doubtful + (not missed)
                    if key is not None and mine is None and key not in self._held:
                        mine = self._held[key] = asyncio.Event()
                    log = logger.debug if missed else logger.warning
                    log("Bot API %s failed (%s: %s); retry %d in %.1f s", endpoint, type(exc).__name__, exc, attempt, delay)
                    await asyncio.sleep(delay)
                except TelegramError:  # the Bot API answered (a 403, a 409, a 429 past its retries...)
                    self._answered()
                    raise
                else:
                    self._answered()
                    return result
        finally:
            if mine is not None and key is not None:
                del self._held[key]
                mine.set()
