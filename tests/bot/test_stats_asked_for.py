"""/stats counts what shoppers asked for, and tells a turn stopped with /cancel from a failed one.

The top colours and categories are the ones a message or a photo's caption named (the tools'
filters), not those of the products shown: a photo sent alone asks for no colour, however many
brown look-alikes it gets. A turn is answered, stopped with /cancel, or failed on an error (and
then counted in the errors too). Figures written by earlier versions, which counted the first
product shown, lose those guesses when the schema is upgraded.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_asyncio

from bot.application import build_application, running
from bot.fake_api import FakeBotApi
from bot.stats import collect_stats
from bot.store import BOT_MIGRATIONS, MetricsStore, ensure_bot_schema
from catalog.db import Database
from tests.bot.conftest import ADMIN_ID, Harness, bot_settings, fake_services_factory
from tests.bot.fakes import FakeCatalog, FakeShoppingService, make_articles, png_bytes


@pytest_asyncio.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot on the fake shopping service, with figures of its own (they are all time)."""
    catalog = FakeCatalog(make_articles(tmp_path / "images"))
    async with FakeBotApi() as api:
        settings = bot_settings(tmp_path, api)
        app = build_application(settings, fake_services_factory(catalog, FakeShoppingService(catalog), []),
                                overall_max_rate=0)
        async with running(app, poll_timeout=0.5):
            h = Harness(api, app, settings)
            await h.rt.warmup.wait(30)
            yield h


def picks(call: Any) -> bool:
    return "picks for you" in call.text


async def test_stats_count_the_colours_asked_for_and_cancelled_turns_apart(bot: Harness) -> None:
    api = bot.api
    api.send_photo(1801, png_bytes("brown"))  # no caption: look-alikes (the first one black), no colour asked for
    await api.wait_for("sendMessage", chat_id=1801, where=picks)
    api.send_text(1802, "a black dress")  # the search's colour filter: black
    await api.wait_for("sendMessage", chat_id=1802, where=picks)
    api.send_text(1803, "slow dress please")  # the fake agent sleeps 30 s on "slow"
    await api.wait_for("sendMediaGroup", chat_id=1803)
    api.send_text(1803, "/cancel")
    await api.wait_for("sendMessage", chat_id=1803, where=lambda c: c.text == "Stopped.")
    await api.settle(0.5)

    figures = await collect_stats(bot.rt.metrics)
    assert figures["turns"] == 3 and figures["photos"] == 1
    assert figures["top_colours"] == [["black", 1]]  # the text's black only, not the photo's look-alike's
    assert figures["top_categories"] == []  # no message named a kind (the fake's tools filter by colour only)
    assert figures["cancelled_turns"] == 1 and figures["failed_turns"] == 0 and figures["errors"] == 0

    api.send_text(ADMIN_ID, "/stats", user=api.user(ADMIN_ID))
    text = (await api.wait_for("sendMessage", chat_id=ADMIN_ID)).text
    assert "turns</b>: 3: 2 answered, 1 stopped with /cancel, 0 failed on an error" in text, text
    assert "top colours asked for</b>: black (1)" in text, text
    assert "errors</b>: 0 (failed turns, and any other update that ended on an error)" in text, text


async def _turn(db: Database, tools: list[str], terms: list[tuple[str, str]], ok: int = 1) -> None:
    cur = await db.conn.execute(
        "INSERT INTO bot_turns(user_id, chat_id, at, seconds, tools, ok) VALUES (1, 1, 0, 1.0, ?, ?)",
        (json.dumps(tools), ok))
    await db.conn.executemany("INSERT INTO bot_turn_terms(turn_id, kind, value) VALUES (?, ?, ?)",
                              [(cur.lastrowid, kind, value) for kind, value in terms])
    await db.conn.commit()


async def test_the_upgrade_drops_the_terms_earlier_versions_took_from_what_was_shown(tmp_path: Path) -> None:
    async with Database(tmp_path / "old.sqlite3") as db:
        await db.migrate("bot", BOT_MIGRATIONS[:3])  # as the previous version left it
        for _ in range(3):  # photos sent alone: their first look-alike's kind and colour
            await _turn(db, ["find_similar"], [("category", "trousers"), ("colour", "brown")])
        await _turn(db, ["recommend_for_me"], [("category", "dress"), ("colour", "white")])
        await _turn(db, ["find_similar"], [("colour", "black")])  # a photo with the caption "in black"
        await _turn(db, ["search_catalog"], [("category", "dress"), ("colour", "red")])  # "a red dress"
        await _turn(db, ["search_catalog"], [], ok=0)  # failed, or stopped: no telling which then
        await ensure_bot_schema(db)
        figures = await collect_stats(MetricsStore(db))
    assert figures["top_colours"] == [["black", 1], ["red", 1]]
    assert figures["top_categories"] == [["dress", 1]]
    assert figures["turns"] == 7 and figures["failed_turns"] == 1 and figures["cancelled_turns"] == 0
