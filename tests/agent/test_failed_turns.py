"""A turn that fails inside the graph: for a fault of the program, the shopper gets a short apology in their
language (never the "nothing found" reply, never an English "internal error" note) and the log the traceback;
for a conversation store found damaged as the turn reads it, ``StoreError`` names the file and what to do, in
one line, with no traceback in the log."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.factory import build_shopping_service
from agent.llm.scripted import ScriptedBackend
from agent.prompts import Replies
from agent.service import ShoppingService
from agent.turn import FailedTurn, ProductsReady, ReplyDelta, Session, TurnDone, TurnEvent
from reclmms.errors import StoreError
from tests.agent.conftest import make_settings
from tests.agent.fakes import FakeCatalog
from tests.core.store_damage import CHECKPOINTS_REMEDY, garble_last_leaf


class BrokenSaver(InMemorySaver):
    """A checkpointer with a bug: reading the conversation fails ("get"), or saving it once the turn has run
    a step or two ("put")."""

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where
        self.puts = 0

    async def aget_tuple(self, config: Any) -> Any:
        if self.where == "get":
            raise RuntimeError("checkpointer bug")
        return await super().aget_tuple(config)

    async def aput(self, config: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
        self.puts += 1
        if self.where == "put" and self.puts >= 3:
            raise RuntimeError("checkpointer bug")
        return await super().aput(config, checkpoint, metadata, new_versions)


async def events(service: ShoppingService, text: str) -> list[TurnEvent]:
    return [event async for event in service.stream(Session("s1"), text)]


async def test_a_fault_before_the_turn_runs_is_an_apology_in_the_shoppers_language(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    service = ShoppingService(make_settings(tmp_path), FakeCatalog(), ScriptedBackend(), BrokenSaver("get"))
    with caplog.at_level(logging.ERROR, logger="agent.service"):
        seen = await events(service, "ich suche ein rotes Kleid für den Sommer")
    apology = Replies().get("de", "internal_error")
    assert apology != Replies().get("en", "internal_error")
    assert [type(e) for e in seen] == [ProductsReady, ReplyDelta, TurnDone]
    assert isinstance(seen[1], ReplyDelta) and seen[1].text == apology
    done = seen[-1]
    assert isinstance(done, TurnDone) and isinstance(done.result, FailedTurn)
    result = done.result
    assert (result.reply, result.language, result.note, result.products) == (apology, "de", None, [])
    assert (result.error, result.error_type) == ("RuntimeError: checkpointer bug", "RuntimeError")
    assert "internal error" not in str(result.to_json())
    faults = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(faults) == 1 and faults[0].exc_info is not None  # a fault of the program keeps its traceback


async def test_a_fault_after_the_products_keeps_them_and_apologises_after_the_prose(tmp_path: Path) -> None:
    service = ShoppingService(make_settings(tmp_path), FakeCatalog(), ScriptedBackend(), BrokenSaver("put"))
    seen = await events(service, "a red summer dress")
    apology = Replies().get("en", "internal_error")
    ready, done = seen[0], seen[-1]
    assert isinstance(ready, ProductsReady) and ready.products
    assert isinstance(done, TurnDone) and isinstance(done.result, FailedTurn)
    deltas = [e.text for e in seen if isinstance(e, ReplyDelta)]
    assert deltas[-1].endswith(apology) and "".join(deltas).strip() != apology  # after the prose already shown
    assert done.result.reply == apology and done.result.products == ready.products


async def test_a_conversation_store_damaged_where_the_turn_reads_is_one_line_naming_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path)
    catalog = FakeCatalog()
    async with build_shopping_service(settings, catalog, backend=ScriptedBackend()) as service:
        for n in range(3):  # a session keeps only its latest checkpoint: others fill the table's first pages
            await service.ask(Session(f"earlier-{n}"), "a red summer dress")
        for text in ("a red summer dress", "black trousers", "something in blue"):
            await service.ask(Session("kept"), text)
    path = settings.checkpoints_path
    garble_last_leaf(path, "checkpoints")  # the conversation's last checkpoint; the first rows read well
    with caplog.at_level(logging.INFO):
        async with build_shopping_service(settings, catalog, backend=ScriptedBackend()) as service:
            with pytest.raises(StoreError) as raised:
                await service.ask(Session("kept"), "cheaper ones")
    assert str(raised.value) == f"{path} is damaged (database disk image is malformed): {CHECKPOINTS_REMEDY}"
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR], caplog.text
