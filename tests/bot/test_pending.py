"""Offline: which process adopts the messages another one accepted and left unanswered."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from telegram import Update

from bot.fake_api import FakeBotApi
from bot.pending import STALE_S, PendingTurns
from bot.store import ensure_bot_schema
from catalog.db import Database


@pytest.fixture
async def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    async with Database(tmp_path / "t.sqlite3") as database:
        await ensure_bot_schema(database)
        yield database


def update(update_id: int, text: str = "a black dress") -> Update:
    api = FakeBotApi()
    return Update.de_json({"update_id": update_id, "message": api.message(5, text=text)}, None)


HELD: list[object] = []


async def accept(pending: PendingTurns, update_id: int) -> None:
    """Accepted, never finished: as when the process dies in its turn."""
    cm = pending.holding(update(update_id))
    await cm.__aenter__()
    HELD.append(cm)


def dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    return int(proc.stdout)


async def test_rows_of_a_live_process_are_left_alone(db: Database) -> None:
    sibling, me = PendingTurns(db), PendingTurns(db)
    sibling.owner, me.owner = "other-host:123:abcd", "my-host:789:cafe"  # two hosts sharing the database
    await accept(sibling, 1)
    assert await me.adopt() == []  # alive: its heartbeat is fresh
    await sibling.heartbeat()
    assert await me.adopt(now=time.time() + STALE_S / 2) == []
    adopted = await me.adopt(now=time.time() + STALE_S + 1)  # no heartbeat for STALE_S: gone
    assert [r.update_id for r in adopted] == [1] and adopted[0].summary == "a black dress"
    third = PendingTurns(db)
    third.owner = "third-host:456:beef"
    assert await third.adopt(now=time.time() + STALE_S + 1) == []  # taken by one process, and alive again


async def test_rows_of_a_dead_process_on_this_host_are_adopted_at_once(db: Database) -> None:
    crashed, me = PendingTurns(db), PendingTurns(db)
    crashed.owner = f"{socket.gethostname()}:{dead_pid()}:abcd"
    await accept(crashed, 2)
    restarted_in_place = PendingTurns(db)  # same pid as before, e.g. PID 1 in a restarted container
    restarted_in_place.owner = f"{socket.gethostname()}:{os.getpid()}:ffff"
    await accept(restarted_in_place, 3)
    assert [r.update_id for r in await me.adopt()] == [2, 3]


async def test_a_finished_or_failed_message_is_forgotten(db: Database) -> None:
    pending = PendingTurns(db)
    async with pending.holding(update(4)):
        assert [r.update_id for r in await pending.rows()] == [4]
    with pytest.raises(RuntimeError):
        async with pending.holding(update(5)):
            raise RuntimeError("the turn failed: the error handler apologises")
    assert await pending.rows() == []
