"""`reclmms stats --health` reports the search index as the bot's /stats does (``catalog.search_health``): a
"search index" line and a ``search`` object in ``--json`` (the other keys unchanged), and exit code 1 while
the Chroma server is down or holds no article vectors, 0 once it is indexed; the figures print in every
case. Plain ``stats`` does not open Chroma. Against a real ``chroma run`` on loopback, stopped and started."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reclmms.cli import main
from reclmms.commands.stats import DOWN_EXIT, HEADER
from tests.core.conftest import CUSTOMERS, PRODUCTS, TRANSACTIONS
from tests.data.spelling_embedder import use_spelling_embedder
from tests.search.chroma_process import ChromaProcess

ROOT = Path(__file__).resolve().parents[2]
EMPTY = "has no article vectors: is it the server this catalog was indexed into?"


def ingest(root: Path, capsys: pytest.CaptureFixture[str], *, index: bool) -> None:
    """The tests' 3-article catalog into ``$RECLMMS_STORAGE_DATA_DIR`` (indexed with the spelling embedder)."""
    for name, text in (("products.csv", PRODUCTS), ("customers.csv", CUSTOMERS), ("transactions.csv", TRANSACTIONS)):
        (root / name).write_text(text, encoding="utf-8")
    code = main(["ingest", "catalog", str(root / "products.csv"), "--customers", str(root / "customers.csv"),
                 "--transactions", str(root / "transactions.csv"), "--no-images", *([] if index else ["--no-index"])])
    assert code == 0
    capsys.readouterr()


def _stats(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["stats", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "error" not in captured.err, captured.err
    return code, captured.out


def _lines(out: str, label: str) -> list[str]:
    return [line.removeprefix(label).strip() for line in out.splitlines() if line.startswith(label)]


def _check(capsys: pytest.CaptureFixture[str], keys: set[str]) -> tuple[int, str, int, dict[str, Any]]:
    """``stats --health`` as text and as JSON: both exit codes, the search-index line, the ``search`` object."""
    code, out = _stats(capsys, "--health")
    assert out.splitlines()[0] == HEADER and _lines(out, "LLM backend") == ["scripted · ok"]
    [line] = _lines(out, "search index")
    json_code, raw = _stats(capsys, "--health", "--json")
    data = json.loads(raw)
    assert set(data) == keys | {"search"}  # the same figures, and the search index's health
    assert data["llm"]["health"]["status"] == "ok"
    return code, line, json_code, data["search"]


def test_health_reports_the_search_index_down_empty_and_indexed(  # type: ignore[no-untyped-def]
    chroma: ChromaProcess, tmp_path: Path, monkeypatch, capsys
) -> None:
    use_spelling_embedder(monkeypatch)
    env = {"RECLMMS_STORAGE_DATA_DIR": str(tmp_path / "state"), "RECLMMS_LLM_BACKEND": "scripted",
           "RECLMMS_CHROMA_MODE": "http", "RECLMMS_CHROMA_PORT": str(chroma.port)}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    ingest(tmp_path, capsys, index=False)  # the server is not running
    server = f"the Chroma server at 127.0.0.1:{chroma.port}"

    # plain stats never opens Chroma: figures, exit code 0, no search-index line or key
    code, out = _stats(capsys)
    assert code == 0 and out.splitlines()[0] == HEADER and _lines(out, "turns")
    assert not _lines(out, "search index") and _lines(out, "LLM backend") == ["scripted · not checked"]
    code, raw = _stats(capsys, "--json")
    assert code == 0
    keys = set(json.loads(raw))
    assert "search" not in keys

    # down: the figures and why, exit code 1 (not 2)
    code, line, json_code, search = _check(capsys, keys)
    assert code == json_code == DOWN_EXIT == 1
    assert line.startswith(f"down (chroma: cannot reach {server}")
    assert search["status"] == "down" and search["where"] == server and search["summary"] == line

    # as a separate process: the real exit code, the figures on stdout, nothing on stderr
    run = subprocess.run(
        [sys.executable, "-m", "reclmms", "stats", "--health"], cwd=ROOT, capture_output=True, text=True,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("RECLMMS_")}, **env}, timeout=300,
    )
    assert run.returncode == 1 and run.stderr == "", run.stderr
    assert run.stdout.splitlines()[0] == HEADER and _lines(run.stdout, "search index")[0].startswith("down (")

    # up and empty
    chroma.start()
    code, line, json_code, search = _check(capsys, keys)
    assert code == json_code == 1
    assert line == f"empty ({server} {EMPTY} If so, build the index with the same `reclmms ingest ...` as " \
                   "before (without --no-index))"
    assert search["status"] == "empty" and search["articles"] == 0

    # indexed: ok, exit code 0
    ingest(tmp_path, capsys, index=True)
    code, line, json_code, search = _check(capsys, keys)
    assert code == json_code == 0
    assert line == f"ok · 3 articles ({server})"
    assert search == {"status": "ok", "where": server, "articles": 3, "detail": "", "summary": line}

    # stopped again: down, and plain stats still prints its figures
    chroma.stop()
    code, line, _, search = _check(capsys, keys)
    assert code == 1 and line.startswith("down (") and search["status"] == "down"
    code, out = _stats(capsys)
    assert code == 0 and out.splitlines()[0] == HEADER and not _lines(out, "search index")


def test_health_reports_an_embedded_index_empty_then_indexed(  # type: ignore[no-untyped-def]
    tmp_path: Path, monkeypatch, capsys
) -> None:
    use_spelling_embedder(monkeypatch)
    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("RECLMMS_LLM_BACKEND", "scripted")
    ingest(tmp_path, capsys, index=False)
    keys = set(json.loads(_stats(capsys, "--json")[1]))
    code, line, json_code, search = _check(capsys, keys)
    assert code == json_code == 1 and line.startswith("empty (the catalog in ") and "--no-index" in line
    ingest(tmp_path, capsys, index=True)
    code, line, json_code, search = _check(capsys, keys)
    assert code == json_code == 0 and line == "ok · 3 articles (the embedded index)"


def test_help_names_the_search_index(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit):
        main(["stats", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "the search index (Chroma)" in out
    assert "the search index is down (a Chroma server that cannot be reached) or empty" in out


def test_the_bot_and_the_command_share_the_catalogs_search_health_check() -> None:
    import importlib.util

    import bot.handlers
    import bot.warmup
    from catalog.search_health import check_search

    assert bot.warmup.check_search is check_search and bot.handlers.check_search is check_search
    assert importlib.util.find_spec("bot.search_health") is None  # one module, no second copy in bot/
