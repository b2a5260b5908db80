"""Warm-up at start: the first turn gets the model's answer, and polling does not wait for the warm-up."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agent.turn import ProductsReady, ReplyDelta, Session, TurnDone, TurnEvent, TurnResult
from bot.application import build_application, running
from bot.fake_api import FakeBotApi
from bot.i18n import t
from tests.bot.conftest import bot_settings, fake_services_factory
from tests.bot.fakes import FakeCatalog, FakeShoppingService, make_articles


class SlowLoadingModel:
    """A chat model that takes a while to load and is not loaded by anything but ``start()``."""

    def __init__(self, load_s: float) -> None:
        self.load_s = load_s
        self.loaded = False
        self.loaded_at = 0.0

    async def start(self) -> None:
        if not self.loaded:
            await asyncio.sleep(self.load_s)
            self.loaded = True
            self.loaded_at = asyncio.get_running_loop().time()


class ModelService(FakeShoppingService):
    """Answers with the model when it is loaded, else with a fixed text (as the agent does)."""

    def __init__(self, catalog: FakeCatalog, backend: SlowLoadingModel) -> None:
        super().__init__(catalog)
        self.backend = backend
        self.vocabulary_warmed = False

    async def warm_up(self) -> None:
        self.vocabulary_warmed = True

    async def stream(self, session: Session, text: str | None, photo: bytes | None = None) -> AsyncIterator[TurnEvent]:
        self.seen.append((session, text or "", photo))
        reply = "the model says: try the black one" if self.backend.loaded else "answered without the model"
        yield ProductsReady(products=[], tool_calls=[], language="en")
        yield ReplyDelta(reply)
        yield TurnDone(TurnResult(reply=reply, language="en"))


async def test_the_first_turn_waits_for_the_warm_up(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.warmup")
    catalog = FakeCatalog(make_articles(tmp_path / "images"))
    model = SlowLoadingModel(load_s=1.5)
    service = ModelService(catalog, model)
    async with FakeBotApi() as api:
        settings = bot_settings(tmp_path, api)
        app = build_application(settings, fake_services_factory(catalog, service, []), overall_max_rate=0)
        async with running(app, poll_timeout=0.2):
            api.send_text(801, "a black dress")
            api.send_text(802, "/help")
            help_reply = await api.wait_for("sendMessage", chat_id=802)
            assert not model.loaded  # polling and commands did not wait for the warm-up
            answer = await api.wait_for("sendMessage", chat_id=801, wait_s=15)
            assert answer.text == "the model says: try the black one"
            assert service.vocabulary_warmed  # the agent's own warm-up (its vocabulary's vectors) ran too
            assert help_reply.at < answer.at
            warm_session: Any = service.seen[0][0]
            assert warm_session.session_id not in {s.session_id for s, _, _ in service.seen[1:]}
            assert service.resets == [warm_session.session_id]  # the warm-up's conversation is forgotten
    assert any("warm-up done" in r.getMessage() for r in caplog.records)


class SlowModelService(ModelService):
    """As the agent: a slow model's turn ends at the agent's own time limit (``turn_timeout_s`` and a second from the
    start of its stream), with a short answer and a note."""

    def __init__(self, catalog: FakeCatalog, backend: SlowLoadingModel, limit_s: float) -> None:
        super().__init__(catalog, backend)
        self.limit_s = limit_s

    async def stream(self, session: Session, text: str | None, photo: bytes | None = None) -> AsyncIterator[TurnEvent]:
        if "slow" not in (text or ""):  # the warm-up's own turn
            async for event in super().stream(session, text, photo):
                yield event
            return
        self.seen.append((session, text or "", photo))
        yield ProductsReady(products=[], tool_calls=[], language="en")
        await asyncio.sleep(self.limit_s)
        yield ReplyDelta("a short answer")
        yield TurnDone(TurnResult(reply="a short answer", language="en", note="(the model took too long)"))


async def test_a_turn_that_waited_for_the_warm_up_keeps_to_its_time_budget(tmp_path: Path) -> None:
    budget_s = 4.0
    catalog = FakeCatalog(make_articles(tmp_path / "images"))
    model = SlowLoadingModel(load_s=3.0)
    service = SlowModelService(catalog, model, limit_s=budget_s + 1.0)
    async with FakeBotApi() as api:
        settings = bot_settings(tmp_path, api, RECLMMS_AGENT_TURN_TIMEOUT_S=str(budget_s))
        app = build_application(settings, fake_services_factory(catalog, service, []), overall_max_rate=0)
        async with running(app, poll_timeout=0.2):
            sent = api.send_text(803, "a slow dress")  # while the model loads (3 s)
            answer = await api.wait_for("sendMessage", chat_id=803, wait_s=15)
            took = answer.at - api.queued_at[sent]
    assert took < budget_s + 1.0 + 0.9, took  # the warm-up's wait counted: not 3 s more than the agent's limit
    assert answer.text == t("en", "starting_slow")  # cut short: ask again, the models are nearly ready
