"""One model's blocking calls, one at a time, in a thread of the model's own.

asyncio's default executor is shared with the catalog's work (embeddings, Chroma, DuckDB) and has a few
threads. A model call that waited there for the model, or kept generating after its caller gave up, would
hold one of them. Here a call waits on the event loop instead, holding no thread and within its own deadline,
until the previous call has *returned* (not merely been given up by its caller); only then does it go to
the worker's one thread. (A ``ThreadPoolExecutor`` of one, not a daemon thread: a daemon thread that has
run torch code can abort the process at exit.)
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def finished(job: concurrent.futures.Future[Any]) -> None:
    """Wait on the event loop until ``job`` is done; its result or error stays in ``job``."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not done.done():
            done.set_result(None)

    def on_done(_: concurrent.futures.Future[Any]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(wake)

    job.add_done_callback(on_done)
    await done


class SerialWorker:
    """A single thread that runs calls one at a time; callers queue on the event loop."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._current: concurrent.futures.Future[Any] | None = None

    @property
    def busy(self) -> bool:
        """Whether a call is in the thread (or handed to it) and has not returned yet."""
        return self._current is not None and not self._current.done()

    async def wait_idle(self, deadline: float | None) -> None:
        """Wait until the thread's call has returned; TimeoutError at ``deadline`` (the loop's clock)."""
        async with asyncio.timeout_at(deadline):
            while self._current is not None and not self._current.done():
                await finished(self._current)

    def submit(self, func: Callable[[], T]) -> concurrent.futures.Future[T]:
        """Hand ``func`` to the thread now (callers that share the thread use ``run``)."""
        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix=self.name)
        job = self._executor.submit(func)
        self._current = job
        return job

    async def run(self, func: Callable[[], T], *, deadline: float | None,
                  on_abandon: Callable[[], None] | None = None) -> T:
        """Run ``func`` in the thread once the previous call has returned, and give its result by ``deadline``.

        A caller that gives up (TimeoutError, or cancelled) calls ``on_abandon`` (e.g. to ask the model to
        stop) and goes; the worker stays busy until ``func`` returns, so the next call waits for that."""
        await self.wait_idle(deadline)
        job = self.submit(func)
        try:
            async with asyncio.timeout_at(deadline):
                await finished(job)
        except BaseException:
            if on_abandon is not None:
                on_abandon()
            raise
        return job.result()

    def close(self) -> None:
        """Let the thread end once its current call returns (without waiting for that)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None
