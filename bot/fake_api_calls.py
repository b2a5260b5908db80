"""What the fake Bot API (``bot.fake_api``) records of each call, and the failures a test scripts into it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")


@dataclass
class Failure:
    """Answer the next matching call with an error instead of success. ``delay_s`` waits first (past
    the client's read timeout: a hang, and with ``code`` 200 the call is still carried out);
    ``raw_body`` answers with that text instead of JSON (a garbled answer)."""

    method: str
    code: int
    description: str
    match: Callable[[dict[str, Any]], bool] | None = None
    retry_after: int | None = None
    times: int = 1
    delay_s: float = 0.0
    raw_body: str | None = None
