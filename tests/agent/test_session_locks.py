"""Turns of one session run one at a time, however many sessions the service has seen: a session's lock is
kept while anyone holds it or waits for it, and dropped with its last user."""

from __future__ import annotations

import asyncio
from pathlib import Path

from agent.service import ShoppingService
from tests.agent.conftest import make_settings
from tests.agent.fakes import FakeCatalog


async def test_a_waiting_turn_keeps_the_session_lock_among_many_sessions(tmp_path: Path) -> None:
    service = ShoppingService(make_settings(tmp_path), FakeCatalog(), None)  # type: ignore[arg-type]
    for n in range(10_001):  # a long-running bot has seen many sessions
        async with service._lock(f"other-{n}"):
            pass
    inside: list[str] = []
    overlaps: list[tuple[str, list[str]]] = []
    order: list[str] = []
    first_may_leave = asyncio.Event()

    async def turn(name: str) -> None:
        async with service._lock("tg:1"):
            if inside:
                overlaps.append((name, list(inside)))
            inside.append(name)
            order.append(name)
            if name == "t1":
                await first_may_leave.wait()
            else:
                await asyncio.sleep(0.02)
            inside.remove(name)

    t1 = asyncio.create_task(turn("t1"))
    await asyncio.sleep(0.01)
    t2 = asyncio.create_task(turn("t2"))  # waits for t1
    await asyncio.sleep(0.01)
    first_may_leave.set()
    await asyncio.sleep(0)  # t1 leaves; t2 is woken but not yet in
    t3 = asyncio.create_task(turn("t3"))  # comes while t2 still waits to take the lock
    await asyncio.gather(t1, t2, t3)
    assert overlaps == [] and order == ["t1", "t2", "t3"]
    assert service._locks == {}  # no lock is kept for a session nobody is using
