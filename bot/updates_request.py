"""The ``getUpdates`` request, made safe against an update python-telegram-bot cannot read.

PTB parses a whole ``getUpdates`` batch at once: one update it cannot read (say, a poll from an
older Bot API server, without a field that PTB now requires) fails the batch, the offset never
moves past it, and polling fetches the same batch again and again, with nobody answered.
``ReadableUpdates`` wraps the HTTP request used for ``getUpdates`` only and, through PTB's
documented ``parse_json_payload`` hook, replaces each unreadable update by a bare
``{"update_id": N}``: PTB confirms it as usual, the bot's first handler drops it (it has no
sender), and one warning names its id.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram._utils.types import JSONDict, ODVInput
from telegram.request import BaseRequest, RequestData

logger = logging.getLogger(__name__)


def readable(update: Any) -> Any:
    """``update`` when PTB can read it, else a bare update with its id (or ``update`` as it is when
    even the id is missing: then PTB's own error stands)."""
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        return update
    try:
        Update.de_json(update, None)
    except Exception as exc:  # noqa: BLE001 - any failure to read it means the same: skip it
        kinds = ", ".join(k for k in update if k != "update_id") or "nothing"
        logger.warning("skipping update %d (%s): it cannot be read (%s: %s)",
                       update["update_id"], kinds, type(exc).__name__, exc)
        return {"update_id": update["update_id"]}
    return update


class ReadableUpdates(BaseRequest):
    """Delegates to ``inner``; a ``getUpdates`` answer comes back with unreadable updates bared."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

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
        return await self.inner.do_request(
            url, method, request_data, read_timeout=read_timeout, write_timeout=write_timeout,
            connect_timeout=connect_timeout, pool_timeout=pool_timeout,
        )

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        data = BaseRequest.parse_json_payload(payload)
        if isinstance(data, dict) and data.get("ok") and isinstance(data.get("result"), list):
            data["result"] = [readable(u) for u in data["result"]]
        return data
