"""An embedded search index whose folder (``DATA_DIR/chroma``) was deleted right after the ingest.

The ingest records in the store that the catalog was indexed (``catalog.index_record``), so ``stats --health``
says the folder is missing, not that it may never have been built. A shopper's search then says that product
search is unavailable (``ask`` exits 1) and creates nothing: before, the first search made the folder anew,
empty, and answered that no product matched. Running the same ingest again builds the index anew."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from pathlib import Path

import pytest
from chromadb.api.client import SharedSystemClient

from reclmms.cli import main
from reclmms.commands.ask import SEARCH_UNAVAILABLE_EXIT
from reclmms.commands.stats import DOWN_EXIT
from tests.core.test_stats_health_lost_index import listing, missing
from tests.core.test_stats_search_health import _lines, ingest
from tests.data.spelling_embedder import use_spelling_embedder


def recorded(data: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(data / "reclmms.sqlite3") as conn:
        return conn.execute("SELECT part, value FROM ingest_state WHERE source = 'search index'").fetchall()


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    use_spelling_embedder(monkeypatch)
    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("RECLMMS_LLM_BACKEND", "scripted")
    return tmp_path / "state"


def test_the_ingest_records_the_index_so_a_folder_deleted_next_is_reported_missing(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ingest(tmp_path, capsys, index=True)
    assert recorded(data) == [("embedded text vectors", '{"articles": 3}')]
    shutil.rmtree(data / "chroma")
    code = main(["stats", "--health"])
    [line] = _lines(capsys.readouterr().out, "search index")
    assert code == DOWN_EXIT
    assert line == f"missing ({missing(data / 'chroma')})"


def test_an_ingest_without_the_index_records_none(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ingest(tmp_path, capsys, index=False)
    assert recorded(data) == []


def test_a_search_after_the_folder_was_deleted_says_search_is_unavailable_and_creates_nothing(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    ingest(tmp_path, capsys, index=True)
    shutil.rmtree(data / "chroma")
    code = main(["ask", "--json", "a white shirt"])
    captured = capsys.readouterr()
    answer = json.loads(captured.out)
    assert code == SEARCH_UNAVAILABLE_EXIT == 1, captured
    assert answer["reply"].startswith("Product search is unavailable right now") and answer["products"] == []
    assert [call["kind"] for call in answer["tool_calls"]] == ["unavailable"]
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warned == [f"tool search_catalog: {missing(data / 'chroma')}"], warned
    assert not (data / "chroma").exists(), listing(data)


def test_the_same_ingest_builds_a_lost_index_anew(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ingest(tmp_path, capsys, index=True)
    shutil.rmtree(data / "chroma")
    SharedSystemClient.clear_system_cache()  # as in a new process: Chroma keeps the folder deleted open otherwise
    ingest(tmp_path, capsys, index=True)
    assert (data / "chroma").is_dir() and recorded(data) == [("embedded text vectors", '{"articles": 3}')]
    code = main(["ask", "--json", "a white shirt"])
    answer = json.loads(capsys.readouterr().out)
    assert code == 0 and [p["name"] for p in answer["products"]] == ["Linen shirt"], answer
