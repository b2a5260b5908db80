"""``reclmms chat`` and the linked customer: ``/customer`` alone shows it, ``/customer none`` unlinks it,
``/reset`` keeps it, and a ``--session`` remembers it across runs as ``ask --session`` does; a chat that
continues a conversation with earlier turns says so at start. An apostrophe in a command is a letter, not a quote."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reclmms.cli import main
from tests.core.conftest import CUSTOMER

BOUGHT = "[0100000001]"  # a product line of the customer's purchase history
LINK_FIRST = "Link your customer account first"

Chat = Callable[..., str]


@pytest.fixture
def chat(store: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Chat:
    """Run one ``reclmms chat`` with these input lines; its stdout."""
    def run(session: str, *lines: str, customer: str | None = None) -> str:
        typed = iter([*lines, "/quit"])
        monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
        extra = ["--customer", customer] if customer else []
        capsys.readouterr()
        assert main(["--config", store, "chat", "--backend", "scripted", "--session", session, *extra]) == 0
        return capsys.readouterr().out

    return run


def test_customer_alone_shows_the_link_and_none_unlinks(chat: Chat) -> None:
    out = chat("c1", f"/customer {CUSTOMER}", "/customer", "what did I buy?")
    assert out.count(f"Customer: {CUSTOMER}") == 2 and "(none" not in out
    assert BOUGHT in out and LINK_FIRST not in out
    out = chat("c1", "/customer none", "/customer", "what did I buy?")
    assert out.count("Customer: (none") == 2 and LINK_FIRST in out and BOUGHT not in out
    out = chat("c1", f"/customer {CUSTOMER}", "/customer -", "what did I buy?")
    assert LINK_FIRST in out
    assert "/customer none" in chat("c1", "/help")


def test_a_session_remembers_its_customer_across_runs_and_reset(chat: Chat) -> None:
    chat("c2", f"/customer {CUSTOMER}")
    out = chat("c2", "/customer", "what did I buy?")
    assert out.splitlines()[1] == f"Customer: {CUSTOMER}"  # said at start
    assert BOUGHT in out and LINK_FIRST not in out
    out = chat("c2", "/reset", "what did I buy?")  # the conversation goes, the customer stays
    assert "Conversation forgotten." in out and BOUGHT in out
    assert BOUGHT in chat("c2", "what did I buy?")
    assert LINK_FIRST in chat("c3", "what did I buy?")  # another session starts without one
    chat("c2", "/customer none")
    assert LINK_FIRST in chat("c2", "what did I buy?")


def test_customer_option_is_remembered_like_asks(chat: Chat, store: str, capsys: pytest.CaptureFixture[str]) -> None:
    chat("c4", customer=CUSTOMER)
    assert BOUGHT in chat("c4", "what did I buy?")
    assert main(["--config", store, "ask", "what did I buy?", "--session", "c4", "--backend", "scripted"]) == 0
    assert BOUGHT in capsys.readouterr().out  # ask and chat share the session's customer


def test_continuing_a_conversation_is_said_at_start(chat: Chat) -> None:
    assert "Continuing conversation" not in chat("c5", "hello")
    out = chat("c5", "what did I buy?")
    assert out.splitlines()[1] == (
        "Continuing conversation 'c5' (1 earlier turn(s)): /reset forgets it, or start another with --session NAME."
    )
    chat("c5", "/reset")
    assert "Continuing conversation" not in chat("c5")


def test_an_apostrophe_in_a_command_is_a_letter(chat: Chat, tmp_path: Path) -> None:
    (tmp_path / "it's me.jpg").write_bytes(b"x")
    (tmp_path / "my photo.jpg").write_bytes(b"x")
    out = chat("c6", "/customer O'Brien", f"/photo {tmp_path}/it's me.jpg in blue",
               f'/photo "{tmp_path}/my photo.jpg" it\'s for me', f"/photo {tmp_path}/it's gone.jpg", '/photo "open')
    assert "error: unknown customer: \"O'Brien\"" in out
    assert out.count("error: the photo is not an image") == 2  # both paths read whole, quoted or not
    assert f"photo file not found: {tmp_path}/it's" in out
    assert "photo file not found: \"open" in out
