"""Bot API faults while ``serve`` runs, as an operator sees them: a token rejected while polling
stops the bot with one line and exit code 2 (instead of leaving it up and deaf), a passing
getUpdates failure does not, SIGTERM ends it, and so does SIGHUP unless it is ignored (``nohup``).

``serve`` runs in a child process (this module, run as a script, with the fake shopping service)
against the fake Bot API server in this one.

    python -m tests.bot.test_bot_api_faults BASE_URL TOKEN DIR
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.fake_api import Failure, FakeBotApi
from tests.bot.test_bot_crash_recovery import ROOT

EXIT_WITHIN_S = 10.0


def terminal_signals() -> None:
    """SIGINT and SIGHUP at their defaults, as under a terminal, even when the tests themselves run in the
    background (a shell starts those with SIGINT ignored) or under nohup (SIGHUP ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def ignore_hangups() -> None:
    terminal_signals()
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # what nohup does before it starts the command


async def serve_in_child(api: FakeBotApi, tmp: Path, nohup: bool = False) -> asyncio.subprocess.Process:
    """``serve`` in a child process, once it answers a /help."""
    after = len(api.calls)
    log = (tmp / "serve.log").open("ab")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.bot.test_bot_api_faults", f"http://{api.host}:{api.port}", api.token, str(tmp),
        cwd=ROOT, stdout=log, stderr=log, preexec_fn=ignore_hangups if nohup else terminal_signals,
    )
    log.close()
    api.send_text(1400, "/help")
    await api.wait_for("sendMessage", chat_id=1400, wait_s=60, after=after)
    return proc


async def exit_code(proc: asyncio.subprocess.Process) -> int | None:
    """Its exit code, or ``None`` (and it is killed) when it is still up ``EXIT_WITHIN_S`` later."""
    try:
        return await asyncio.wait_for(proc.wait(), EXIT_WITHIN_S)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return None


@pytest.mark.parametrize(("code", "description", "words"), [
    (401, "Unauthorized", "the Bot API rejected the token (check RECLMMS_TELEGRAM_TOKEN)"),
    (404, "Not Found", "answered Not Found for this token"),
])
async def test_a_token_rejected_while_polling_stops_serve_with_one_line(
    tmp_path: Path, code: int, description: str, words: str
) -> None:
    async with FakeBotApi() as api:
        bot = await serve_in_child(api, tmp_path)
        api.fail(Failure("getUpdates", code, description))
        api.send_text(1401, "/help")  # ends the long poll under way: the next one gets the error
        assert await exit_code(bot) == 2, "serve is still up, deaf"
    err = (tmp_path / "serve.log").read_text()
    lines = err.strip().splitlines()
    assert lines[-1].startswith("error: polling stopped: ") and words in lines[-1], err
    assert [line for line in lines if line.startswith("error:")] == lines[-1:], err
    assert "Traceback" not in err, err
    assert api.token not in err and api.token.split(":")[1] not in err


async def test_a_passing_getupdates_failure_is_ridden_out_and_sigterm_stops_serve(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        bot = await serve_in_child(api, tmp_path)
        api.fail(Failure("getUpdates", 502, "Bad Gateway"))
        api.send_text(1410, "/help")  # ends the long poll under way: the next one gets the 502
        await api.wait_for("sendMessage", chat_id=1410)
        api.send_text(1411, "/help")  # fetched by the poll after the 502
        await api.wait_for("sendMessage", chat_id=1411)
        assert bot.returncode is None
        bot.send_signal(signal.SIGTERM)
        assert await exit_code(bot) == 0
    log = (tmp_path / "serve.log").read_text()
    assert "error:" not in log
    assert "getUpdates failed, retrying: NetworkError: Bad Gateway" in log and "Traceback" not in log, log


async def test_sighup_stops_serve_gently_unless_it_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "hup").mkdir()
    (tmp_path / "nohup").mkdir()
    async with FakeBotApi() as api:
        bot = await serve_in_child(api, tmp_path / "hup")
        bot.send_signal(signal.SIGHUP)  # the terminal that started it closed
        assert await exit_code(bot) == 0
        bot = await serve_in_child(api, tmp_path / "nohup", nohup=True)
        bot.send_signal(signal.SIGHUP)
        api.send_text(1420, "/help")
        assert "What I can do" in (await api.wait_for("sendMessage", chat_id=1420, wait_s=15)).text
        assert bot.returncode is None
        bot.send_signal(signal.SIGTERM)
        assert await exit_code(bot) == 0
    assert "SIGHUP: stopping" in (tmp_path / "hup" / "serve.log").read_text()
    assert "SIGHUP" not in (tmp_path / "nohup" / "serve.log").read_text()


async def test_a_webhook_port_in_use_stops_serve_with_one_line(tmp_path: Path) -> None:
    taken = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = taken.sockets[0].getsockname()[1]
    async with taken, FakeBotApi() as api:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.bot.test_bot_api_faults", f"http://{api.host}:{api.port}", api.token,
            str(tmp_path), f"webhook:{port}", cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(proc.communicate(), 60)
    text = err.decode()
    assert proc.returncode == 2, text
    assert text.strip().splitlines()[-1].startswith(f"error: cannot listen for the webhook on 127.0.0.1:{port}: "), text
    assert "Traceback" not in text


async def test_a_webhook_url_telegram_refuses_stops_serve_with_one_line_quoting_why(tmp_path: Path) -> None:
    """setWebhook answered 400 (the Bot API was reached, and refused the URL): no traceback, and not
    "cannot reach the Bot API"; the line says Telegram's reason and which setting to check."""
    free = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = free.sockets[0].getsockname()[1]
    free.close()
    await free.wait_closed()
    async with FakeBotApi() as api:
        api.fail(Failure("setWebhook", 400, "Bad Request: bad webhook: Failed to resolve host: Name or service not known"))
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.bot.test_bot_api_faults", f"http://{api.host}:{api.port}", api.token,
            str(tmp_path), f"webhook:{port}", cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(proc.communicate(), 60)
        assert not api.failures  # setWebhook was called, and refused
    text = err.decode()
    assert proc.returncode == 2, text
    assert text.strip().splitlines()[-1] == (
        "error: Telegram refused the webhook URL https://bot.example.com/hook: Bad webhook: failed to resolve host: "
        "name or service not known (check [telegram] webhook_url / RECLMMS_TELEGRAM_WEBHOOK_URL)"), text
    assert "Traceback" not in text and "cannot reach" not in text and " ERROR " not in text, text


def main(base_url: str, token: str, root: Path, how: str = "polling") -> int:
    from bot.application import serve
    from reclmms.errors import ReclmmsError
    from tests.bot.conftest import bot_settings, fake_services_factory
    from tests.bot.fakes import FakeCatalog, FakeShoppingService, make_articles

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    api: object = SimpleNamespace(token=token, base_url=f"{base_url}/bot", base_file_url=f"{base_url}/file/bot")
    mode, _, port = how.partition(":")
    webhook = {"RECLMMS_TELEGRAM_WEBHOOK_URL": "https://bot.example.com/hook", "RECLMMS_TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
               "RECLMMS_TELEGRAM_WEBHOOK_PORT": port, "RECLMMS_TELEGRAM_WEBHOOK_SECRET": "s3cret"} if port else {}
    settings = bot_settings(root, api, **webhook)  # type: ignore[arg-type]
    catalog = FakeCatalog(make_articles(root / "images"))
    try:
        serve(settings, mode, fake_services_factory(catalog, FakeShoppingService(catalog), []))
    except ReclmmsError as exc:  # as reclmms.cli does
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], Path(sys.argv[3]), *sys.argv[4:5]))
