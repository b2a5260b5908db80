"""The bot when the store cannot be read while it runs (reclmms.sqlite3 damaged): /history tells a linked shopper
that their purchase history can't be read right now, and the admin's /stats says why the figures are unavailable,
naming the file, with one log line each; both had answered the generic apology with a traceback in the log."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.application import build_application, running
from bot.fake_api import FakeBotApi
from bot.i18n import t
from catalog.models import Article, Purchase
from reclmms.errors import StoreError
from tests.bot.conftest import ADMIN_ID, bot_settings, fake_services_factory
from tests.bot.fakes import FakeCatalog, FakeShoppingService, make_articles
from tests.core.store_damage import garbage_pages


class UnreadableHistory(FakeCatalog):
    """As the catalog over a store whose purchase pages are damaged."""

    async def purchase_history(self, customer_id: str, as_of: date | None = None,
                               limit: int = 50) -> list[tuple[Purchase, Article]]:
        raise sqlite3.DatabaseError("database disk image is malformed")


async def test_history_and_stats_say_the_store_cannot_be_read(tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    catalog = UnreadableHistory(make_articles(tmp_path / "images"), purchases={"cust-1": ["0100000003"]})
    async with FakeBotApi() as api:
        settings = bot_settings(tmp_path, api)
        replies: list[Any] = []
        app = build_application(settings, fake_services_factory(catalog, FakeShoppingService(catalog), ["cust-1"]),
                                overall_max_rate=0)
        with pytest.raises(StoreError, match="is damaged"):  # at the stop: the figures not written (cf. serve's exit 2)
            await _history_and_stats(api, app, settings.sqlite_path, replies)
    history, stats = replies
    assert history.text == t("en", "history_unavailable")
    assert stats.text.startswith("<b>RecLMMs stats</b> are unavailable: "), stats.text
    assert "is damaged" in stats.text and "reclmms.sqlite3" in stats.text
    logged = [r for r in caplog.records if r.getMessage().startswith(("/history:", "/stats:"))]
    assert [r.getMessage().split(":")[0] for r in logged] == ["/history", "/stats"]
    assert not any(r.exc_info for r in logged)


async def _history_and_stats(api: FakeBotApi, app: Any, store: Path, replies: list[Any]) -> None:
    async with running(app, poll_timeout=0.5):
        rt: Any = app.bot_data["runtime"]
        await rt.warmup.wait(30)
        code = await rt.linker.issue("cust-1")
        api.send_text(150, f"/start {code.code}")
        await api.wait_for("sendMessage", chat_id=150, where=lambda c: "shopping assistant" in c.text)
        after = len(api.calls)
        api.send_text(150, "/history")
        replies.append(await api.wait_for("sendMessage", chat_id=150, after=after))

        db = rt.services.db.conn  # the bot's own figures, in the same file: damaged under it
        await db.executemany("INSERT INTO bot_messages(user_id, chat_id, kind, at) VALUES (?, ?, ?, ?)",
                             [(n, n, "message" * 20, float(n)) for n in range(2000)])
        await db.commit()
        await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        garbage_pages(store)
        await db.execute("PRAGMA shrink_memory")
        after = len(api.calls)
        api.send_text(ADMIN_ID, "/stats", user=api.user(ADMIN_ID))
        replies.append(await api.wait_for("sendMessage", chat_id=ADMIN_ID, after=after))
