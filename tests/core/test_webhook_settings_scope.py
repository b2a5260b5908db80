"""Webhook settings Telegram would refuse (an http:// URL, a secret token of other characters) stop
``serve`` in webhook mode only, with one line naming them: the commands that do not use them run,
and so does ``serve`` by long polling (here it goes on to the Bot API, which nobody answers)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from reclmms.cli import main
from reclmms.errors import ConfigError
from reclmms.settings import load_settings
from tests.core.conftest import CUSTOMER, err_line, write_config
from tests.data.spelling_embedder import use_spelling_embedder

SECRET = "not so secret!"
BAD = {"RECLMMS_TELEGRAM_WEBHOOK_URL": "http://bot.example.com/hook", "RECLMMS_TELEGRAM_WEBHOOK_SECRET": SECRET}


def bad_webhook(monkeypatch: pytest.MonkeyPatch, base_url: str = "") -> None:
    for name, value in BAD.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("RECLMMS_TELEGRAM_TOKEN", "123456:AAF-token-of-the-operator")
    if base_url:
        monkeypatch.setenv("RECLMMS_TELEGRAM_BASE_URL", base_url)


def unanswered_url() -> str:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/bot"


def test_commands_that_do_not_use_the_webhook_run(store: str, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    bad_webhook(monkeypatch)
    use_spelling_embedder(monkeypatch)
    assert main(["--config", store, "stats"]) == 0
    assert main(["--config", store, "ask", "what did I buy?", "--customer", CUSTOMER, "--backend", "scripted"]) == 0
    captured = capsys.readouterr()
    assert "Wrap dress" in captured.out  # the purchase history
    assert "invalid configuration" not in captured.err and "webhook" not in captured.err, captured.err


@pytest.mark.parametrize("config", ["", "[telegram]\nmode = 'webhook'\n"])
def test_serve_by_polling_does_not_check_them(store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str], config: str) -> None:
    cfg = write_config(tmp_path / "config.toml", Path(store).parent / "data")  # a catalog: serve goes on
    (tmp_path / "config.toml").write_text((tmp_path / "config.toml").read_text() + config, encoding="utf-8")
    url = unanswered_url()
    bad_webhook(monkeypatch, url)
    with pytest.raises(ConfigError, match="bad value for 'secrets.telegram_webhook_secret'"):
        load_settings(cfg).check_webhook()  # what webhook mode would refuse
    assert main(["--config", cfg, "serve", "--polling"]) == 2
    assert err_line(capsys).startswith(f"error: cannot reach the Bot API at {url}")  # past the settings


@pytest.mark.parametrize(("config", "flag"), [("", ["--webhook"]), ("[telegram]\nmode = 'webhook'\n", [])])
def test_serve_in_webhook_mode_stops_at_them_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str], config: str,
                                                          flag: list[str]) -> None:
    cfg = write_config(tmp_path / "config.toml", tmp_path / "data")
    (tmp_path / "config.toml").write_text((tmp_path / "config.toml").read_text() + config, encoding="utf-8")
    bad_webhook(monkeypatch)  # Telegram's own Bot API: an http:// webhook URL is refused
    assert main(["--config", cfg, "serve", *flag]) == 2
    line = err_line(capsys)
    assert line == (
        "error: invalid configuration: bad value for 'telegram.webhook_url': must be an https:// URL with a host, "
        "such as https://bot.example.com/tg-hook (Telegram sends webhooks over HTTPS only) "
        "(RECLMMS_TELEGRAM_WEBHOOK_URL); bad value for 'secrets.telegram_webhook_secret': must be 1-256 "
        "characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for a webhook's secret token), such as the output "
        "of `openssl rand -hex 32` (RECLMMS_TELEGRAM_WEBHOOK_SECRET)"), line
    assert SECRET not in line
    assert not (tmp_path / "data").exists()  # stopped before opening anything
