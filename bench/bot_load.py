"""Load test of the Telegram bot: N concurrent shoppers x T turns through the local fake Bot API.

The bot runs for real (PTB's HTTP stack, long polling, handlers, cards, SQLite metrics) on
the real ShoppingService with a fast scripted model. For every turn we measure, on one clock:

    total    = update queued at the Bot API → the bot's last reply of the turn received there
    received = the moment getUpdates handed the update to the bot
    agent    = time spent inside ShoppingService.stream (retrieval + scripted model)
    overhead = (last reply - received) - agent  (what the bot itself adds: dispatch, locks,
               rendering, SQLite bookkeeping, Telegram calls)

Usage: .venv/bin/python bench/bot_load.py [--shoppers 100] [--turns 5] [--model-delay 0.05]
       [--catalog fake|demo] [--telegram-limits] [--no-record]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import multiprocessing
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.factory import build_shopping_service  # noqa: E402
from agent.llm.scripted import ScriptedBackend  # noqa: E402
from bot.application import build_application, running  # noqa: E402
from bot.fake_api import Call, FakeBotApi  # noqa: E402
from catalog.db import Database  # noqa: E402
from reclmms.app import Services  # noqa: E402
from reclmms.settings import Settings, load_settings  # noqa: E402

QUERIES = [
    "I want a red dress",
    "cheaper ones",
    "a blue sweater please",
    "more like the second one",
    "white linen shirt for summer",
    "black trousers",
    "我想要红色连衣裙",
]


class TimedService:
    """Wraps the ShoppingService and adds up the time spent inside its stream, per chat."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.agent_s: dict[str, list[float]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def stream(self, session: Any, text: str | None, photo: bytes | None = None) -> AsyncIterator[Any]:
        spent = 0.0
        it = self.inner.stream(session, text, photo).__aiter__()
        while True:
            t0 = time.monotonic()
            try:
                event = await it.__anext__()
            except StopAsyncIteration:
                spent += time.monotonic() - t0
                break
            spent += time.monotonic() - t0
            yield event
        self.agent_s.setdefault(session.session_id, []).append(spent)


class InstantAgent:
    """A stand-in for the agent that answers at once (after ``delay_s``): isolates the bot's own cost."""

    backend_name = "instant"

    def __init__(self, catalog: Any, delay_s: float) -> None:
        self.catalog = catalog
        self.delay_s = delay_s

    async def stream(self, session: Any, text: str | None, photo: bytes | None = None) -> AsyncIterator[Any]:
        from agent.turn import ProductsReady, ReplyDelta, TurnDone, TurnResult

        products = self.catalog.items[:3]
        calls = [{"name": "search_catalog", "args": {"query": text, "colour": "red"}}]
        yield ProductsReady(products=products, tool_calls=calls, language="en")
        await asyncio.sleep(self.delay_s)
        reply = f"I picked these for you. The first one, {products[0].name}, is a great choice."
        yield ReplyDelta(reply)
        yield TurnDone(TurnResult(reply=reply, language="en", products=products, tool_calls=calls))

    async def reset(self, session_id: str) -> None:
        return None

    async def health(self) -> dict[str, Any]:
        return {"status": "ok"}


def _is_prose(call: Call) -> bool:
    return (
        call.method in ("sendMessage", "editMessageText")
        and not call.params.get("reply_markup")
        and "<code>" not in call.text
    )


THINK_S = (0.5, 2.0)  # seconds a shopper takes to read an answer and type the next message


async def shopper(api: FakeBotApi, chat: int, turns: int, rng: random.Random, out: list[dict[str, Any]]) -> None:
    await asyncio.sleep(rng.uniform(0.0, 1.0))  # shoppers arrive within the first second
    for n in range(turns):
        text = QUERIES[0] if n == 0 else rng.choice(QUERIES)
        after = len(api.calls)
        sent = time.monotonic()
        uid = api.send_text(chat, text, user=api.user(chat, "zh" if "连衣裙" in text else "en"))
        try:
            reply = await api.wait_for("sendMessage", chat_id=chat, where=_is_prose, after=after, wait_s=60)
            await asyncio.sleep(0)
            first = next(c.at for c in api.calls[after:] if c.chat_id == chat)
            out.append({"chat": chat, "turn": n, "sent": sent, "done": reply.at, "ok": True,
                        "delivered": api.delivered_at.get(uid, sent), "first_call": first})
        except TimeoutError:
            out.append({"chat": chat, "turn": n, "sent": sent, "done": time.monotonic(), "ok": False})
        await asyncio.sleep(rng.uniform(*THINK_S))  # a shopper reads the answer before typing again


def _services_factory(catalog_kind: str, model_delay: float, holder: dict[str, Any], instant: bool = False) -> Any:
    @contextlib.asynccontextmanager
    async def factory(settings: Settings) -> AsyncIterator[Services]:
        backend = ScriptedBackend(delay_s=model_delay)
        if catalog_kind == "demo":
            from reclmms.app import open_services

            async with open_services(settings, backend=backend) as services:
                services.agent = holder.setdefault("timed", TimedService(services.agent))  # type: ignore[assignment]
                yield services
            return
        from tests.agent.fakes import FakeCatalog  # the agent tests' in-memory catalog

        catalog = FakeCatalog()
        async with Database(settings.sqlite_path) as db:
            if instant:
                timed = holder.setdefault("timed", TimedService(InstantAgent(catalog, model_delay)))
                yield Services(settings=settings, db=db, catalog=catalog, agent=timed)  # type: ignore[arg-type]
                return
            async with build_shopping_service(settings, catalog, backend=backend) as agent:
                timed = holder.setdefault("timed", TimedService(agent))
                yield Services(settings=settings, db=db, catalog=catalog, agent=timed)  # type: ignore[arg-type]

    return factory


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def _rig_main(conn: Any, shoppers: int, turns: int) -> None:
    """The test rig, in its own process: the fake Bot API server and the simulated shoppers."""

    async def run() -> None:
        # update ids keep growing across runs, as Telegram's do (the bot skips ids it has seen)
        async with FakeBotApi(first_update_id=int(time.time() * 1000)) as api:
            conn.send(api.port)
            await asyncio.to_thread(conn.recv)  # "go": the bot is up
            rng = random.Random(7)
            out: list[dict[str, Any]] = []
            t0 = time.monotonic()
            await asyncio.gather(*(shopper(api, 10_000 + i, turns, random.Random(rng.random()), out)
                                   for i in range(shoppers)))
            conn.send({"out": out, "wall": time.monotonic() - t0, "calls": len(api.calls),
                       "edits": len(api.calls_to("editMessageText"))})
            await asyncio.to_thread(conn.recv)  # "bye": the bot has stopped

    logging.basicConfig(level=logging.ERROR)
    asyncio.run(run())


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    holder: dict[str, Any] = {}
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    rig = ctx.Process(target=_rig_main, args=(child, args.shoppers, args.turns), daemon=True)
    rig.start()
    port = await asyncio.to_thread(parent.recv)
    api = FakeBotApi(port=port)  # only for its URLs and token; the server runs in the rig
    with tempfile.TemporaryDirectory(prefix="reclmms-botload-") as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text("", encoding="utf-8")
        env = {
            "RECLMMS_TELEGRAM_TOKEN": api.token,
            "RECLMMS_TELEGRAM_BASE_URL": api.base_url,
            "RECLMMS_TELEGRAM_BASE_FILE_URL": api.base_file_url,
            "RECLMMS_STORAGE_DATA_DIR": args.data_dir or str(Path(tmp) / "data"),
            "RECLMMS_LLM_BACKEND": "scripted",
            "RECLMMS_LINK_SECRET": "bench-secret-bench-secret-bench-secret",
            "RECLMMS_TELEGRAM_RATE_LIMIT_PER_MINUTE": "1000",
        }
        settings = load_settings(config, env=env)
        app = build_application(
            settings,
            _services_factory(args.catalog, args.model_delay, holder, instant=args.agent == "instant"),
            overall_max_rate=30.0 if args.telegram_limits else 0.0,
            http_client=args.http_client,
        )
        t_start = time.monotonic()
        async with running(app, poll_timeout=1.0):
            ready = time.monotonic() - t_start
            cpu0 = time.process_time()
            parent.send("go")
            rig_result = await asyncio.to_thread(parent.recv)
            bot_cpu = time.process_time() - cpu0
            errors = int((await app.bot_data["runtime"].metrics.rows("SELECT COUNT(*) FROM bot_errors"))[0][0])
            failed = int((await app.bot_data["runtime"].metrics.rows(
                "SELECT COUNT(*) FROM bot_turns WHERE ok = 0"))[0][0])
            error_kinds = dict(await app.bot_data["runtime"].metrics.rows(
                "SELECT kind, COUNT(*) FROM bot_errors GROUP BY kind"))
        parent.send("bye")
    rig.join(timeout=10)
    out, wall, calls = rig_result["out"], rig_result["wall"], rig_result["calls"]
    edits = rig_result["edits"]
    timed: TimedService = holder["timed"]
    agent_by_chat = {int(k.split(":")[1]): v for k, v in timed.agent_s.items()}
    totals, overheads, agents, deliveries, firsts = [], [], [], [], []
    for rec in sorted(out, key=lambda r: (r["chat"], r["turn"])):
        if not rec["ok"]:
            continue
        total = rec["done"] - rec["sent"]
        spent = agent_by_chat.get(rec["chat"], [])
        agent = spent[rec["turn"]] if rec["turn"] < len(spent) else 0.0
        totals.append(total)
        agents.append(agent)
        overheads.append(rec["done"] - rec["delivered"] - agent)  # from the bot's receipt of the update
        deliveries.append(rec["delivered"] - rec["sent"])
        firsts.append(rec["first_call"] - rec["delivered"])
    timeouts = sum(1 for r in out if not r["ok"])
    return {
        "shoppers": args.shoppers,
        "turns_per_shopper": args.turns,
        "turns": len(out),
        "catalog": args.catalog,
        "agent": args.agent,
        "http_client": args.http_client,
        "model_delay_s": args.model_delay,
        "telegram_limits": args.telegram_limits,
        "startup_s": ready,
        "wall_s": wall,
        "throughput_turns_s": len(out) / wall if wall else 0.0,
        "errors": errors + failed + timeouts,
        "timeouts": timeouts,
        "failed_turns": failed,
        "error_kinds": error_kinds,
        "bot_api_calls": calls,
        "prose_edits": edits,
        "total_p50_ms": pct(totals, 50) * 1000,
        "total_p99_ms": pct(totals, 99) * 1000,
        "agent_p50_ms": pct(agents, 50) * 1000,
        "overhead_p50_ms": pct(overheads, 50) * 1000,
        "overhead_p99_ms": pct(overheads, 99) * 1000,
        "getupdates_delivery_p50_ms": pct(deliveries, 50) * 1000,
        "getupdates_delivery_p99_ms": pct(deliveries, 99) * 1000,
        "delivered_to_first_call_p50_ms": pct(firsts, 50) * 1000,
        "delivered_to_first_call_p99_ms": pct(firsts, 99) * 1000,
        "bot_process_cpu_ms_per_turn": bot_cpu / max(1, len(out)) * 1000,
        "overhead_mean_ms": (statistics.fmean(overheads) * 1000) if overheads else float("nan"),
    }


def record(r: dict[str, Any]) -> None:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = [
        "",
        f"## Telegram bot load (bench/bot_load.py) — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, {cores} cores (load average {os.getloadavg()[0]:.1f} at the end: the cores "
        f"were shared with other jobs)",
        "",
        f"{r['shoppers']} concurrent shoppers x {r['turns_per_shopper']} turns = {r['turns']} turns through the local "
        f"fake Bot API in its own process (real PTB HTTP stack, long polling, {r['http_client']} client), "
        f"agent: {'real ShoppingService on the scripted model' if r['agent'] == 'real' else 'instant stand-in'} "
        f"(delay {r['model_delay_s']} s per model call), catalog: {r['catalog']}, "
        f"Telegram flood limits (bot/flood_limits.py): {'on' if r['telegram_limits'] else 'off'}.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| throughput | {r['throughput_turns_s']:.1f} turns/s ({r['wall_s']:.1f} s wall) |",
        f"| errors (bot errors + failed turns + timeouts) | {r['errors']} |",
        f"| bot overhead per turn p50 / p99 | {r['overhead_p50_ms']:.0f} / {r['overhead_p99_ms']:.0f} ms |",
        f"| update → last reply p50 / p99 | {r['total_p50_ms']:.0f} / {r['total_p99_ms']:.0f} ms |",
        f"| agent (retrieval + model) p50 | {r['agent_p50_ms']:.0f} ms |",
        f"| Bot API calls (of which prose edits) | {r['bot_api_calls']} ({r['prose_edits']}) |",
        f"| bot process CPU per turn (bot + agent) | {r['bot_process_cpu_ms_per_turn']:.1f} ms |",
        f"| getUpdates delivery p50 / p99 | {r['getupdates_delivery_p50_ms']:.0f} / {r['getupdates_delivery_p99_ms']:.0f} ms |",
        "",
        "Overhead = update received by the bot (getUpdates returned it) → the turn's last reply received by "
        "the Bot API, minus the time spent inside ShoppingService.stream; 'update → last reply' also counts the "
        "long-poll delivery. Target: 100 x 5, 0 errors, p99 overhead <= 250 ms on 2 cores.",
    ]
    with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shoppers", type=int, default=100)
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--model-delay", type=float, default=0.05, help="seconds per scripted model call")
    parser.add_argument("--catalog", choices=("fake", "demo"), default="fake",
                        help="fake: the agent tests' in-memory catalog; demo: the real catalog in --data-dir")
    parser.add_argument("--agent", choices=("real", "instant"), default="real",
                        help="real: ShoppingService on the scripted model; instant: a stand-in that answers at once")
    parser.add_argument("--http-client", choices=("aiohttp", "httpx"), default="aiohttp")
    parser.add_argument("--data-dir", help="data dir with a built catalog (for --catalog demo)")
    parser.add_argument("--telegram-limits", action="store_true", help="keep the 30 msg/s bot-wide flood limit")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(main_async(args))
    for key, value in result.items():
        print(f"{key:22s} {value:.1f}" if isinstance(value, float) else f"{key:22s} {value}")
    if not args.no_record:
        record(result)
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
