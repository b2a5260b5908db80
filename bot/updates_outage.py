"""``getUpdates`` while the Bot API cannot be reached: waited out inside the call, so that a stop
is not kept waiting.

python-telegram-bot's updater retries a failed ``getUpdates`` after a pause that grows from 1 s
to 30 s, and ``Updater.stop()`` waits for that pause to end: a stop (SIGTERM under ``docker
stop``, Ctrl-C) during a long outage took up to 30 s. A ``getUpdates`` call under way, on the
other hand, is cut short by ``Updater.stop()`` at once, as the long poll is. So
``PatientUpdates``, the HTTP request used for ``getUpdates`` only, makes the pause part of the
call: while the updater polls and the Bot API cannot be reached or fails (the connection
refused, dropped or not made in time, or a 5xx answer such as a gateway's 502), it logs one
line, waits (1 s, growing by half up to 30 s, as PTB's updater would) and tries again; the
updater never sees the failure. The updater's last ``getUpdates`` on its way out (``polling()``
is false by then) is made once, as before (``bot.stopping`` says in one line when it fails).
Any other answer goes to PTB as it came.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from http import HTTPStatus

from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.retrying import unreachable
from bot.updates_request import DelegatingRequest

logger = logging.getLogger(__name__)

FIRST_WAIT_S = 1.0
MAX_WAIT_S = 30.0
GROWTH = 1.5


def _answer_error(code: int, payload: bytes) -> NetworkError:
    """The error PTB raises for a 5xx answer (its description, or the status)."""
    try:
        description = BaseRequest.parse_json_payload(payload).get("description")
    except Exception:  # noqa: BLE001 - not JSON: the status says enough
        description = None
    try:
        phrase = f"{HTTPStatus(code).phrase} ({code})"
    except ValueError:
        phrase = f"Unknown HTTPError ({code})"
    return NetworkError(str(description or phrase))


class PatientUpdates(DelegatingRequest):
    """Delegates to ``inner``; while ``polling()``, a call that does not reach the Bot API is
    waited out inside the call (the updater's stop cancels it, wait and all)."""

    def __init__(self, inner: BaseRequest, polling: Callable[[], bool] = lambda: False,
                 first_wait_s: float = FIRST_WAIT_S, max_wait_s: float = MAX_WAIT_S) -> None:
        super().__init__(inner)
        self.polling = polling  # set once the application (and its updater) exists
        self.first_wait_s = first_wait_s
        self.max_wait_s = max_wait_s

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        wait_s = 0.0
        while True:
            try:
                code, payload = await self.inner.do_request(
                    url, method, request_data, read_timeout=read_timeout, write_timeout=write_timeout,
                    connect_timeout=connect_timeout, pool_timeout=pool_timeout,
                )
            except NetworkError as exc:
                if not self.polling() or isinstance(exc, TimedOut) and not unreachable(exc):
                    raise  # on the way out; or a long poll's answer timed out: the updater polls again at once
                error = exc
            else:
                if code < HTTPStatus.INTERNAL_SERVER_ERROR or not self.polling():
                    return code, payload
                error = _answer_error(code, payload)
            wait_s = self.first_wait_s if not wait_s else min(self.max_wait_s, wait_s * GROWTH)
            logger.warning("getUpdates failed, retrying: %s: %s", type(error).__name__, error.message)
            await asyncio.sleep(wait_s)
