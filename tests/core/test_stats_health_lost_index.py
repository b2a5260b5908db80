"""An embedded search index whose folder (``DATA_DIR/chroma``) was deleted. Before, ``reclmms stats --health``
made a new, empty chroma/chroma.sqlite3 and said the catalog "has no search index yet (ingested with
--no-index?)", and so did the bot's warm-up after a restart, which made the folder anew too. Now the store
records that the catalog was indexed (``catalog.index_record``, when a command opens the index and finds
vectors), and the check says the folder is missing and how to build it, creating nothing; without that record
it says the folder is not there, --no-index or deleted."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.application import _default_services
from bot.warmup import WarmUp
from reclmms.cli import main
from reclmms.commands.stats import DOWN_EXIT
from reclmms.settings import load_settings
from tests.core.test_stats_search_health import _lines, ingest
from tests.data.spelling_embedder import use_spelling_embedder


def missing(chroma: Path) -> str:
    return (f"the search index's folder {chroma} is missing, though this catalog was indexed before (deleted or "
            "moved?): restore it from a backup, or run the same `reclmms ingest ...` again to build the search "
            "index anew")


def listing(data: Path) -> list[str]:
    return sorted(str(p.relative_to(data)) for p in data.rglob("*") if "-wal" not in p.name and "-shm" not in p.name)


@pytest.fixture
def indexed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """The 3-article catalog, indexed, asked about once (which records the index in the store, and keeps the
    conversation); then its chroma/ folder deleted. Returns the data dir."""
    use_spelling_embedder(monkeypatch)
    data = tmp_path / "state"
    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(data))
    monkeypatch.setenv("RECLMMS_LLM_BACKEND", "scripted")
    ingest(tmp_path, capsys, index=True)
    assert main(["ask", "a white shirt"]) == 0
    capsys.readouterr()
    with sqlite3.connect(data / "reclmms.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM ingest_state WHERE source = 'search index'").fetchone() == (1,)
    shutil.rmtree(data / "chroma")
    return data


def health(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["stats", "--health"])
    out = capsys.readouterr().out
    [line] = _lines(out, "search index")
    return code, line


def test_health_says_the_folder_is_missing_and_creates_nothing(
    indexed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = listing(indexed)
    code, line = health(capsys)
    assert code == DOWN_EXIT
    assert line == f"missing ({missing(indexed / 'chroma')})"
    assert not (indexed / "chroma").exists() and listing(indexed) == before


def test_health_without_the_record_says_the_folder_is_not_there_and_creates_nothing(
    indexed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(indexed / "reclmms.sqlite3") as conn:  # as a store indexed before the record existed
        conn.execute("DELETE FROM ingest_state WHERE source = 'search index'")
    before = listing(indexed)
    code, line = health(capsys)
    assert code == DOWN_EXIT
    assert line == (f"empty (the catalog in {indexed} has no search index: its folder {indexed / 'chroma'} is not "
                    "there (ingested with --no-index, or the folder was deleted?): run the same `reclmms ingest ...` "
                    "again without --no-index to build it)")
    assert not (indexed / "chroma").exists() and listing(indexed) == before


async def test_the_bot_after_a_restart_says_the_folder_is_missing_and_does_not_make_it(
    indexed: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    settings = load_settings(None)
    async with _default_services(settings) as services:  # what serve opens at start
        assert not (indexed / "chroma").exists()
        warm_up = WarmUp(services)
        warm_up.start()
        assert await warm_up.wait(120)
    said = [r.getMessage() for r in caplog.records if r.name == "bot.warmup"]
    assert said[0] == (f"{missing(indexed / 'chroma')}; until then product search is unavailable (the bot answers "
                       "the rest)"), said
    assert not (indexed / "chroma").exists()
