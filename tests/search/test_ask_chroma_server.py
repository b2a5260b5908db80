"""`reclmms ask` and `reclmms chat` against a Chroma server that is down, then up and empty, then indexed:
they start while it is down, turns that do not search answer, a search turn says that search is
unavailable (one warning line on stderr naming the server, exit code 1 for `ask`), and a search of the
empty server tells the operator how to build the index. Against a real `chroma run` on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.prompts import Replies
from reclmms.cli import main
from reclmms.commands.ask import SEARCH_UNAVAILABLE_EXIT
from tests.data.fixtures import CUSTOMERS, write_hm
from tests.data.spelling_embedder import use_spelling_embedder
from tests.search.chroma_process import ChromaProcess

ROOT = Path(__file__).resolve().parents[2]
JSON_KEYS = {"reply": str, "language": str, "products": list, "tool_calls": list, "ungrounded_dropped": int}


def _ask(*args: str) -> list[str]:
    return ["ask", *args, "--json", "--backend", "scripted"]


def _answer(capsys: pytest.CaptureFixture[str]) -> tuple[dict, str]:  # type: ignore[type-arg]
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    for key, kind in JSON_KEYS.items():  # the documented shape
        assert isinstance(data[key], kind), (key, data)
    assert "Traceback" not in captured.err
    return data, captured.err


def test_ask_and_chat_with_the_server_down_then_empty_then_indexed(  # type: ignore[no-untyped-def]
    chroma: ChromaProcess, tmp_path: Path, monkeypatch, capsys
) -> None:
    use_spelling_embedder(monkeypatch)
    replies = Replies()
    env = {"RECLMMS_STORAGE_DATA_DIR": str(tmp_path / "state"), "RECLMMS_CHROMA_MODE": "http",
           "RECLMMS_CHROMA_PORT": str(chroma.port)}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    hm = write_hm(tmp_path / "hm")
    assert main(["ingest", "hm", str(hm), "--no-index", "--no-images"]) == 0  # the server is not running
    capsys.readouterr()

    # down: purchase history and recommendations answer from the stores
    assert main(_ask("what did I buy?", "--customer", CUSTOMERS[0])) == 0
    history, err = _answer(capsys)
    assert [c["kind"] for c in history["tool_calls"]] == ["history"] and history["products"]
    assert main(_ask("recommend something for me", "--customer", CUSTOMERS[0])) == 0
    picks, err = _answer(capsys)
    assert [c["kind"] for c in picks["tool_calls"]] == ["recommend"] and picks["products"]

    # down: a search turn, as a separate process, to see its real stderr
    run = subprocess.run(
        [sys.executable, "-m", "reclmms", *_ask("a grey hoodie")], cwd=ROOT, capture_output=True, text=True,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("RECLMMS_")}, **env}, timeout=300,
    )
    assert run.returncode == SEARCH_UNAVAILABLE_EXIT == 1, run.stderr
    data = json.loads(run.stdout)
    assert data["reply"] == replies.get("en", "search_unavailable") and data["products"] == []
    assert [c["kind"] for c in data["tool_calls"]] == ["unavailable"]
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "WARNING" in lines[0], run.stderr
    assert f"cannot reach the Chroma server at 127.0.0.1:{chroma.port}" in lines[0]

    lines_in = iter(["what did I buy?", "a grey hoodie", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines_in))
    assert main(["chat", "--customer", CUSTOMERS[0], "--backend", "scripted", "--session", "down"]) == 0
    captured = capsys.readouterr()
    assert "Strap top" in captured.out  # the purchase history
    assert replies.get("en", "search_unavailable") in captured.out
    assert "Traceback" not in captured.err and "warning:" not in captured.err

    # up and empty: the shopper's reply is as before; stderr tells the operator what to do, once
    chroma.start()
    assert main(_ask("a grey hoodie")) == 0
    data, err = _answer(capsys)
    assert data["reply"] == replies.get("en", "none") and data["products"] == []
    empty = (f"warning: the Chroma server at 127.0.0.1:{chroma.port} has no article vectors: is it the server "
             "this catalog was indexed into? If so, build the index with the same `reclmms ingest ...` as before "
             "(without --no-index)")
    assert err.strip().splitlines() == [empty]
    assert main(["search", "hoodie"]) == 2  # the same words as `reclmms search`
    assert capsys.readouterr().err.strip() == "error: " + empty.removeprefix("warning: ")
    assert main(_ask("what did I buy?", "--customer", CUSTOMERS[0])) == 0  # no search: no warning
    assert _answer(capsys)[1] == ""

    lines_in = iter(["a grey hoodie", "black strap top", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines_in))
    assert main(["chat", "--backend", "scripted", "--session", "empty"]) == 0
    captured = capsys.readouterr()
    assert captured.out.count(replies.get("en", "none")) == 2
    assert captured.err.strip().splitlines() == [empty]  # once a chat

    # indexed: found, and nothing on stderr
    assert main(["ingest", "hm", str(hm), "--no-images"]) == 0
    capsys.readouterr()
    assert main(_ask("a grey hoodie")) == 0
    data, err = _answer(capsys)
    assert "Danny hoodie" in [p["name"] for p in data["products"]] and err == ""
