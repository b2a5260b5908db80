"""The ``getUpdates`` request, made safe against an update python-telegram-bot cannot read.

PTB parses a whole ``getUpdates`` batch at once: one update it cannot read (say, a poll from an
older Bot API server, without a field that PTB now requires) fails the batch, the offset never
moves past it, and polling fetches the same batch again and again, with nobody answered.
``ReadableUpdates`` wraps the HTTP request used for ``getUpdates`` only and, through PTB's
documented ``parse_json_payload`` hook, replaces each unreadable update by a bare
``{"update_id": N}``: PTB confirms it as usual, the bot's first handler drops it (it has no
sender), and one warning names its id. An entry that is no update at all (``null``, a number, a
dict without an integer ``update_id``) is left out with one warning: PTB would fail the whole
batch on it, again at every poll, or take its offset from it and stop polling for good.

It also reports a ``getUpdates`` answer that refuses the token (401, or 404 for a token the Bot
API does not know) to ``on_invalid_token``, as the ``InvalidToken`` PTB raises for it: that is
the one error PTB's polling loop does not retry (it ends for good), so ``bot.stopping`` stops the
bot instead of leaving it up and deaf. A 409 Conflict (another process polls with the token, or a
webhook is set) is told once by ``bot.polling_conflict``, not at each of PTB's retries.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from telegram import Update
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import InvalidToken
from telegram.request import BaseRequest, RequestData

from bot.polling_conflict import ConflictNotice

logger = logging.getLogger(__name__)

# the answers PTB raises InvalidToken for: a token the Bot API rejects, or one it does not know
TOKEN_REFUSED = (HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND)


def _exact_int(value: Any) -> int | None:
    """``value`` as an ``int`` when it is one exactly ("77" and 77.0 too), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def readable(update: Any) -> Any:
    """``update`` when PTB can read it, else a bare update with its id; None for an entry without
    an id that is an integer (not a dict, no id, an id such as 7.5): PTB would take its offset
    from it (and stop polling for good) or fail the whole answer, so it is left out."""
    update_id = _exact_int(update.get("update_id")) if isinstance(update, dict) else None
    if update_id is None:
        logger.warning("skipping an entry of a getUpdates answer that is not an update: %.80r", update)
        return None
    if type(update["update_id"]) is not int:
        logger.warning("skipping update %r: its update_id is not an integer", update["update_id"])
        return {"update_id": update_id}
    try:
        Update.de_json(update, None)
    except Exception as exc:  # noqa: BLE001 - any failure to read it means the same: skip it
        kinds = ", ".join(k for k in update if k != "update_id") or "nothing"
        logger.warning("skipping update %d (%s): it cannot be read (%s: %s)",
                       update["update_id"], kinds, type(exc).__name__, exc)
        return {"update_id": update["update_id"]}
    return update


def _description(code: int, payload: bytes) -> str:
    """The Bot API's description of an error answer, as PTB puts it in the error it raises."""
    try:
        return str(BaseRequest.parse_json_payload(payload).get("description") or HTTPStatus(code).phrase)
    except Exception:  # noqa: BLE001 - not JSON: the status says enough
        return HTTPStatus(code).phrase


class DelegatingRequest(BaseRequest):
    """A request class in front of another (``inner``): its timeouts, start and shutdown are the inner one's."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()


class ReadableUpdates(DelegatingRequest):
    """Delegates to ``inner``; a ``getUpdates`` answer comes back with unreadable updates bared,
    one that refuses the token is told to ``on_invalid_token`` once PTB has raised its error, and a
    409 Conflict (another process polls with the token, or a webhook is set) to ``conflicts``."""

    def __init__(self, inner: BaseRequest, on_invalid_token: Callable[[InvalidToken, str], None] | None = None,
                 conflicts: ConflictNotice | None = None) -> None:
        super().__init__(inner)
        self.on_invalid_token = on_invalid_token
        self.conflicts = conflicts or ConflictNotice()

    @staticmethod
    def _tell_when_done(tell: Callable[[InvalidToken, str], None], exc: InvalidToken) -> None:
        """``tell(exc, "getUpdates")`` once the task of this call has ended: PTB raises the error,
        its retry loop ends polling as it always does, and only then is the bot stopped."""
        task = asyncio.current_task()
        if task is None:
            tell(exc, "getUpdates")
        else:
            task.add_done_callback(lambda _: tell(exc, "getUpdates"))

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
        code, payload = await self.inner.do_request(
            url, method, request_data, read_timeout=read_timeout, write_timeout=write_timeout,
            connect_timeout=connect_timeout, pool_timeout=pool_timeout,
        )
        if code in TOKEN_REFUSED and self.on_invalid_token is not None:
            self._tell_when_done(self.on_invalid_token, InvalidToken(_description(code, payload)))
        if code == HTTPStatus.CONFLICT:
            self.conflicts.conflict(_description(code, payload))
        elif code == HTTPStatus.OK:
            self.conflicts.polled()
        return code, payload

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        data = BaseRequest.parse_json_payload(payload)
        if isinstance(data, dict) and data.get("ok") and isinstance(data.get("result"), list):
            data["result"] = [u for u in map(readable, data["result"]) if u is not None]
        return data
