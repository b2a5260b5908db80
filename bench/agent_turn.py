"""Bench: time to structured results and to the full reply, per turn, on a real catalog.

    .venv/bin/python bench/agent_turn.py [--data-dir DIR] [--backend embedded|scripted]
                                         [--model-path FILE] [--turns N]

It opens the catalog in DIR (default: the configured data dir; it must already be indexed,
e.g. by ``reclmms ingest hm ../shared/data/hm-sample`` or the demo bootstrap), loads the
model first (load time is reported separately, not counted in the turns), then runs a fixed
multi-turn script in English and Chinese through ``ShoppingService.stream``. Conversation
checkpoints go to a temporary directory, so the catalog's data dir is only read.

Figures (medians, p90) are printed and appended to bench/RESULTS.md.
Targets (issue 3): results <= 1 s, full reply p50 <= 10 s on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.factory import build_shopping_service  # noqa: E402
from agent.service import ShoppingService  # noqa: E402
from agent.turn import ProductsReady, ReplyDelta, Session, TurnDone  # noqa: E402
from reclmms.app import open_catalog  # noqa: E402
from reclmms.settings import Settings, StorageSettings, load_settings  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
MODEL_CACHE = Path.home() / ".cache" / "reclmms" / "models"

SCRIPT: list[tuple[str, str]] = [
    ("a", "a red summer dress"),
    ("a", "cheaper ones"),
    ("a", "in blue"),
    ("a", "more like the second one"),
    ("b", "black jeans for men"),
    ("b", "tell me about the first one"),
    ("c", "红色连衣裙"),
    ("c", "有更便宜的吗"),
    ("d", "something warm for winter walks"),
    ("e", "hi there!"),
    ("f", "un vestido negro para una fiesta"),
    ("g", "a white linen shirt"),
]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def find_model(settings: Settings, explicit: str | None) -> Path | None:
    if explicit:
        return Path(explicit)
    name = settings.llm.embedded_model
    for folder in (settings.models_dir, MODEL_CACHE):
        for candidate in sorted(folder.glob(f"{name}*.gguf")) if folder.is_dir() else []:
            return candidate
    return None


def build_backend(settings: Settings, kind: str, model_path: str | None) -> Any:
    if kind == "scripted":
        from agent.llm.scripted import ScriptedBackend, minimal_json

        return ScriptedBackend(json_rule=minimal_json)
    if kind == "configured":
        from agent.llm.factory import build_backend as configured

        return configured(settings)
    path = find_model(settings, model_path)
    if path is None or not path.is_file():
        raise SystemExit(f"no GGUF model for {settings.llm.embedded_model!r}; pass --model-path FILE")
    from agent.llm.embedded import EmbeddedBackend

    return EmbeddedBackend(path, model_name=path.stem, threads=settings.catalog.cpu_threads,
                           context_size=settings.llm.context_size, timeout_s=settings.llm.timeout_s,
                           max_tokens=settings.llm.max_tokens, temperature=settings.llm.temperature)


@contextlib.asynccontextmanager
async def open_agent(settings: Settings, backend: Any, max_products: int | None = None) -> AsyncIterator[ShoppingService]:
    """The catalog in ``settings.data_dir`` plus an agent whose checkpoints live in a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="reclmms-bench-") as tmp:
        agent_settings = settings.model_copy(update={"storage": StorageSettings(data_dir=Path(tmp))})
        if max_products is not None:
            agent_settings = agent_settings.model_copy(
                update={"agent": agent_settings.agent.model_copy(update={"max_products": max_products})})
        async with open_catalog(settings) as (_db, catalog):
            async with build_shopping_service(agent_settings, catalog, backend=backend) as service:
                yield service


def bench_settings(data_dir: str | None) -> Settings:
    settings = load_settings()
    if data_dir:
        settings = settings.model_copy(update={"storage": StorageSettings(data_dir=Path(data_dir).resolve())})
    return settings


def machine() -> str:
    load = os.getloadavg()[0]
    return f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, load average {load:.1f} at the end"


def append_results(section: str) -> None:
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write("\n" + section.rstrip() + "\n")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="catalog data dir (default: from config.toml)")
    parser.add_argument("--backend", choices=["embedded", "scripted", "configured"], default="embedded")
    parser.add_argument("--model-path", help="GGUF file for the embedded backend")
    parser.add_argument("--turns", type=int, default=len(SCRIPT))
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = bench_settings(args.data_dir)
    backend = build_backend(settings, args.backend, args.model_path)
    load_s = 0.0
    if hasattr(backend, "start"):
        t0 = time.monotonic()
        await backend.start(600)
        load_s = time.monotonic() - t0
    rows = []
    async with open_agent(settings, backend) as service:
        await service.ask(Session("warm-up"), "warm up the search")  # embedder and caches, not timed
        await service.warm_up()  # the vocabulary's vectors, as the bot's start-up warm-up does
        for session, text in SCRIPT[: args.turns]:
            start = time.monotonic()
            first_products = first_prose = None
            result = None
            async for event in service.stream(Session(session), text):
                now = time.monotonic() - start
                if isinstance(event, ProductsReady) and first_products is None:
                    first_products = now
                elif isinstance(event, ReplyDelta) and first_prose is None:
                    first_prose = now
                elif isinstance(event, TurnDone):
                    result = event.result
            total = time.monotonic() - start
            assert result is not None
            rows.append({"text": text, "products_s": first_products or 0.0, "first_prose_s": first_prose or total,
                         "total_s": total, "llm_s": result.llm_seconds, "n": len(result.products),
                         "intent": result.intent, "note": result.note, "dropped": result.ungrounded_dropped,
                         "reply": result.reply})
            print(f"{first_products:6.3f}s results  {total:6.2f}s reply  [{result.intent:9}] {text!r} -> "
                  f"{len(result.products)} products; {result.reply[:90]!r}" + (f"  NOTE {result.note}" if result.note else ""))
    if hasattr(backend, "aclose"):
        await backend.aclose()
    products = [r["products_s"] for r in rows]
    totals = [r["total_s"] for r in rows]
    prose = [r["first_prose_s"] for r in rows]
    fallbacks = sum(1 for r in rows if r["note"])
    dropped = sum(r["dropped"] for r in rows)
    summary = (
        f"results p50 {statistics.median(products):.3f} s, p90 {percentile(products, 0.9):.3f} s; "
        f"first prose p50 {statistics.median(prose):.2f} s; full reply p50 {statistics.median(totals):.2f} s, "
        f"p90 {percentile(totals, 0.9):.2f} s; model load {load_s:.1f} s; {fallbacks}/{len(rows)} turns fell back; "
        f"ungrounded mentions dropped {dropped}"
    )
    print(summary)
    if not args.no_record:
        model = getattr(backend, "model_name", getattr(backend, "name", args.backend))
        lines = [
            f"## agent turn latency ({dt.date.today().isoformat()}, {machine()})",
            f"`bench/agent_turn.py --backend {args.backend}` model `{model}`, catalog `{settings.data_dir}`, "
            f"{len(rows)} turns (en/zh/es, multi-turn).",
            "",
            f"- {summary}",
            "",
            "| request | results s | full reply s | intent | products |",
            "|---|---|---|---|---|",
        ]
        lines += [f"| {r['text']} | {r['products_s']:.3f} | {r['total_s']:.2f} | {r['intent']} | {r['n']} |" for r in rows]
        append_results("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
