"""Overlapping turns leave the process's warnings as they were: no pydantic serializer warning about the
turn's ``AgentContext`` (the tool runtime is no longer serialised with the model's arguments), and no filter
left behind that would hide other serializer warnings (a per-call ``warnings.catch_warnings`` swapped the
process-wide filter list, so one turn's exit dropped another's filter and the other's exit kept one for good)."""

from __future__ import annotations

import asyncio
import threading
import warnings
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agent.factory import build_shopping_service
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session
from catalog.models import SearchFilters, SearchHit
from tests.agent.conftest import make_settings
from tests.agent.fakes import FakeCatalog


class InterleavedCatalog(FakeCatalog):
    """The red search starts first and ends while the black one is still running, the order that broke."""

    def __init__(self) -> None:
        super().__init__()
        self.red_started = asyncio.Event()
        self.black_started = asyncio.Event()
        self.red_done = asyncio.Event()

    async def search_text(self, query: str, filters: SearchFilters | None = None, k: int = 10) -> list[SearchHit]:
        colour = (filters.colour if filters else None) or ""
        if colour == "Red":
            self.red_started.set()
            await self.black_started.wait()
        elif colour == "Black":
            self.black_started.set()
            await self.red_done.wait()
        return await super().search_text(query, filters, k)


class Price(BaseModel):
    value: int


def serializer_warnings(seen: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in seen if "PydanticSerializationUnexpectedValue" in str(w.message)]


async def test_overlapping_turns_warn_nothing_and_leave_the_filters_alone(open_service: Any) -> None:
    catalog = InterleavedCatalog()
    async with open_service(ScriptedBackend(), catalog) as service:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            filters = list(warnings.filters)
            red = asyncio.create_task(service.ask(Session("red"), "red dress"))
            await asyncio.wait_for(catalog.red_started.wait(), 10)
            black = asyncio.create_task(service.ask(Session("black"), "black dress"))
            first = await asyncio.wait_for(red, 10)
            catalog.red_done.set()
            second = await asyncio.wait_for(black, 10)
            assert warnings.filters == filters
            Price.model_construct(value="ten").model_dump()  # someone else's serializer warning still shows
    assert first.products and all(p.colour == "Red" for p in first.products)
    assert second.products and all(p.colour == "Black" for p in second.products)
    found = serializer_warnings(seen)
    assert len(found) == 1 and "Expected `int`" in found[0], found


def test_turns_in_two_threads_warn_nothing(tmp_path: Path) -> None:
    """Two event loops in two threads, each with its own service and store, turns at the same time."""
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    async def turns(name: str) -> None:
        settings = make_settings(tmp_path / name)
        async with build_shopping_service(settings, FakeCatalog(), backend=ScriptedBackend()) as service:  # type: ignore[arg-type]
            start.wait(10)
            for text in ("red dress", "black trousers", "blue dress", "cheaper"):
                await service.ask(Session(name), text)

    def run(name: str) -> None:
        try:
            asyncio.run(turns(name))
        except BaseException as exc:  # reported by the test below
            failures.append(exc)

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        threads = [threading.Thread(target=run, args=(f"t{i}",)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert not failures and serializer_warnings(seen) == []
