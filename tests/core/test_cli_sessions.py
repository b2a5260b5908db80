"""Conversations kept with ``reclmms ask --session``: forgetting one, turns of one session from
several processes, and Ctrl-C in the middle of a turn.

Processes run ``tests/core/slow_ask.py``: the real command line with a scripted model that
waits before each answer, so a turn is still under way when the test acts.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from reclmms.cli import main
from reclmms.errors import SessionBusyError
from reclmms.session_lock import lock_path, session_turn
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
        preexec_fn=_default_sigint,
    )


def _default_sigint() -> None:
    """Ctrl-C's default in the child, even when the tests run in the background (where SIGINT is ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


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


def test_two_processes_on_one_session_keep_both_turns(store: str) -> None:
    session = "twice"
    first = _spawn(2.0, _ask(store, "what did I buy?", "--session", session, "--json"))
    second = _spawn(2.0, _ask(store, "show me my purchases", "--session", session, "--json"))
    for proc in (first, second):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert json.loads(out)["products"]
    assert sorted(_said(store, session)) == ["show me my purchases", "what did I buy?"]


def test_a_session_busy_in_another_process_is_one_line(store: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "quick.toml"
    config.write_text(
        Path(store).read_text(encoding="utf-8") + "[agent]\nturn_timeout_s = 0.1\n", encoding="utf-8"
    )
    path = lock_path(_data_dir(store), "held")
    path.parent.mkdir(exist_ok=True)
    with path.open("a") as held:  # another process's turn of session "held" (a lock of another open file)
        fcntl.flock(held, fcntl.LOCK_EX)
        started = time.monotonic()
        assert main(_ask(str(config), "what did I buy?", "--session", "held")) == 2
        assert err_line(capsys) == "error: session held is busy in another process"
        assert 5.0 <= time.monotonic() - started < 30
    assert main(_ask(str(config), "what did I buy?", "--session", "held")) == 0


def test_session_lock_waits_for_the_other_turn(tmp_path: Path) -> None:
    async def scenario() -> list[Any]:
        events: list[Any] = []

        async def turn(name: str, hold_s: float, wait_s: float) -> None:
            try:
                async with session_turn(tmp_path, "s", wait_s=wait_s):
                    events.append(f"{name} in")
                    await asyncio.sleep(hold_s)
                    events.append(f"{name} out")
            except SessionBusyError as exc:
                events.append(str(exc))

        await asyncio.gather(turn("a", 0.3, 1.0), turn("b", 0.0, 2.0), turn("c", 0.0, 0.1))
        async with session_turn(tmp_path, "another session", wait_s=0):
            events.append("other")
        return events

    events = asyncio.run(scenario())
    assert events == ["a in", "session s is busy in another process", "a out", "b in", "b out", "other"]


def test_ctrl_c_stops_the_turn_and_the_session_goes_on(store: str, tmp_path: Path) -> None:
    marker = tmp_path / "turn-started"
    proc = _spawn(20.0, _ask(store, "what did I buy?", "--session", "cc", "--json"), MARKER=str(marker))
    deadline = time.monotonic() + 60
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), proc.communicate()
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - started < 10
    assert proc.returncode == 130
    assert out == "" and err == "interrupted\n"
    assert main(_ask(store, "show me my purchases", "--session", "cc")) == 0
    assert _said(store, "cc")[-1] == "show me my purchases"


def test_a_session_remembers_its_customer(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    def history(*args: str) -> dict[str, object]:
        assert main(["--config", store, "ask", "what did I buy?", "--backend", "scripted", "--json", *args]) == 0
        return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]

    assert history("--session", "c1", "--customer", CUSTOMER)["products"]
    later = history("--session", "c1")  # no --customer: the session's customer
    assert later["products"] and later["tool_calls"][0]["kind"] == "history"
    assert history("--session", "c1", "--reset")["products"]  # the conversation is forgotten, the customer is not
    assert not history("--session", "c2")["products"]  # another session has no customer
    assert not history()["products"]  # nor has a one-off question
