"""`reclmms serve` while the search index cannot serve, as an operator and shoppers see it: with the Chroma
server down at start the bot starts, says so in one warning line, answers the turns that do not search
(/start, /help, purchase history, recommendations, /stats) and tells shoppers that search is unavailable,
in their language, until the server answers again (no restart); with an empty index (a Chroma server with
no article vectors, or an embedded store ingested with --no-index) it warns once, with the words of
``missing_index()``, and runs.

``serve`` runs in a child process (this module, run as a script: the real ``reclmms serve`` with the
tests' spelling embedder) against the fake Bot API server in this one, and a real ``chroma run``.

    python -m tests.bot.test_serve_search_down
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import signal
import sys
from pathlib import Path

import pytest

from agent.prompts import Replies
from bot.fake_api import Call, FakeBotApi
from reclmms.cli import main
from tests.bot.conftest import ADMIN_ID
from tests.bot.test_bot_crash_recovery import ROOT
from tests.data.fixtures import CUSTOMERS, write_hm
from tests.data.spelling_embedder import use_spelling_embedder
from tests.search.chroma_process import ChromaProcess

SHOPPER, GERMAN, ADMIN_CHAT = 1501, 1502, ADMIN_ID
TURN_WAIT_S = 60.0


def photo() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (128, 128, 128)).save(buf, format="JPEG")
    return buf.getvalue()


def environment(tmp: Path, api: FakeBotApi, chroma_port: int | None) -> dict[str, str]:
    config = tmp / "config.toml"
    config.write_text("", encoding="utf-8")
    env = {
        "RECLMMS_CONFIG": str(config),
        "RECLMMS_STORAGE_DATA_DIR": str(tmp / "state"),
        "RECLMMS_TELEGRAM_TOKEN": api.token,
        "RECLMMS_TELEGRAM_BASE_URL": api.base_url,
        "RECLMMS_TELEGRAM_BASE_FILE_URL": api.base_file_url,
        "RECLMMS_TELEGRAM_ADMIN_IDS": str(ADMIN_ID),
        "RECLMMS_LLM_BACKEND": "scripted",
        "RECLMMS_LINK_SECRET": "test-link-secret-0123456789abcdef",
    }
    if chroma_port is not None:
        env |= {"RECLMMS_CHROMA_MODE": "http", "RECLMMS_CHROMA_PORT": str(chroma_port)}
    return env


def _prepare(tmp: Path, index: bool) -> str:
    hm = write_hm(tmp / "hm")
    assert main(["ingest", "hm", str(hm), "--no-images", *([] if index else ["--no-index"])]) == 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["link-code", CUSTOMERS[0], "--bot-username", "testbot", "--json"]) == 0
    return str(json.loads(out.getvalue())["code"])


async def prepare(tmp: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch, *, index: bool) -> str:
    """The H&M fixture ingested (indexed into the configured Chroma, or not); a link code for CUSTOMERS[0]."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    use_spelling_embedder(monkeypatch)
    return await asyncio.to_thread(_prepare, tmp, index)


async def start_serve(api: FakeBotApi, tmp: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    """``reclmms serve`` in a child process, once it answers a /help."""
    log = (tmp / "serve.log").open("ab")
    child_env = {**{k: v for k, v in os.environ.items() if not k.startswith("RECLMMS_")}, **env}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.bot.test_serve_search_down", cwd=ROOT, env=child_env, stdout=log, stderr=log,
    )
    log.close()
    after = len(api.calls)
    api.send_text(SHOPPER, "/help")
    answered = asyncio.ensure_future(api.wait_for("sendMessage", chat_id=SHOPPER, wait_s=TURN_WAIT_S, after=after))
    exited = asyncio.ensure_future(proc.wait())
    try:
        await asyncio.wait({answered, exited}, return_when=asyncio.FIRST_COMPLETED)
        if not answered.done():  # it stopped instead (before the fix: at the Chroma server that is down)
            pytest.fail(f"serve exited ({proc.returncode}): " + (tmp / "serve.log").read_text())
        assert "What I can do" in answered.result().text
    except BaseException:
        await stop_serve(proc)
        raise
    finally:
        answered.cancel()
        exited.cancel()
    return proc


async def stop_serve(proc: asyncio.subprocess.Process) -> int:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return await asyncio.wait_for(proc.wait(), 30)
    except TimeoutError:
        proc.kill()
        return await proc.wait()


async def say(api: FakeBotApi, chat: int, text: str, lang: str = "en") -> list[Call]:
    """Send ``text`` and return what the bot sent to the chat for it, once the turn's reply settled."""
    after = len(api.calls)
    api.send_text(chat, text, user=api.user(chat, lang))
    await api.wait_for("sendMessage", chat_id=chat, after=after, wait_s=TURN_WAIT_S)
    await api.settle(0.5)
    return [c for c in api.calls[after:] if c.chat_id == chat and c.method != "sendChatAction"]


def texts(calls: list[Call]) -> str:
    return "\n".join(c.text for c in calls)


def warnings_in(log: str) -> list[str]:
    return [line for line in log.splitlines() if " WARNING " in line]


def search_down_line(port: int) -> str:
    return f"<b>search index</b>: down (chroma: cannot reach the Chroma server at 127.0.0.1:{port}"


async def test_serve_starts_with_the_chroma_server_down_and_searches_once_it_is_up(
    chroma: ChromaProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replies = Replies()
    server = f"the Chroma server at 127.0.0.1:{chroma.port}"
    async with FakeBotApi() as api:
        env = environment(tmp_path, api, chroma.port)
        chroma.start()
        code = await prepare(tmp_path, env, monkeypatch, index=True)
        chroma.stop()  # indexed, then down: serve starts without it
        bot = await start_serve(api, tmp_path, env)  # it answered a /help
        try:
            assert "shopping assistant" in texts(await say(api, SHOPPER, "/start"))
            assert "linked" in texts(await say(api, SHOPPER, f"/start {code}"))
            history = await say(api, SHOPPER, "what did I buy?")
            assert "Strap top" in texts(history), history
            picks = await say(api, SHOPPER, "recommend something for me")
            assert "<b>1. " in texts(picks), picks  # its cards (text ones: no images were ingested)
            assert replies.get("en", "search_unavailable") not in texts(picks)
            stats = texts(await say(api, ADMIN_CHAT, "/stats"))
            assert search_down_line(chroma.port) in stats, stats
            assert "<b>LLM backend</b>: scripted" in stats
            before_search = (tmp_path / "serve.log").read_text()  # the turns above waited for the warm-up

            # a search turn and a photo turn: "search unavailable", in the shopper's language
            search = await say(api, GERMAN, "Ich suche einen grauen Hoodie", "de")
            assert replies.get("de", "search_unavailable") in texts(search), search
            after = len(api.calls)
            api.send_photo(GERMAN, photo(), user=api.user(GERMAN, "de"))
            await api.wait_for("sendMessage", chat_id=GERMAN, after=after, wait_s=TURN_WAIT_S)
            await api.settle(0.5)
            shown = [c for c in api.calls[after:] if c.chat_id == GERMAN and c.method != "sendChatAction"]
            assert replies.get("de", "search_unavailable") in texts(shown), shown
            assert "<b>1. " not in texts(shown)  # no cards

            chroma.start()  # back: search works without a restart, and /stats says so
            found = await say(api, SHOPPER, "a grey hoodie")
            assert "Danny hoodie" in json.dumps([c.params for c in found], ensure_ascii=False), found
            stats = texts(await say(api, ADMIN_CHAT, "/stats"))
            assert f"<b>search index</b>: ok · 5 articles ({server})" in stats, stats
        finally:
            rc = await stop_serve(bot)
    log = (tmp_path / "serve.log").read_text()
    assert rc == 0 and "Traceback" not in log and "error:" not in log, log
    started = warnings_in(before_search)
    assert len(started) == 1, before_search  # one line at start, naming the server
    assert f"cannot reach {server}" in started[0] and "search is unavailable until it answers" in started[0]
    # later: one line for each search that could not reach it (the search turn, the photo turn), none once up
    later = warnings_in(log)[1:]
    assert len(later) == 2 and all("agent.retrieval: tool " in w and server in w for w in later), log


@pytest.mark.parametrize("mode", ["http", "embedded"])
async def test_serve_on_an_empty_index_warns_once_and_runs(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    chroma: ChromaProcess | None = request.getfixturevalue("chroma") if mode == "http" else None
    replies = Replies()
    async with FakeBotApi() as api:
        env = environment(tmp_path, api, chroma.port if chroma else None)
        if chroma is not None:
            chroma.start()  # up, and never given the catalog's vectors
        code = await prepare(tmp_path, env, monkeypatch, index=False)
        bot = await start_serve(api, tmp_path, env)
        try:
            assert "linked" in texts(await say(api, SHOPPER, f"/start {code}"))
            assert "Strap top" in texts(await say(api, SHOPPER, "what did I buy?"))
            assert replies.get("en", "none") in texts(await say(api, SHOPPER, "a grey hoodie"))
            stats = texts(await say(api, ADMIN_CHAT, "/stats"))
            assert "<b>search index</b>: empty (" in stats, stats
        finally:
            rc = await stop_serve(bot)
    if chroma is not None:
        empty = (f"the Chroma server at 127.0.0.1:{chroma.port} has no article vectors: is it the server this catalog "
                 "was indexed into? If so, build the index with the same `reclmms ingest ...` as before "
                 "(without --no-index)")
    else:
        empty = (f"the catalog in {tmp_path / 'state'} has no search index yet (ingested with --no-index?): "
                 "run the same `reclmms ingest ...` again without --no-index")
    log = (tmp_path / "serve.log").read_text()
    assert rc == 0 and "Traceback" not in log, log
    assert [w.split(" WARNING bot.warmup: ", 1)[-1] for w in warnings_in(log)] == [empty], log


if __name__ == "__main__":
    from catalog import factory
    from tests.data.spelling_embedder import SpellingEmbedder

    factory.build_text_embedder = lambda settings: SpellingEmbedder()  # type: ignore[assignment]
    sys.exit(main(["serve"]))
