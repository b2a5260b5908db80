"""Pick the embedded chat model by measurement: speed and JSON-intent quality.

Runs each assembled GGUF model (``reclmms model pull NAME`` first) through the embedded
backend with the agent's own intent prompt and schema on a small, hand-written set of
shopper requests (English, Chinese, Spanish, German; none drawn from the data, let alone
the evaluation week), and measures:

- JSON validity (the object validates against the intent schema),
- intent accuracy, and slot accuracy (colour named / price given, no invented prices),
- latency per call (median, p90), and streaming speed in chunks (about tokens) per second.

Usage: .venv/bin/python bench/llm_models.py [--models-dir DIR] [--models a,b] [--limit N]
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

from jsonschema import Draft202012Validator  # noqa: E402

from agent.intents import INTENTS  # noqa: E402
from agent.llm import gguf_models  # noqa: E402
from agent.llm.embedded import EmbeddedBackend  # noqa: E402
from agent.prompts import render  # noqa: E402

# The intent object the router asked the model for before it picked tools (bench/tool_calls.py).
INTENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "intent": {"type": "string", "enum": list(INTENTS)},
        "query": {"type": "string", "maxLength": 80},
        "colour": {"type": ["string", "null"]},
        "product_type": {"type": ["string", "null"]},
        "index_group": {"type": ["string", "null"]},
        "max_price": {"type": ["number", "null"]},
        "min_price": {"type": ["number", "null"]},
    },
    "required": ["intent"],
}

SHOWN = (
    "1. Slim jeans (Black Trousers)\n2. Linen shirt (White Shirt)\n3. Wrap dress (Dark Red Dress)"
)
# (message, has shown products, expected intent, expected colour or None, expected max_price or None)
REQUESTS: list[tuple[str, bool, str, str | None, float | None]] = [
    ("I need a warm winter coat", False, "search", None, None),
    ("show me red dresses under 30", False, "search", "red", 30.0),
    ("do you have white sneakers?", False, "search", "white", None),
    ("hello!", False, "greeting", None, None),
    ("thanks, that's perfect", True, "thanks", None, None),
    ("what did I order last time?", False, "history", None, None),
    ("suggest something for me based on my style", False, "recommend", None, None),
    ("more like the second one", True, "similar", None, None),
    ("cheaper ones please", True, "refine", None, None),
    ("tell me more about the third one", True, "details", None, None),
    ("what can you do?", False, "help", None, None),
    ("我想买一件黑色的毛衣", False, "search", "black", None),
    ("有没有便宜一点的？", True, "refine", None, None),
    ("busco unos vaqueros azules de menos de 40 euros", False, "search", "blue", 40.0),
    ("Ich suche ein grünes Sommerkleid", False, "search", "green", None),
    ("the first one but in blue", True, "refine", "blue", None),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def colour_ok(got: Any, want: str | None) -> bool:
    if want is None:
        return got in (None, "", "null")
    return isinstance(got, str) and want in got.lower()


def price_ok(got: Any, want: float | None) -> bool:
    if want is None:
        return got in (None, 0)
    return isinstance(got, int | float) and abs(float(got) - want) < 0.5


async def bench_model(path: Path, name: str, limit: int, threads: int) -> dict[str, Any]:
    backend = EmbeddedBackend(path, model_name=name, threads=threads, timeout_s=120, temperature=0.0)
    validator = Draft202012Validator(INTENT_SCHEMA)
    started = time.monotonic()
    await backend.start(timeout_s=300)
    load_s = time.monotonic() - started
    rows = []
    try:
        warm = [{"role": "user", "content": render("intent", shown="(none)", text="hi")}]
        await backend.complete_json(warm, INTENT_SCHEMA, max_tokens=96)
        for text, has_shown, intent, colour, price in REQUESTS[:limit]:
            messages = [{"role": "user", "content": render("intent", shown=SHOWN if has_shown else "(none)", text=text)}]
            t0 = time.monotonic()
            try:
                out: dict[str, Any] | None = await backend.complete_json(messages, INTENT_SCHEMA, max_tokens=96)
            except Exception as exc:  # noqa: BLE001 - a failure is a figure
                out, error = None, type(exc).__name__
            else:
                error = ""
            seconds = time.monotonic() - t0
            valid = out is not None and not list(validator.iter_errors(out))
            rows.append({
                "text": text, "seconds": seconds, "valid": valid, "error": error,
                "intent_ok": bool(out) and out.get("intent") == intent,
                "colour_ok": bool(out) and colour_ok(out.get("colour"), colour),
                "price_ok": bool(out) and price_ok(out.get("max_price"), price),
                "got": out,
            })
            print(f"  {name}: {seconds:5.1f}s {'ok ' if rows[-1]['intent_ok'] else 'BAD'} {text!r} -> {out}", flush=True)
        prompt = [{"role": "user", "content": "Describe a casual summer outfit in three sentences."}]
        t0 = time.monotonic()
        first = None
        chunks = 0
        async for _ in backend.stream_text(prompt, max_tokens=96, timeout_s=120):
            chunks += 1
            if first is None:
                first = time.monotonic() - t0
        gen_s = time.monotonic() - t0 - (first or 0)
    finally:
        await backend.aclose()
    n = len(rows)
    latencies = [r["seconds"] for r in rows]
    return {
        "model": name,
        "load_s": load_s,
        "n": n,
        "valid": sum(r["valid"] for r in rows) / n,
        "intent": sum(r["intent_ok"] for r in rows) / n,
        "colour": sum(r["colour_ok"] for r in rows) / n,
        "price": sum(r["price_ok"] for r in rows) / n,
        "p50": statistics.median(latencies),
        "p90": percentile(latencies, 0.9),
        "stream_tps": (chunks - 1) / gen_s if gen_s > 0 and chunks > 1 else 0.0,
        "first_chunk_s": first or 0.0,
        "misses": [(r["text"], (r["got"] or {}).get("intent")) for r in rows if not r["intent_ok"]],
    }


def report(results: list[dict[str, Any]], load_before: tuple[float, float, float], threads: int) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## bench/llm_models.py — {stamp}, {platform.machine()}, {os.cpu_count()} cores "
        f"(load average at start {load_before[0]:.1f}), llama.cpp threads = {threads}",
        "",
        f"Agent intent prompt + schema (`prompts/intent.md`, `INTENT_SCHEMA`) on {results[0]['n']} "
        "hand-written shopper requests (en/zh/es/de), `response_format` JSON schema through xllamacpp, temperature 0.",
        "",
        "| model | load | JSON valid | intent right | colour slot right | price slot right | latency p50 / p90 | stream speed | first chunk |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['model']} | {r['load_s']:.1f} s | {r['valid']:.0%} | {r['intent']:.0%} | {r['colour']:.0%} | "
            f"{r['price']:.0%} | {r['p50']:.1f} / {r['p90']:.1f} s | {r['stream_tps']:.1f} chunks/s | {r['first_chunk_s']:.1f} s |"
        )
    lines += [misses_line(f"{r['model']} intent", r["misses"], 8) for r in results]
    return "\n".join(lines) + "\n"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_model_arguments(parser, threads=os.cpu_count() or 2)
    args = parser.parse_args()
    load_before = os.getloadavg()
    results = [await bench_model(path, name, args.limit, args.threads)
               for name, path in assembled_models(args.models_dir, args.models)]
    if not results:
        return
    text = report(results, load_before, args.threads)
    print(text)
    if not args.no_write:
        append_results(text)


def add_model_arguments(parser: argparse.ArgumentParser, *, threads: int) -> None:
    """The options the model benches share: which GGUF models, from where, how many requests, threads."""
    parser.add_argument("--models-dir", type=Path, default=gguf_models.user_cache_dir())
    parser.add_argument("--models", default="qwen2.5-coder-0.5b,qwen2.5-coder-1.5b")
    parser.add_argument("--limit", type=int, default=len(REQUESTS))
    parser.add_argument("--threads", type=int, default=threads,
                        help="llama.cpp threads (1 is faster when other jobs hold the cores)")
    parser.add_argument("--no-write", action="store_true", help="print only")


def assembled_models(models_dir: Path, names: str) -> list[tuple[str, Path]]:
    """(name, file) of each comma-separated model that is assembled in ``models_dir``; the rest are named and skipped."""
    found = []
    for name in names.split(","):
        model = gguf_models.get_model(name)
        if gguf_models.is_assembled(models_dir, model):
            found.append((name, gguf_models.model_file(models_dir, model)))
        else:
            print(f"skipping {name}: not in {models_dir} (reclmms model pull {name})")
    return found


def misses_line(label: str, misses: list[tuple[str, Any]], most: int) -> str:
    """The requests a model got wrong (text → what it gave), for the report."""
    listed = "; ".join(f"{t!r}→{g}" for t, g in misses[:most])
    return f"\n{label} misses: {listed or 'none'}"


def append_results(text: str) -> None:
    with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as fh:
        fh.write("\n" + text)


if __name__ == "__main__":
    asyncio.run(main())
