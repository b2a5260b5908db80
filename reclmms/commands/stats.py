"""`reclmms stats`: the Telegram bot's usage figures (the same as the admin /stats command).

They count what the bot handled: turns run in the terminal (``reclmms ask``/``chat``) are not
in them, and the text output says so in its first line. ``--health`` also checks the LLM backend and the
search index (``catalog.search_health``, as ``/stats`` shows it), and the exit code says whether both are ok
(``EXIT_CODES``), for scripts and supervisors. Without ``--health`` neither is opened: the figures come
from the bot's database alone, so they print while a Chroma server is down.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from reclmms.settings import Settings

HEADER = "Telegram bot statistics (turns in reclmms ask/chat are not counted)"
DOWN_EXIT = 1

EXIT_CODES = f"""exit codes:
  0    printed; with --health, the checked components are ok: the LLM backend
       is up (or still loading) and the search index answers and holds
       article vectors
  {DOWN_EXIT}    with --health: printed, and a checked component is not ok: the LLM
       backend is down, or the search index is down (a Chroma server that
       cannot be reached) or empty, or its folder is missing (the output
       says which and why)
  2    error, nothing printed (no catalog, an unreadable store, a bad --chart
       path, a bad invocation)"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "stats", help="print the Telegram bot's usage figures (users, turns, latency, tools, errors)",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument(
        "--health", action="store_true",
        help="also check the LLM backend and the search index (Chroma) and report them (exit code 1 when either is "
             "not ok: down, or an empty index)",
    )
    parser.add_argument("--chart", metavar="PNG", type=Path, help="write the daily-activity chart to this file")
    parser.set_defaults(func=run)


async def _health(settings: Settings) -> tuple[str, dict[str, Any] | None, dict[str, Any]]:
    """The LLM backend's name and health, and the search index's health (``SearchHealth.to_json``).
    The index is opened here, not at start, so a Chroma server that is down is a figure, not an error; an
    embedded index whose folder is not there is reported so and not opened (that would make it anew). The
    conversations' store is checked read only (a damaged one is an error, as for the other commands) and never
    created: a store where nobody has chatted yet has none, and that is fine."""
    from catalog.search_health import check_search
    from reclmms.app import open_services

    # the backend is asked how it is, not loaded (an embedded model would take a GB and many seconds)
    async with open_services(settings, search_at_start=False, start_backend=False, conversations=False) as services:
        agent = services.agent
        assert agent is not None

        async def llm() -> tuple[str, dict[str, Any] | None]:
            try:
                return str(getattr(agent, "backend_name", settings.llm.backend)), await agent.health()
            except Exception as exc:  # noqa: BLE001 - a broken backend is a figure
                return settings.llm.backend, {"ok": False, "error": type(exc).__name__}

        (backend, health), search = await asyncio.gather(llm(), check_search(services.catalog))
        return backend, health, search.to_json()


def is_down(health: dict[str, Any] | None) -> bool:
    """Whether a checked component is down, by the rule the printed figures use (``bot.stats``: "down")."""
    return health is not None and (health.get("ok") is False or health.get("status") in ("down", "none"))


def search_not_ok(search: dict[str, Any] | None) -> bool:
    """Whether the search index was checked and cannot serve ("down", "empty", "missing"..., ``SearchHealth.ok``)."""
    return search is not None and search.get("status") not in ("ok", "unknown")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.stats import activity_chart, collect_stats, stats_text
    from bot.store import MetricsStore, ensure_bot_schema
    from catalog.db import Database
    from reclmms.cli import require_store
    from reclmms.commands._output import write_file

    require_store(settings)
    backend, health, search = (await _health(settings)) if args.health else (settings.llm.backend, None, None)
    async with Database(settings.sqlite_path) as db:
        await ensure_bot_schema(db)
        figures = await collect_stats(MetricsStore(db), backend=backend, health=health, search=search)
    if args.chart:
        write_file(args.chart, await activity_chart(figures))  # whole or not at all
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print(HEADER)
        print(stats_text(figures))
    return DOWN_EXIT if is_down(health) or search_not_ok(search) else 0
