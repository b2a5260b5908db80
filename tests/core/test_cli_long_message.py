"""A message longer than the agent reads (``MAX_TEXT_CHARS``) is refused by ``reclmms ask`` (exit 2) and ``reclmms
chat`` (one line, the chat goes on), as the bot refuses it: cut short, a request at its end went unread and the
search ran on the rest ("… Please show me a green dress." after 2,000 characters of other words showed cardigans)."""

from __future__ import annotations

import pytest

from agent.text_input import MAX_TEXT_CHARS
from reclmms.cli import main
from tests.core.conftest import err_line

FILLER = "I am going to a wedding next week and I like simple styles. "
LONG = FILLER * (MAX_TEXT_CHARS // len(FILLER) + 1) + "Please show me a green dress."


def test_ask_refuses_a_message_over_the_limit(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(LONG) > MAX_TEXT_CHARS
    assert main(["--config", store, "ask", LONG, "--json", "--backend", "scripted"]) == 2
    line = err_line(capsys)
    assert f"{len(LONG):,} characters" in line and f"{MAX_TEXT_CHARS:,}" in line
    assert capsys.readouterr().out == ""


def test_ask_reads_a_message_at_the_limit(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = ("red dress " * MAX_TEXT_CHARS)[: MAX_TEXT_CHARS - 1] + "!"
    assert main(["--config", store, "ask", text, "--backend", "scripted"]) == 0
    assert "characters long" not in capsys.readouterr().err


def test_chat_says_so_and_goes_on(store: str, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    typed = iter([LONG, "red dress", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    assert main(["--config", store, "chat", "--backend", "scripted", "--session", "long"]) == 0
    out = capsys.readouterr().out
    assert f"error: the message is {len(LONG):,} characters long" in out
    after = out.split("fewer words\n", 1)[1]
    assert after.strip() and "error" not in after  # the next message was answered
