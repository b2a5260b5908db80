"""Conversations kept with ``reclmms ask --session``: forgetting one."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reclmms.cli import main
from tests.core.conftest import CUSTOMER, err_line

ROOT = Path(__file__).resolve().parents[2]


def _data_dir(config: str) -> Path:
    return Path(config).parent / "data"


def _history(config: str, session: str) -> list[dict[str, str]]:
    """The user messages and replies the session's conversation memory holds."""
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    async def read() -> list[dict[str, str]]:
        path = _data_dir(config) / "conversations.sqlite3"
        async with AsyncSqliteSaver.from_conn_string(str(path)) as saver:
            found = await saver.aget_tuple({"configurable": {"thread_id": session}})
        return [] if found is None else list(found.checkpoint["channel_values"].get("history", []))

    return asyncio.run(read())


def _said(config: str, session: str) -> list[str]:
    return [item["text"] for item in _history(config, session) if item["role"] == "user"]


def _ask(config: str, *args: str) -> list[str]:
    return ["--config", config, "ask", *args, "--customer", CUSTOMER, "--backend", "scripted"]


def _spawn(delay_s: float, argv: list[str], **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.core.slow_ask", str(delay_s), *argv],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_reset_forgets_the_session(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_ask(store, "what did I buy?", "--session", "r1")) == 0
    assert _said(store, "r1") == ["what did I buy?"]
    capsys.readouterr()
    # the text /reset is the chat's command, not a search
    assert main(_ask(store, "/reset", "--session", "r1")) == 0
    assert capsys.readouterr().out.strip() == "Conversation forgotten."
    assert _said(store, "r1") == []
    assert main(_ask(store, "what did I buy?", "--session", "r1")) == 0
    capsys.readouterr()
    assert main(_ask(store, "--reset", "--session", "r1", "--json")) == 0
    assert json.loads(capsys.readouterr().out) == {"session": "r1", "reset": True}
    assert _said(store, "r1") == []
    # --reset with a text: forget, then answer it
    assert main(_ask(store, "what did I buy?", "--session", "r1")) == 0
    assert main(_ask(store, "my purchases please", "--reset", "--session", "r1", "--json")) == 0
    answer = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert answer["reset"] is True and answer["products"]
    assert _said(store, "r1") == ["my purchases please"]


def test_reset_needs_a_session(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["--reset"], ["/reset"], ["dress", "--reset"]):
        assert main(_ask(store, *args)) == 2
        assert "--reset forgets a conversation kept with --session ID" in err_line(capsys)
