"""Offline: a chat's line serves turns in the order the updates joined it."""

from __future__ import annotations

import asyncio

from bot.runtime import ChatTurns


async def test_turns_follow_the_order_of_joining_not_of_waiting() -> None:
    turns, order = ChatTurns(), []
    release = asyncio.Event()

    async def first() -> None:
        async with turns.line(1) as place:
            assert place is not None
            await place.wait_turn()
            order.append("first")
            await release.wait()

    async def joins_then_works(name: str, work_s: float) -> None:
        async with turns.line(1, limit=False) as place:
            assert place is not None
            await asyncio.sleep(work_s)  # e.g. a photo download before it waits for its turn
            await place.wait_turn()
            order.append(name)

    running = asyncio.create_task(first())
    await asyncio.sleep(0)
    slow = asyncio.create_task(joins_then_works("second", 0.2))
    await asyncio.sleep(0)
    cancelled = asyncio.create_task(joins_then_works("cancelled", 0.0))
    await asyncio.sleep(0)
    fast = asyncio.create_task(joins_then_works("fourth", 0.0))
    await asyncio.sleep(0.05)
    cancelled.cancel()  # leaves the line while waiting: the ones behind it still wait for the ones ahead
    await asyncio.sleep(0.05)
    assert order == ["first"] and turns.busy(1)
    release.set()
    await asyncio.gather(running, slow, fast)
    assert order == ["first", "second", "fourth"]
    assert not turns.busy(1) and turns.waiting(1) == 0
