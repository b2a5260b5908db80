"""A turn that fails inside the agent, as the bot handles it: the shopper gets a short apology in their language,
the turn counts as failed, and the bot serves the other chats on. A store file found damaged by the turn is one
error line naming the file and what to do, with no traceback."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agent.prompts import Replies
from agent.turn import FailedTurn, ProductsReady, ReplyDelta, Session, TurnDone, TurnEvent
from bot.application import build_application, running
from bot.fake_api import FakeBotApi
from bot.i18n import t
from reclmms.errors import store_file_error
from tests.bot.conftest import bot_settings, fake_services_factory
from tests.bot.fakes import FakeCatalog, FakeShoppingService, make_articles
from tests.core.store_damage import CHECKPOINTS_REMEDY

DAMAGED = store_file_error("/srv/reclmms/conversations.sqlite3", "is damaged (database disk image is malformed)",
                           CHECKPOINTS_REMEDY)


class FailingService(FakeShoppingService):
    """"damaged" finds the conversation store damaged; "bug" meets a fault of the program (the apology, as
    ``ShoppingService`` answers it); anything else answers as the fake does."""

    async def stream(self, session: Session, text: str | None, photo: bytes | None = None) -> AsyncIterator[TurnEvent]:
        if text == "damaged":
            raise DAMAGED
        if text == "bug":
            apology = Replies().get("de", "internal_error")
            yield ProductsReady(products=[], tool_calls=[], language="de")
            yield ReplyDelta(apology)
            yield TurnDone(FailedTurn(reply=apology, language="de", error="RuntimeError: boom", error_type="RuntimeError"))
            return
        async for event in super().stream(session, text, photo):
            yield event


@contextlib.asynccontextmanager
async def bot_here(tmp: Path, api: FakeBotApi) -> AsyncIterator[Any]:
    catalog = FakeCatalog(make_articles(tmp / "images"))
    app = build_application(bot_settings(tmp, api), fake_services_factory(catalog, FailingService(catalog), []),
                            overall_max_rate=0)
    async with running(app, poll_timeout=0.5):
        await app.bot_data["runtime"].warmup.wait(30)
        yield app.bot_data["runtime"]


async def test_a_damaged_store_is_one_line_for_the_operator_and_an_apology_for_the_shopper(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeBotApi() as api, bot_here(tmp_path, api) as rt:
        with caplog.at_level(logging.INFO):
            api.send_text(1901, "damaged", user=api.user(1901, "fr"))
            await api.wait_for("sendMessage", chat_id=1901, where=lambda c: c.text == t("fr", "error"), wait_s=20)
            api.send_text(1902, "a black dress")  # another chat is served on
            await api.wait_for("sendMessage", chat_id=1902, where=lambda c: "picks for you" in c.text, wait_s=20)
            await api.settle(0.5)
        assert await rt.pending.rows() == []  # done with: not run again after a restart
        assert [ok for (ok,) in await rt.metrics.rows("SELECT ok FROM bot_turns ORDER BY at")] == [0, 1]
        assert [kind for (kind,) in await rt.metrics.rows("SELECT kind FROM bot_errors")] == ["StoreError"]
    assert api.shown(1901) == [t("fr", "error")]
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records if r.exc_info]
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [f"a turn in chat 1901 failed: {DAMAGED}"], errors


async def test_a_turn_that_failed_is_answered_with_its_apology_and_counted_as_failed(tmp_path: Path) -> None:
    async with FakeBotApi() as api, bot_here(tmp_path, api) as rt:
        api.send_text(1903, "bug", user=api.user(1903, "de"))
        apology = Replies().get("de", "internal_error")
        await api.wait_for("sendMessage", chat_id=1903, where=lambda c: c.text == apology, wait_s=20)
        await api.settle(0.5)
        assert [ok for (ok,) in await rt.metrics.rows("SELECT ok FROM bot_turns ORDER BY at")] == [0]
        assert [kind for (kind,) in await rt.metrics.rows("SELECT kind FROM bot_errors")] == ["RuntimeError"]
