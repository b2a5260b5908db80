"""The conversation store stays bounded: after each turn (and each product list recorded outside one) a session
keeps only its latest checkpoint, and the conversation goes on from it, also after a restart."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session


def _rows(path: Path) -> dict[str, tuple[int, int]]:
    """Per session: (checkpoints, writes) in the conversation store."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        checkpoints = dict(db.execute("SELECT thread_id, COUNT(*) FROM checkpoints GROUP BY thread_id").fetchall())
        writes = dict(db.execute("SELECT thread_id, COUNT(*) FROM writes GROUP BY thread_id").fetchall())
    return {thread: (count, writes.get(thread, 0)) for thread, count in checkpoints.items()}


async def test_a_session_keeps_only_its_latest_checkpoint_and_goes_on_from_it(open_service) -> None:
    s, other = Session("long"), Session("other")
    async with open_service(ScriptedBackend(), max_products=2) as service:
        path = service.settings.checkpoints_path
        await service.ask(other, "black trousers")
        for _ in range(6):
            await service.ask(s, "a summer dress")
        blue = await service.ask(s, "in blue")
        assert _rows(path) == {"long": (1, 0), "other": (1, 0)}  # 8 turns of some 5 steps each
        assert all(p.colour == "Blue" and p.product_type == "Dress" for p in blue.products)
        await service.record_shown(s, blue.products[:1], source=None, action="details")  # a card's Details button
        assert _rows(path)["long"] == (1, 0)
    async with open_service(ScriptedBackend(), max_products=2) as service:  # a restart
        prices = [p.price for p in blue.products if p.price is not None]
        cheaper = await service.ask(s, "cheaper ones")  # the blue dresses, remembered by the one checkpoint
        assert cheaper.intent == "refine" and cheaper.products
        assert all(p.colour == "Blue" and p.product_type == "Dress" and p.price < min(prices)
                   for p in cheaper.products)
        assert (await service.ask(other, "the first one")).products[0].article_id == "0100000007"
        state = await service.graph.aget_state({"configurable": {"thread_id": "long"}})
        assert state.values["turns"] == 8
    assert _rows(path) == {"long": (1, 0), "other": (1, 0)}
