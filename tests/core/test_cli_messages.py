"""What the command line says, beyond its output: messages that echo what the user typed show control
characters escaped (a terminal never acts on them), and the help of each command says what it takes."""

from __future__ import annotations

from pathlib import Path

import pytest

from reclmms.cli import main
from tests.core.conftest import err_line
from tests.recommend.synth import write_kaggle

RED = "\x1b[31mRED\u200b\rX"
SHOWN = "\\x1b[31mRED\\u200b\\rX"


@pytest.fixture(scope="module")
def kaggle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_kaggle(tmp_path_factory.mktemp("messages_kaggle") / "hm")


def test_a_warning_shows_the_customer_id_escaped(kaggle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "--customer", RED, "--data", str(kaggle)]) == 0
    out, err = capsys.readouterr()
    assert err == f"warning: customer {SHOWN} is unknown; showing best sellers\n"
    assert out.startswith(f"Recommendations for {SHOWN}:\n") and "\x1b" not in out


def test_an_error_shows_what_was_typed_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / f"rows{RED}.csv"
    assert main(["recommend", "--batch", str(missing)]) == 2
    assert err_line(capsys) == f"error: batch file not found: {tmp_path}/rows{SHOWN}.csv"
    with pytest.raises(SystemExit) as exited:  # argparse's own usage errors
        main(["recommend", "--customer", "x", RED])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"reclmms: error: unrecognized arguments: {SHOWN}"


def test_the_chat_shows_an_unknown_command_escaped(store: str, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    lines = iter(["/\x1b[31mred\u200b", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert main(["--config", store, "chat", "--backend", "scripted", "--session", "messages"]) == 0
    assert "unknown command /\\x1b[31mred\\u200b; /help lists them\n" in capsys.readouterr().out


def _help(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*args, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_recommend_help_gives_the_bounds_of_k(capsys: pytest.CaptureFixture[str]) -> None:
    assert "how many articles, 1 to 100 (default 12)" in " ".join(_help(["recommend"], capsys).split())


def test_chat_help_lists_the_chat_commands(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(["chat"], capsys)
    commands = [line.split()[0] for line in text.split("commands in the chat:\n", 1)[1].splitlines()]
    assert {"/photo", "/customer", "/reset", "/help", "/quit"} <= set(commands)
    assert "/customer ID " in text and "/photo PATH " in text


@pytest.mark.parametrize("command", [["eval", "recs"], ["recommend", "--customer", "alice"]])
def test_data_that_is_a_file_is_not_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             command: list[str]) -> None:
    file = tmp_path / "transactions_train.csv"
    file.write_text("t_dat,customer_id,article_id\n", encoding="utf-8")
    assert main([*command, "--data", str(file)]) == 2
    assert err_line(capsys) == (f"error: --data {file} is not a folder: give the folder that holds articles.csv, "
                                "customers.csv and transactions_train.csv")
    assert main([*command, "--data", str(tmp_path / "missing")]) == 2
    assert "not found" in err_line(capsys)


@pytest.mark.parametrize("command", [["ask", "hi"], ["ask", "--reset"], ["chat"]])
@pytest.mark.parametrize("session", ["", "  "])
def test_an_empty_session_is_an_error(store: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                      command: list[str], session: str) -> None:
    """Not a conversation of one question (ask), or one named "" (chat)."""
    monkeypatch.setattr("builtins.input", lambda prompt="": "/quit")
    assert main(["--config", store, *command, "--session", session, "--backend", "scripted"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: --session must not be empty (leave it out ") and err.count("\n") == 1
