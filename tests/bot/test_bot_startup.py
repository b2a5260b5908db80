"""Start and stop as an operator sees them, in child processes against the fake Bot API server in
this one: an update the bot cannot read does not wedge polling, and ``reclmms serve`` with a
rejected token or an unreachable Bot API stops with one line, exit code 2, and no token shown."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sys
import time
from pathlib import Path

import pytest

from bot.fake_api import FakeBotApi
from tests.bot.test_bot_crash_recovery import ROOT, confirmed, start_bot, stop
from tests.bot.test_serve_needs_catalog import one_product_catalog

TOKEN = "123456:AAFsecret-token-of-the-operator-0123456789"


def old_poll() -> dict[str, object]:
    """A poll as an older Bot API server sends it: options without ``persistent_id``."""
    return {"id": "p1", "question": "q?", "options": [{"text": "a", "voter_count": 0}, {"text": "b", "voter_count": 0}],
            "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
            "allows_multiple_answers": False}


async def test_an_unreadable_update_is_skipped_and_the_next_one_answered(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        bot = await start_bot(api, tmp_path, hang=False)
        try:
            poisoned = api.push({"message": api.message(920, poll=old_poll())})
            api.send_text(921, "/help")
            assert "What I can do" in (await api.wait_for("sendMessage", chat_id=921, wait_s=15)).text
            await confirmed(api)  # the offset moved past the unreadable update
            await stop(bot)  # SIGTERM: a clean exit (rc 0) within the time allowed
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
    log = (tmp_path / "bot.log").read_text()
    assert log.count(f"skipping update {poisoned}") == 1, log
    assert "Error while parsing updates" not in log and "Traceback" not in log
    assert not [c for c in api.calls if c.chat_id == 920]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with a catalog: without one, serve stops before it asks the Bot API."""
    return one_product_catalog(tmp_path_factory.mktemp("startup_catalog"))


def store_of(tmp_path: Path, catalog: Path) -> list[str]:
    """``tmp_path/data``, a copy of ``catalog``; its files."""
    shutil.copytree(catalog, tmp_path / "data")
    return sorted(str(p) for p in (tmp_path / "data").rglob("*"))


async def serve(tmp_path: Path, base_url: str) -> tuple[int, str, str]:
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    env = {**os.environ, "RECLMMS_CONFIG": str(config), "RECLMMS_TELEGRAM_TOKEN": TOKEN,
           "RECLMMS_TELEGRAM_BASE_URL": base_url, "RECLMMS_TELEGRAM_BASE_FILE_URL": base_url.replace("/bot", "/file/bot")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "reclmms.cli", "serve", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def assert_one_line_error(rc: int, out: str, err: str, words: str) -> None:
    assert rc == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], err
    assert TOKEN not in out + err and TOKEN.split(":")[1] not in out + err
    assert "Unclosed" not in err and "Traceback" not in err


async def test_serve_with_a_rejected_token_says_so_in_one_line(tmp_path: Path, catalog: Path) -> None:
    files = store_of(tmp_path, catalog)
    async with FakeBotApi() as api:  # its own token differs: every call gets 401 Unauthorized
        rc, out, err = await serve(tmp_path, api.base_url)
    assert_one_line_error(rc, out, err, "rejected the token (check RECLMMS_TELEGRAM_TOKEN)")
    # stopped before opening anything: only the lock that keeps a second serve of the bot out was taken
    assert sorted(str(p) for p in (tmp_path / "data").rglob("*") if not p.name.startswith("serve-")) == files


async def test_serve_with_an_unreachable_bot_api_says_so_in_one_line(tmp_path: Path, catalog: Path) -> None:
    store_of(tmp_path, catalog)
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    rc, out, err = await serve(tmp_path, f"http://127.0.0.1:{port}/bot")
    assert_one_line_error(rc, out, err, f"cannot reach the Bot API at http://127.0.0.1:{port}/bot: ")
    assert time.monotonic() - started < 30


async def test_serve_against_a_server_that_is_not_a_bot_api_says_so_in_one_line(tmp_path: Path,
                                                                                 catalog: Path) -> None:
    """A base_url that answers HTML (a web server, a proxy's error page): one line, no traceback."""
    store_of(tmp_path, catalog)

    async def html(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        body = b"<!DOCTYPE html><html><body>501 Unsupported method</body></html>"
        writer.write(b"HTTP/1.1 501 Not Implemented\r\nContent-Type: text/html\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(html, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        rc, out, err = await serve(tmp_path, f"http://127.0.0.1:{port}/bot")
    assert_one_line_error(rc, out, err, f"the server at http://127.0.0.1:{port}/bot answered, but not as a Bot API")
    assert "DOCTYPE" not in err


async def test_a_command_menu_the_bot_api_refuses_does_not_stop_the_bot(tmp_path: Path) -> None:
    """setMyCommands refused for one language (an older Bot API server, a bad code): one warning, and the
    bot serves; the other languages' menus are still set."""
    from bot.fake_api import Failure

    async with FakeBotApi() as api:
        api.fail(Failure("setMyCommands", 400, "Bad Request: bad language code",
                         match=lambda p: p.get("language_code") == "ja"))
        bot = await start_bot(api, tmp_path, hang=False)
        try:
            api.send_text(930, "/help")
            assert "What I can do" in (await api.wait_for("sendMessage", chat_id=930, wait_s=15)).text
            await stop(bot)
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
    log = (tmp_path / "bot.log").read_text()
    assert "command menu not set for ja" in log and "Traceback" not in log
    menus = {c.params.get("language_code") for c in api.calls if c.method == "setMyCommands"}
    assert {"es", "zh", None} <= menus
