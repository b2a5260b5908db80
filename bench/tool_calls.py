"""Native tool calls vs the JSON protocol, side by side, on the embedded models.

The router's own tool choice (``agent.routing.route_messages`` + ``route_tools``,
``choose_tool`` with no tool allowed, 96 tokens) on the 16 hand-written shopper requests of
``bench/llm_models.py`` (en/zh/es/de), through the embedded backend (xllamacpp, jinja chat
templates on), once per path:

- ``native``: ``tools=[...]`` / ``tool_choice: auto``; calls the model wrote as text are
  salvaged, a bad call gets one repair round;
- ``json``: the selection object ``{"tool", "arguments"}`` under ``response_format`` JSON schema
  (a llama.cpp grammar), validated, one repair round.

Figures: valid (a checked ToolChoice came back), right tool (small talk -> no tool; a
refinement may be search_catalog or find_similar), latency p50 / p90. Each path gets a fresh
server and two warm-up calls (nothing shown / products shown), so both start with their
tool prompt prefixes in the cache.

Usage: .venv/bin/python bench/tool_calls.py [--models a,b] [--limit N] [--threads N] [--no-write]
Appends its figures to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.llm.embedded import EmbeddedBackend  # noqa: E402
from agent.routing import route_messages, route_tools  # noqa: E402
from bench.llm_models import (  # noqa: E402
    REQUESTS,
    add_model_arguments,
    append_results,
    assembled_models,
    misses_line,
    percentile,
)

SHOWN = [
    {"name": "Slim jeans", "colour": "Black", "product_type": "Trousers"},
    {"name": "Linen shirt", "colour": "White", "product_type": "Shirt"},
    {"name": "Wrap dress", "colour": "Dark Red", "product_type": "Dress"},
]
# The intent each request stands for -> the tool choices that are right for it.
RIGHT: dict[str, set[str | None]] = {
    "search": {"search_catalog"}, "similar": {"find_similar"}, "refine": {"search_catalog", "find_similar"},
    "details": {"article_details"}, "history": {"purchase_history"}, "recommend": {"recommend_for_me"},
    "greeting": {None}, "thanks": {None}, "help": {None},
}
PATHS = ("native", "json")


async def bench_path(path: Path, name: str, mode: str, limit: int, threads: int) -> dict[str, Any]:
    backend = EmbeddedBackend(path, model_name=name, threads=threads, timeout_s=300, temperature=0.0,
                              tool_mode=mode)  # type: ignore[arg-type]
    rows = []
    try:
        started = time.monotonic()
        await backend.start(timeout_s=300)
        load_s = time.monotonic() - started
        for shown in ([], SHOWN):  # warm-up: the system prompt and both tool lists become cached prefixes
            try:
                await backend.choose_tool(route_messages("hi", shown), route_tools(shown), max_tokens=96)
            except Exception as exc:  # noqa: BLE001 - a warm-up failure is not a figure
                print(f"  warm-up failed: {exc}")
        for text, has_shown, intent, _colour, _price in REQUESTS[:limit]:
            t0 = time.monotonic()
            shown = SHOWN if has_shown else []
            try:
                choice = await backend.choose_tool(route_messages(text, shown), route_tools(shown), max_tokens=96)
            except Exception as exc:  # noqa: BLE001 - a failure is a figure
                got, valid, error = None, False, type(exc).__name__
            else:
                got, valid, error = choice.name, True, ""
            seconds = time.monotonic() - t0
            right = valid and got in RIGHT[intent]
            rows.append({"text": text, "seconds": seconds, "valid": valid, "right": right, "got": got or error or "none"})
            print(f"  {name}/{mode}: {seconds:5.1f}s {'ok ' if right else 'BAD'} {text!r} -> "
                  f"{got if valid else error} {choice.arguments if valid else ''}", flush=True)
        stats = (await backend.health()).get("tool_stats", {})
    finally:
        await backend.aclose()
    latencies = [r["seconds"] for r in rows]
    n = len(rows)
    return {
        "model": name, "mode": mode, "n": n, "load_s": load_s,
        "valid": sum(r["valid"] for r in rows) / n, "right": sum(r["right"] for r in rows) / n,
        "p50": statistics.median(latencies), "p90": percentile(latencies, 0.9),
        "salvaged": stats.get("salvaged", 0), "repaired": stats.get("repaired", 0),
        "misses": [(r["text"], r["got"]) for r in rows if not r["right"]],
    }


def report(results: list[dict[str, Any]], load: tuple[float, float], threads: int) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## native tool calls vs JSON schema (bench/tool_calls.py) — {stamp}, {platform.machine()}, "
        f"{os.cpu_count()} cores (load average {load[0]:.1f} at the start, {load[1]:.1f} at the end), "
        f"llama.cpp threads = {threads}",
        "",
        f"The router's tool choice (`route_messages` + `route_tools`, no tool allowed, 96 tokens) on the "
        f"{results[0]['n']} requests of bench/llm_models.py, embedded backend (xllamacpp, jinja on), temperature 0. "
        "native: `tools` + `tool_choice: auto`, calls written as text salvaged, one repair round; json: "
        "`{tool, arguments}` under `response_format` JSON schema, one repair round.",
        "",
        "| model | path | valid | right tool | latency p50 / p90 | salvaged from text | repair rounds |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| {r['model']} | {r['mode']} | {r['valid']:.0%} | {r['right']:.0%} | "
                     f"{r['p50']:.1f} / {r['p90']:.1f} s | {r['salvaged']} | {r['repaired']} |")
    lines += [misses_line(f"{r['model']} {r['mode']}", r["misses"], 10) for r in results]
    return "\n".join(lines) + "\n"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_model_arguments(parser, threads=1)
    parser.add_argument("--paths", default=",".join(PATHS))
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    results = [await bench_path(path, name, mode, args.limit, args.threads)
               for name, path in assembled_models(args.models_dir, args.models)
               for mode in args.paths.split(",")]
    if not results:
        return
    text = report(results, (load_start, os.getloadavg()[0]), args.threads)
    print(text)
    if not args.no_write:
        append_results(text)


if __name__ == "__main__":
    asyncio.run(main())
