"""Outages of the fake Bot API server (``bot.fake_api``), for tests and benches.

``FakeOutage`` takes a ``FakeBotApi`` away for a while, as a Bot API server that goes down
(``"refuse"``: it stops listening and drops its connections, so that every call finds the
connection refused, then it listens again on the same port) or as a proxy before a server that
is down (``"502"``: every call, ``getUpdates`` too, is answered 502 Bad Gateway and never reaches
the server: it is not recorded in ``api.calls`` but counted in ``bounced``). It can also start
once a given call has been answered, so that no call is cut off halfway::

    async with FakeBotApi() as api, FakeOutage(api) as outage:
        outage.after(lambda call: call.text.startswith("word0"), seconds=5, how="refuse")
        ...
        await outage.under_way()
        ...
        await outage.over()
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Callable
from typing import Literal

from aiohttp import web

from bot.fake_api import Call, FakeBotApi

How = Literal["refuse", "502"]


class FakeOutage:
    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.bounced: Counter[str] = Counter()  # method → calls answered 502 while down
        self.began: float | None = None
        self.ended: float | None = None
        self._back: asyncio.Task[None] | None = None
        self._began = asyncio.Event()
        self._ended = asyncio.Event()

    async def __aenter__(self) -> FakeOutage:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._back is not None and not self._back.done():
            self._back.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._back
        self.api.gate = self.api.answered = None

    @property
    def seconds(self) -> float:
        """How long the last outage lasted (so far)."""
        if self.began is None:
            return 0.0
        return (self.ended or time.monotonic()) - self.began

    def after(self, when: Callable[[Call], bool], seconds: float, how: How = "refuse") -> None:
        """Go down for ``seconds`` once the first call for which ``when`` is true has been answered."""

        def answered(call: Call) -> None:
            if when(call):
                self.api.answered = None
                self.start(seconds, how)

        self.api.answered = answered

    def start(self, seconds: float, how: How = "refuse") -> None:
        """Go down now (from a running event loop), and come back ``seconds`` later."""
        self.began, self.ended = time.monotonic(), None
        self._ended.clear()
        self._began.set()
        if how == "502":
            self.api.gate = self._bad_gateway
        self._back = asyncio.create_task(self._run(seconds, how))

    async def under_way(self, wait_s: float = 60.0) -> None:
        """Until an outage has begun."""
        await asyncio.wait_for(self._began.wait(), wait_s)

    async def over(self, wait_s: float = 60.0) -> None:
        """Until the outage under way (or the next one) has ended."""
        await asyncio.wait_for(self._ended.wait(), wait_s)

    def _bad_gateway(self, method: str) -> web.Response:
        self.bounced[method] += 1
        return web.json_response({"ok": False, "error_code": 502, "description": "Bad Gateway"}, status=502)

    async def _run(self, seconds: float, how: How) -> None:
        if how == "refuse":
            await self.api.stop()
        await asyncio.sleep(max(0.0, (self.began or 0.0) + seconds - time.monotonic()))
        if how == "refuse":
            await self.api.start()
        self.api.gate = None
        self.ended = time.monotonic()
        self._ended.set()
