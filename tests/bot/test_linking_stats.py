"""Offline: link codes, the processed-update log, stats figures, and the CLI commands."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest

from bot.linking import Linker, load_link_secret
from bot.stats import activity_chart, collect_stats, percentile, stats_lines, stats_text
from bot.store import LinkStore, MetricsStore, TurnRecord, UpdateLog, ensure_bot_schema
from catalog.db import Database
from reclmms.cli import main
from reclmms.errors import LinkError, NotFoundError
from reclmms.settings import load_settings


@pytest.fixture
async def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    async with Database(tmp_path / "t.sqlite3") as database:
        await ensure_bot_schema(database)
        await database.conn.execute("CREATE TABLE customers (customer_id TEXT PRIMARY KEY)")
        await database.conn.execute("INSERT INTO customers VALUES ('c1'), ('c2')")
        await database.conn.commit()
        yield database


async def test_codes_are_one_time_signed_and_expiring(db: Database) -> None:
    linker = Linker(LinkStore(db), b"s" * 32, ttl_s=600)
    code = await linker.issue("c1")
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", code.code) and Linker.looks_like_code(code.code)
    assert code.deep_link("@shop_bot") == f"https://t.me/shop_bot?start={code.code}"
    assert await linker.redeem(code.code, user_id=7) == "c1"
    assert await LinkStore(db).customer_of(7) == "c1"
    with pytest.raises(LinkError, match="used"):
        await linker.redeem(code.code, user_id=8)
    assert await LinkStore(db).customer_of(8) is None

    expiring = await linker.issue("c2", now=time.time() - 601)
    with pytest.raises(LinkError, match="expired"):
        await linker.redeem(expiring.code, user_id=9)
    fresh = await linker.issue("c2")
    tampered = fresh.code[:-1] + ("A" if fresh.code[-1] != "A" else "B")
    with pytest.raises(LinkError, match="forged"):
        await linker.redeem(tampered, user_id=9)
    other_key = Linker(LinkStore(db), b"t" * 32, ttl_s=600)
    with pytest.raises(LinkError, match="forged"):
        await other_key.redeem(fresh.code, user_id=9)
    for junk in ("", "hello", "L" + "A" * 38, "L" + "!" * 38):
        with pytest.raises(LinkError):
            await linker.redeem(junk, user_id=9)
    with pytest.raises(NotFoundError):
        await linker.issue("nobody")
    codes = {(await linker.issue("c1")).code for _ in range(50)}
    assert len(codes) == 50


def test_link_secret_is_generated_once_with_0600(tmp_path: Path) -> None:
    settings = load_settings(None, env={"RECLMMS_STORAGE_DATA_DIR": str(tmp_path)})
    first = load_link_secret(settings)
    path = tmp_path / "link_secret"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_link_secret(settings) == first and len(first) >= 32
    env = {"RECLMMS_STORAGE_DATA_DIR": str(tmp_path), "RECLMMS_LINK_SECRET": "from-env"}
    assert load_link_secret(load_settings(None, env=env)) == b"from-env"


async def test_update_log_claims_each_id_once(db: Database) -> None:
    log = UpdateLog(db)
    assert await log.claim(5) and await log.claim(6)
    assert not await log.claim(5)
    await log.flush()  # on shutdown, or by the metrics flusher
    again = UpdateLog(db)  # as after a restart
    assert not await again.claim(6) and not await again.claim(5) and await again.claim(7)
    assert await again.last() == 7
    # Telegram may start its ids lower again (after a quiet week, or a new token): a new id is new
    assert await again.claim(4) and await again.claim(1) and not await again.claim(1)


async def test_update_log_forgets_ids_after_two_days(db: Database) -> None:
    log = UpdateLog(db)
    assert await log.claim(900_000)
    await log.flush()
    await db.conn.execute("UPDATE bot_updates SET at = at - ?", (UpdateLog.KEEP_S + 60,))
    await db.conn.commit()
    later = UpdateLog(db)
    assert await later.claim(900_000)  # Telegram never sends an update again after a day
    await later.flush()
    async with db.conn.execute("SELECT COUNT(*) FROM bot_updates") as cur:
        assert (await cur.fetchone())[0] == 1  # the old row was pruned, the new one kept


async def test_stats_figures(db: Database) -> None:
    metrics = MetricsStore(db)
    await db.conn.execute("INSERT INTO bot_users VALUES (1, 'a', 'A', 'en', 0, 0), (2, 'b', 'B', 'zh', 0, 0)")
    await db.conn.commit()
    for user in (1, 1, 2):
        await metrics.message(user, user, "message")
    for i, secs in enumerate((1.0, 2.0, 3.0, 10.0)):
        await metrics.turn(TurnRecord(user_id=1, chat_id=1, seconds=secs, photo=i == 0, ungrounded_dropped=1,
                                      tools=["search_catalog"] + (["find_similar"] if i == 0 else []),
                                      terms=[("category", "dress"), ("colour", "black" if i else "red")]))
    await metrics.error("RuntimeError")
    figures = await collect_stats(metrics, backend="scripted", health={"status": "ok"})
    assert figures["users"] == 2 and figures["active_24h"] == 2 and figures["active_7d"] == 2
    assert figures["messages"] == 3 and figures["turns"] == 4 and figures["photos"] == 1
    assert figures["turn_latency_s"]["p50"] == 2.5 and figures["turn_latency_s"]["p95"] == pytest.approx(8.95)
    assert figures["tool_usage"] == {"search_catalog": 4, "find_similar": 1}
    assert figures["top_categories"] == [["dress", 4]] and figures["top_colours"][0] == ["black", 3]
    assert figures["ungrounded_dropped"] == 4 and figures["errors"] == 1
    assert figures["daily"][-1]["messages"] == 3 and figures["daily"][-1]["turns"] == 4
    assert dict(stats_lines(figures))["LLM backend"] == "scripted · ok" and "scripted · ok" in stats_text(figures)
    assert (await activity_chart(figures)).startswith(b"\x89PNG")
    assert percentile([], 50) is None and percentile([4.0], 95) == 4.0


def test_stats_text_is_written_for_a_person() -> None:
    health = {"backend": "embedded", "turns": 12, "llm_failures": 1, "model": "qwen2.5-coder-1.5b",
              "model_path": "/data/models/qwen2.5-coder-1.5b-q4_k_m.gguf", "model_present": True, "loaded": True,
              "loading": False, "load_seconds": 4.219259097997565, "threads": 2, "tool_mode": "json",
              "tool_stats": {"native": 0, "json": 3, "salvaged": 0, "repaired": 1}, "ok": True, "last_error": None,
              "last_latency_s": 0.8412, "status": "ok"}
    figures = {"users": 2, "linked_users": 1, "active_24h": 1, "active_7d": 2, "messages": 30, "turns": 20,
               "failed_turns": 1, "turn_latency_s": {"p50": 1.5, "p95": 3.0}, "tool_usage": {"search_catalog": 20},
               "top_categories": [], "top_colours": [], "photos": 0, "ungrounded_dropped": 0, "errors": 1,
               "llm": {"backend": "embedded", "health": health}}
    lines = dict(stats_lines(figures))
    assert lines["LLM backend"] == "qwen2.5-coder-1.5b · embedded · ok · loaded in 4.2 s · last answer 0.8 s"
    assert lines["LLM since restart"] == "12 turns, model failures 1; tool choice native 0 · json 3 · salvaged 0 · repaired 1"
    assert lines["tool usage (all time)"] == "search_catalog 20"
    assert lines["turns"] == "20: 19 answered, 0 stopped with /cancel, 1 failed on an error"
    assert dict(stats_lines({**figures, "cancelled_turns": 2}))["turns"] == \
        "20: 17 answered, 2 stopped with /cancel, 1 failed on an error"
    text = stats_text(figures)
    assert "gguf" not in text and "4.219" not in text and "{" not in text and "=" not in text
    down = {**figures, "llm": {"backend": "openai", "health": {"ok": False, "error": "ConnectError"}}}
    assert dict(stats_lines(down))["LLM backend"] == "openai · down (ConnectError)"
    unchecked = {**figures, "llm": {"backend": "embedded", "health": None}}
    assert dict(stats_lines(unchecked))["LLM backend"] == "embedded · not checked"


def _cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    monkeypatch.setenv("RECLMMS_CONFIG", str(config))
    monkeypatch.delenv("RECLMMS_TELEGRAM_TOKEN", raising=False)
    monkeypatch.delenv("RECLMMS_LINK_SECRET", raising=False)


async def _seed_customer(path: Path) -> None:
    """A store with one customer, and one article (a store without a catalog is "no catalog" for the commands)."""
    async with Database(path) as database:
        await database.conn.execute("CREATE TABLE IF NOT EXISTS customers (customer_id TEXT PRIMARY KEY)")
        await database.conn.execute("INSERT OR IGNORE INTO customers VALUES ('cust-9')")
        await database.conn.execute("CREATE TABLE IF NOT EXISTS articles (article_id TEXT PRIMARY KEY)")
        await database.conn.execute("INSERT OR IGNORE INTO articles VALUES ('0100000001')")
        await database.conn.commit()


def test_cli_link_code_and_stats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import asyncio

    _cli_env(tmp_path, monkeypatch)
    asyncio.run(_seed_customer(tmp_path / "data" / "reclmms.sqlite3"))
    assert main(["link-code", "cust-9", "--bot-username", "shop_bot", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["customer_id"] == "cust-9" and out["link"] == f"https://t.me/shop_bot?start={out['code']}"
    assert len(out["code"]) <= 64
    assert main(["link-code", "cust-9"]) == 0
    text = capsys.readouterr().out
    assert "code:" in text and "/start L" in text  # no username known: tells how to use the code
    assert main(["link-code", "nobody"]) == 2
    assert "unknown customer" in capsys.readouterr().err
    chart = tmp_path / "chart.png"
    assert main(["stats", "--json", "--chart", str(chart)]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["users"] == 0 and figures["llm"]["backend"] == "embedded" and chart.read_bytes()[:4] == b"\x89PNG"
    assert main(["stats"]) == 0
    assert "turn latency p50 / p95" in capsys.readouterr().out


def test_serve_without_a_token_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _cli_env(tmp_path, monkeypatch)
    assert main(["serve"]) == 2
    assert "RECLMMS_TELEGRAM_TOKEN" in capsys.readouterr().err


def test_cli_link_code_asks_telegram_for_the_bot_username(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio
    import threading

    from bot.fake_api import BOT_USERNAME, FakeBotApi

    _cli_env(tmp_path, monkeypatch)
    asyncio.run(_seed_customer(tmp_path / "data" / "reclmms.sqlite3"))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    api = FakeBotApi()
    asyncio.run_coroutine_threadsafe(api.start(), loop).result(10)
    try:
        monkeypatch.setenv("RECLMMS_TELEGRAM_TOKEN", api.token)
        monkeypatch.setenv("RECLMMS_TELEGRAM_BASE_URL", api.base_url)
        assert main(["link-code", "cust-9", "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["link"] == f"https://t.me/{BOT_USERNAME}?start={out['code']}"
        assert [c.method for c in api.calls] == ["getMe"]
    finally:
        asyncio.run_coroutine_threadsafe(api.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


async def test_a_redeem_that_fails_leaves_the_code_unused(db: Database) -> None:
    """The code is marked used and the user linked in one transaction of its own: when the link cannot be written
    (a full disk, here a trigger that says so), a commit on the shared connection (the metrics flusher's, twice a
    second) does not make the code used without the link, and trying again links the user."""
    linker, links, metrics = Linker(LinkStore(db), b"s" * 32, ttl_s=600), LinkStore(db), MetricsStore(db)
    code = await linker.issue("c1")
    await db.conn.execute("CREATE TRIGGER full BEFORE INSERT ON bot_links BEGIN"
                          " SELECT RAISE(ABORT, 'database or disk is full'); END")
    await db.conn.commit()
    with pytest.raises(sqlite3.Error, match="full"):
        await linker.redeem(code.code, user_id=7)
    await metrics.message(7, 7, "message")
    await metrics.flush()  # another coroutine's commit
    row = await links.get_code(code.code[1:17])
    assert row is not None and row[2] is None and await LinkStore(db).customer_of(7) is None
    await db.conn.execute("DROP TRIGGER full")
    await db.conn.commit()
    assert await linker.redeem(code.code, user_id=7) == "c1"
    assert await LinkStore(db).customer_of(7) == "c1"


async def test_stats_are_read_beside_the_shared_connection(db: Database) -> None:
    """/stats counts on a connection of its own: it neither waits for the chats' work on the shared connection nor
    holds it up (here that connection is held by a query that waits until the figures are in)."""
    metrics = MetricsStore(db)
    await metrics.turn(TurnRecord(user_id=1, chat_id=1, seconds=2.0, tools=["search_catalog"]))
    await metrics.turn(TurnRecord(user_id=1, chat_id=1, seconds=4.0, tools='not json'))  # type: ignore[arg-type]
    await metrics.flush()
    release = threading.Event()
    await db.conn.create_function("hold", 0, lambda: release.wait(30))
    held = asyncio.create_task(db.conn.execute("SELECT hold()"))
    try:
        figures = await asyncio.wait_for(collect_stats(metrics), 10)
    finally:
        release.set()
        await held
    assert figures["turns"] == 2 and figures["turn_latency_s"] == {"p50": 3.0, "p95": 3.9}
    assert figures["tool_usage"] == {"search_catalog": 1}
