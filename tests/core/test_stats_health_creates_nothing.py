"""`reclmms stats --health` creates no store file: before, the agent's checkpointer made conversations.sqlite3
on a store where nobody had chatted yet. A fresh store has none, and that is fine (the health is ok); one that
is there is left as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from reclmms.cli import main
from tests.core.test_stats_health_lost_index import listing
from tests.core.test_stats_search_health import _lines, ingest
from tests.data.spelling_embedder import use_spelling_embedder


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    use_spelling_embedder(monkeypatch)
    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("RECLMMS_LLM_BACKEND", "scripted")
    ingest(tmp_path, capsys, index=True)
    return tmp_path / "state"


def healthy(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["stats", "--health"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert _lines(out, "LLM backend") == ["scripted · ok"] and _lines(out, "search index") == [
        "ok · 3 articles (the embedded index)"]


def test_health_on_a_store_with_no_conversations_creates_none(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert not (data / "conversations.sqlite3").exists()
    before = listing(data)
    healthy(capsys)
    assert not (data / "conversations.sqlite3").exists()
    assert listing(data) == before


def test_health_leaves_the_conversations_there_as_they_were(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--session", "s1", "a white shirt"]) == 0
    capsys.readouterr()
    conversations = data / "conversations.sqlite3"
    before = hashlib.sha256(conversations.read_bytes()).hexdigest()
    healthy(capsys)
    assert hashlib.sha256(conversations.read_bytes()).hexdigest() == before
