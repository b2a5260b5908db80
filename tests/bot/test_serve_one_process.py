"""One `reclmms serve` per bot and data dir (``bot.serve_lock``). Before it, a second serve of the same bot on
the same data dir started with no warning and every message was answered twice; now it stops with one line
naming the first one's pid, exit code 2, before it asks the Bot API anything, and the lock goes with the process
that held it, also one killed with SIGKILL. The lock file is named by a hash of the token, never the token."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.fake_api import FakeBotApi
from bot.serve_lock import lock_path, serving_alone
from reclmms.errors import StoreError
from tests.bot.test_bot_crash_recovery import ROOT
from tests.bot.test_serve_needs_catalog import environment, last_line, one_product_catalog, reclmms

TOKEN = "123456:TEST-token-for-the-lock"
START_WAIT_S = 60.0


def busy(data: Path, pid: int) -> str:
    return (f"another process (pid {pid}) is already serving this bot (the same RECLMMS_TELEGRAM_TOKEN) from "
            f"{data}: stop it first; two would both poll Telegram and answer messages twice")


def test_a_second_holder_is_refused_with_the_first_ones_pid(tmp_path: Path) -> None:
    with serving_alone(tmp_path, TOKEN) as path:
        assert path.read_text() == f"{os.getpid()}\n"
        with pytest.raises(StoreError) as refused, serving_alone(tmp_path, TOKEN):
            pass
        assert str(refused.value) == busy(tmp_path, os.getpid())
        with serving_alone(tmp_path, "654321:another-bot"):  # another bot on the same data dir: its own lock
            pass
    with serving_alone(tmp_path, TOKEN):  # released at the end
        pass


def test_the_lock_file_names_no_token(tmp_path: Path) -> None:
    path = lock_path(tmp_path, TOKEN)
    assert path.parent == tmp_path and path.name.startswith("serve-") and path.suffix == ".lock"
    assert "123456" not in path.name and "TEST" not in path.name
    assert lock_path(tmp_path, "654321:another-bot") != path


HOLD = """
import sys, time
from pathlib import Path
from bot.serve_lock import serving_alone
with serving_alone(Path(sys.argv[1]), sys.argv[2]):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_holder_killed_with_sigkill_releases_the_lock(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), TOKEN], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        with pytest.raises(StoreError, match=f"pid {proc.pid}"), serving_alone(tmp_path, TOKEN):
            pass
    finally:
        proc.kill()
        proc.wait()
    with serving_alone(tmp_path, TOKEN):  # the kernel dropped the dead process's lock
        pass


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return one_product_catalog(tmp_path_factory.mktemp("serve_one_process"))


async def test_a_second_serve_of_the_same_bot_stops_before_asking_the_api(tmp_path: Path, catalog: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(catalog, data)
    log = tmp_path / "first.log"
    async with FakeBotApi() as api:
        env = environment(tmp_path, api, data)
        with log.open("wb") as err:
            first = await asyncio.create_subprocess_exec(sys.executable, "-m", "reclmms.cli", "serve", cwd=ROOT,
                                                         env=env, stdout=asyncio.subprocess.DEVNULL, stderr=err)
        try:
            for _ in range(int(START_WAIT_S / 0.1)):
                if "serving by long polling" in log.read_text() or first.returncode is not None:
                    break
                await asyncio.sleep(0.1)
            assert "serving by long polling" in log.read_text(), log.read_text()
            calls = len(api.calls)
            rc, text = await reclmms(env, "serve")
            assert rc == 2, text
            assert text.strip().splitlines() == [f"error: {busy(data, first.pid)}"], text
            assert [c.method for c in api.calls[calls:]] == []  # not even getMe
            api.send_text(941, "/help")  # the first one serves on
            assert "What I can do" in (await api.wait_for("sendMessage", chat_id=941, wait_s=30)).text
            first.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(first.wait(), 30) == 0
        finally:
            if first.returncode is None:
                first.kill()
                await first.wait()
    assert last_line(log.read_text()) != ""  # the first one's log has no traceback
