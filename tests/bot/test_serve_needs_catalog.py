"""`reclmms serve` (and `reclmms run` with ``bootstrap = "none"``) as an operator sees them, in child processes
against the fake Bot API server in this one: without a catalog in the data dir (a folder that does not exist,
an empty one, a store an ingest left without articles) they stop with the other commands' one line, exit code 2,
before anything is created or the Bot API is asked; and "serving by ..." is logged only once the bot has started,
never ahead of a start-up check that stops it."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.fake_api import FakeBotApi
from reclmms.cli import main
from tests.bot.test_bot_crash_recovery import ROOT

PRODUCTS = "id,name,category,colour,price\n0100000001,Linen shirt,Shirt,White,29.99\n"
START_WAIT_S = 60.0
EXIT_WAIT_S = 60.0


def no_catalog(data: Path) -> str:
    return f"error: no catalog in {data} yet: run `reclmms ingest demo|hm|catalog` first"


def one_product_catalog(root: Path) -> Path:
    """``root/data``: a data dir with a one-product catalog, not indexed for search (tests copy it)."""
    (root / "products.csv").write_text(PRODUCTS, encoding="utf-8")
    (root / "config.toml").write_text(f'[storage]\ndata_dir = "{root / "data"}"\n', encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("RECLMMS_")]:
            mp.delenv(name)
        assert main(["--config", str(root / "config.toml"), "ingest", "catalog", str(root / "products.csv"),
                     "--no-index", "--no-images"]) == 0
    assert not list((root / "data").glob("reclmms.sqlite3-*"))
    return root / "data"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield one_product_catalog(tmp_path_factory.mktemp("serve_catalog"))


def environment(tmp: Path, api: FakeBotApi, data: Path, config: str = "", **more: str) -> dict[str, str]:
    (tmp / "config.toml").write_text(config, encoding="utf-8")
    return {**os.environ, "RECLMMS_CONFIG": str(tmp / "config.toml"), "RECLMMS_STORAGE_DATA_DIR": str(data),
            "RECLMMS_TELEGRAM_TOKEN": api.token, "RECLMMS_TELEGRAM_BASE_URL": api.base_url,
            "RECLMMS_TELEGRAM_BASE_FILE_URL": api.base_file_url, "RECLMMS_LLM_BACKEND": "scripted",
            "RECLMMS_LINK_SECRET": "test-link-secret-0123456789abcdef", **more}


async def reclmms(env: dict[str, str], *args: str, wait_s: float = EXIT_WAIT_S) -> tuple[int, str]:
    """Run ``reclmms ARGS`` to its end (within ``wait_s``): its exit code and its output."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "reclmms.cli", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), wait_s)
    except TimeoutError:  # it went on serving: stop it, and fail
        proc.kill()
        await proc.wait()
        raise AssertionError(f"`reclmms {' '.join(args)}` was still running after {wait_s:.0f} s") from None
    assert proc.returncode is not None
    return proc.returncode, out.decode() + err.decode()


def listing(data: Path) -> list[str] | None:
    return sorted(str(p.relative_to(data)) for p in data.rglob("*")) if data.exists() else None


def last_line(text: str) -> str:
    assert "Traceback" not in text, text
    return text.strip().splitlines()[-1]


async def empty_schema(data: Path) -> None:
    """What an ingest that failed after opening the store leaves: the catalog's tables, no article."""
    from catalog.db import Database
    from catalog.schema import ensure_catalog_schema

    async with Database(data / "reclmms.sqlite3") as db:
        await ensure_catalog_schema(db)


@pytest.mark.parametrize("store", ["missing", "empty folder", "no articles"])
async def test_serve_without_a_catalog_stops_before_anything(tmp_path: Path, store: str) -> None:
    data = tmp_path / "state" / "data"
    if store != "missing":
        data.mkdir(parents=True)
    if store == "no articles":
        await empty_schema(data)
    before = listing(data)
    async with FakeBotApi() as api:
        rc, text = await reclmms(environment(tmp_path, api, data), "serve")
        calls = list(api.calls)
    assert rc == 2, text
    assert text.strip().splitlines() == [no_catalog(data)]  # the only line: no warning, no "serving by"
    assert calls == []  # the Bot API was not asked
    assert listing(data) == before  # nothing created: no store, no chroma/, no link_secret
    assert not (tmp_path / "state").exists() or store != "missing"


async def test_run_without_a_catalog_and_no_bootstrap_creates_nothing(tmp_path: Path) -> None:
    """``bootstrap = "none"``: no demo is built, and `run` stops as `serve` does; with the default it builds
    the demo first (README: `make run`), which this does not exercise."""
    data = tmp_path / "state" / "data"
    async with FakeBotApi() as api:
        env = environment(tmp_path, api, data, '[catalog]\nbootstrap = "none"\n')
        rc, text = await reclmms(env, "run", "--no-model-download")
        calls = list(api.calls)
    assert rc == 2 and last_line(text) == no_catalog(data), text
    assert calls == [] and not (tmp_path / "state").exists()


async def test_run_without_a_token_says_how_to_start_the_bot(tmp_path: Path, catalog: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(catalog, data)
    async with FakeBotApi() as api:
        env = environment(tmp_path, api, data)
    del env["RECLMMS_TELEGRAM_TOKEN"]
    rc, text = await reclmms(env, "run", "--no-model-download")  # stdin is empty: the chat ends at once
    assert rc == 0, text
    assert "No RECLMMS_TELEGRAM_TOKEN is set, so this is the terminal chat" in text and "Traceback" not in text


def taken_port() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


@pytest.mark.parametrize("how", ["polling, the store cannot be opened", "webhook, its port is taken"])
async def test_a_failed_start_does_not_log_serving(tmp_path: Path, catalog: Path, how: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(catalog, data)
    more: dict[str, str] = {}
    with taken_port() as sock:
        if how.startswith("polling"):  # a WAL side file taken by a folder: the store's open fails, as read-only
            (data / "reclmms.sqlite3-wal").mkdir()
            args, words = ["serve"], f"cannot open the database {data / 'reclmms.sqlite3'}"
        else:
            more = {"RECLMMS_TELEGRAM_WEBHOOK_URL": "https://bot.example.com/hook",
                    "RECLMMS_TELEGRAM_WEBHOOK_SECRET": "s3cret", "RECLMMS_TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
                    "RECLMMS_TELEGRAM_WEBHOOK_PORT": str(sock.getsockname()[1])}
            args, words = ["serve", "--webhook"], "cannot listen for the webhook on 127.0.0.1:"
        async with FakeBotApi() as api:
            rc, text = await reclmms(environment(tmp_path, api, data, **more), *args)
    assert rc == 2, text
    assert last_line(text).startswith("error: ") and words in last_line(text), text
    assert "serving by" not in text, text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_serving_is_logged_once_started(tmp_path: Path, catalog: Path, mode: str) -> None:
    """The catalog is there, its search index is not (--no-index): serve starts, and says how it serves."""
    data = tmp_path / "data"
    shutil.copytree(catalog, data)
    log = tmp_path / "serve.log"
    port = free_port()
    more = {"RECLMMS_TELEGRAM_WEBHOOK_URL": "https://bot.example.com/hook", "RECLMMS_TELEGRAM_WEBHOOK_SECRET": "s3cret",
            "RECLMMS_TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1", "RECLMMS_TELEGRAM_WEBHOOK_PORT": str(port)}
    serving = "serving by long polling" if mode == "polling" else f"serving by webhook on 127.0.0.1:{port}"
    async with FakeBotApi() as api:
        with log.open("wb") as err:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "reclmms.cli", "serve", f"--{mode}", cwd=ROOT,
                env=environment(tmp_path, api, data, **(more if mode == "webhook" else {})),
                stdout=asyncio.subprocess.DEVNULL, stderr=err,
            )
        try:
            for _ in range(int(START_WAIT_S / 0.1)):
                if serving in log.read_text() or proc.returncode is not None:
                    break
                await asyncio.sleep(0.1)
            text = log.read_text()
            assert serving in text, text
            if mode == "polling":
                api.send_text(940, "/help")
                assert "What I can do" in (await api.wait_for("sendMessage", chat_id=940, wait_s=30)).text
            else:
                assert [c.params.get("url") for c in api.calls if c.method == "setWebhook"] == [
                    "https://bot.example.com/hook"]
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), 30) == 0
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    text = log.read_text()
    assert text.count(serving) == 1 and text.index("bot @") < text.index(serving)  # after the services opened
    assert "has no search index yet" in text and "Traceback" not in text
