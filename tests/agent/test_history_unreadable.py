"""A purchase history that cannot be read (the store file damaged while the bot runs) is told as such: "your
purchase history can't be read right now", in the shopper's language, never "product search is unavailable";
the log has one line naming the file and what to do, no traceback; and a search in the same conversation still
finds products."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.prompts import Replies
from agent.turn import Session
from catalog.models import Article, Purchase
from tests.agent.fakes import FakeCatalog
from tests.core.store_damage import CATALOG_REMEDY, garbage_pages


def damaged_store(path: Path) -> Path:
    """A SQLite file whose table pages are garbage behind an intact header and schema."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE purchase_history (customer_id TEXT PRIMARY KEY, purchases BLOB)")
        conn.executemany("INSERT INTO purchase_history VALUES (?, ?)", [(f"c{n}", b"x" * 500) for n in range(200)])
        conn.commit()
    garbage_pages(path)
    return path


class DamagedHistoryCatalog(FakeCatalog):
    """The fake catalog, whose purchase history is read from a damaged SQLite file (the real error)."""

    def __init__(self, store: Path) -> None:
        super().__init__()
        self.store = store

    async def purchase_history(self, customer_id: str, as_of: date | None = None,
                               limit: int = 50) -> list[tuple[Purchase, Article]]:
        with contextlib.closing(sqlite3.connect(self.store)) as conn:
            conn.execute("SELECT purchases FROM purchase_history WHERE customer_id = ?", (customer_id,)).fetchall()
        raise AssertionError("a damaged file was read")


@pytest.mark.parametrize(("text", "language"), [("what did I buy?", "en"), ("Was habe ich gekauft?", "de"),
                                                 ("what did I buy last month?", "en")])
async def test_an_unreadable_history_is_told_as_such_and_search_goes_on(
    open_service, tmp_path: Path, caplog: pytest.LogCaptureFixture, text: str, language: str,  # type: ignore[no-untyped-def]
) -> None:
    store = damaged_store(tmp_path / "reclmms.sqlite3")
    with caplog.at_level("WARNING"):
        async with open_service(ScriptedBackend(), cat=DamagedHistoryCatalog(store)) as service:
            session = Session("unreadable", customer_id="cust-c")
            turn = await service.ask(session, text)
            search = await service.ask(session, "black trousers")
    assert turn.intent == "history" and turn.products == []
    assert [c["kind"] for c in turn.tool_calls] == ["unavailable"]
    assert turn.reply == Replies().get(language, "history_unavailable")
    assert turn.reply != Replies().get(language, "search_unavailable")
    lines = [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
    assert [r.getMessage() for r in lines] == [  # the store the settings name, which the catalog reads
        f"the purchase history cannot be read: {store} is damaged (database disk image is malformed): {CATALOG_REMEDY}"]
    assert not any(r.exc_info for r in lines)
    assert search.products and search.reply != Replies().get("en", "search_unavailable")
