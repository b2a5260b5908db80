"""Warm-up at start: load what the first turn would otherwise load, in the background.

Left alone, the first turn after a start pays for loading the chat model, the text embedder,
the search index and the model's first (uncached) prompt, and on a small machine that runs past
its time: the reply comes without the model. ``WarmUp`` does that work in a background task
started in ``post_init``, so polling or the webhook start at once, through public APIs only:

1. the search index: opened and counted (``catalog.search_health``); when it cannot serve (a Chroma
   server that is down, an index with no article vectors, an embedded index whose folder is missing) the
   operator gets one warning line that says so and how to mend it. While the server is down the steps that
   search are skipped (they would only fail and log more lines); search turns then say that search is
   unavailable, and it comes back with the server, without a restart. A missing folder skips them too (a
   search would make the folder anew, empty);
2. the chat model: ``backend.start()`` where the backend has one (idempotent: it joins a load
   the agent factory already began);
3. one real turn on a private session (``agent.ask``), then ``agent.reset`` of that session:
   the language detector, the text embedder, the search index and the model's prompt cache. It is no shopper's
   turn: the agent's counters (/stats, "LLM since restart") do not count it;
4. the catalog's vocabulary embedded (``agent.warm_up``), which the first message in another language than
   English would otherwise wait for;
5. one photo search with a small generated image, when article images are indexed: the image embedder.

A turn that arrives meanwhile waits for the warm-up, within its own time budget
(``[agent] turn_timeout_s``), before it starts; the typing indicator shows while it waits.
A step that fails is logged and skipped: turns then load what they need themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import time
from typing import Any

from agent.turn import Session
from catalog.search_health import check_search

logger = logging.getLogger(__name__)

WARM_UP_SESSION = "bot:warm-up"
WARM_UP_TEXT = "a black dress"


def _sample_photo() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (90, 90, 90)).save(buf, format="PNG")
    return buf.getvalue()


async def _images_indexed(catalog: Any) -> bool:
    """Whether article images are indexed (a photo search embeds its photo only then); True when unknown."""
    available = getattr(catalog, "photo_search_available", None)
    if not callable(available):
        return True
    try:
        return bool(await available())
    except Exception as exc:  # noqa: BLE001 - the step is skipped, as a failed one is
        logger.warning("warm-up: photo search skipped (%s: %s)", type(exc).__name__, exc)
        return False


class WarmUp:
    def __init__(self, services: Any = None) -> None:
        self._services = services
        self._task: asyncio.Task[None] | None = None
        self.seconds: float | None = None

    @property
    def done(self) -> bool:
        return self._task is None or self._task.done()

    def start(self) -> None:
        if self._services is not None and self._task is None:
            self._task = asyncio.create_task(self._run(), name="bot-warm-up")

    async def wait(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for the warm-up; True when it is over."""
        if self._task is None or self._task.done():
            return True
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout_s)
        except TimeoutError:
            logger.info("warm-up still running after %.1f s of a turn's wait; the turn goes on", timeout_s)
            return False
        return True

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task

    async def _step(self, name: str, work: Any) -> None:
        started = time.monotonic()
        try:
            await work
        except Exception as exc:  # noqa: BLE001 - a warm-up step that fails is skipped
            logger.warning("warm-up: %s failed (%s: %s)", name, type(exc).__name__, exc)
        else:
            logger.info("warm-up: %s in %.1f s", name, time.monotonic() - started)

    async def _run(self) -> None:
        started = time.monotonic()
        agent = getattr(self._services, "agent", None)
        catalog = getattr(self._services, "catalog", None)
        health = await check_search(catalog)
        if (warning := health.warning()) is not None:
            logger.warning("%s", warning)
        start = getattr(getattr(agent, "backend", None), "start", None)
        if callable(start):
            await self._step("chat model loaded", start())
        # an empty index: a quiet search that finds nothing; a missing folder: a search would make it anew, empty
        if agent is not None and health.status not in ("down", "missing"):
            await self._step("first turn", self._turn(agent))
        warm_vocabulary = getattr(agent, "warm_up", None)
        if callable(warm_vocabulary):
            await self._step("vocabulary embedded", warm_vocabulary())
        search_photo = getattr(catalog, "search_photo", None)
        if callable(search_photo) and health.ok and await _images_indexed(catalog):
            await self._step("photo search", search_photo(await asyncio.to_thread(_sample_photo), k=1))
        self.seconds = time.monotonic() - started
        logger.info("warm-up done in %.1f s", self.seconds)

    @staticmethod
    async def _turn(agent: Any) -> None:
        """The warm-up's turn, which is no shopper's: it leaves the agent's counters of turns and model failures
        (/stats: "LLM since restart") as it found them; a model that failed in it is told in the log instead."""
        counted = {name: getattr(agent, name, None) for name in ("turns", "failures")}
        try:
            await agent.ask(Session(WARM_UP_SESSION), WARM_UP_TEXT)
        finally:
            for name, before in counted.items():
                now = getattr(agent, name, None)
                if isinstance(before, int) and isinstance(now, int) and now > before:
                    setattr(agent, name, now - 1)
                    if name == "failures":
                        logger.warning("warm-up: the chat model failed in the first turn")
            await agent.reset(WARM_UP_SESSION)
