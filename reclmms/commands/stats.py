"""`reclmms stats`: the Telegram bot's usage figures (the same as the admin /stats command).

They count what the bot handled: turns run in the terminal (``reclmms ask``/``chat``) are not
in them, and the text output says so in its first line. With ``--health`` the exit code says whether
the checked components are up (``EXIT_CODES``), for scripts and supervisors.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from reclmms.settings import Settings

HEADER = "Telegram bot statistics (turns in reclmms ask/chat are not counted)"
DOWN_EXIT = 1

EXIT_CODES = f"""exit codes:
  0    printed; with --health, the checked component (the LLM backend) is up
       or still loading
  {DOWN_EXIT}    with --health: printed, and a checked component is down (the output
       says which and why)
  2    error, nothing printed (no catalog, a bad --chart path; with --health,
       a Chroma server that cannot be reached)"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "stats", help="print the Telegram bot's usage figures (users, turns, latency, tools, errors)",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--health", action="store_true", help="also open the LLM backend and report its health (exit code 1 when it is down)")
    parser.add_argument("--chart", metavar="PNG", type=Path, help="write the daily-activity chart to this file")
    parser.set_defaults(func=run)


async def _health(settings: Settings) -> tuple[str, dict[str, Any] | None]:
    from reclmms.app import open_services

    async with open_services(settings) as services:
        agent = services.agent
        assert agent is not None
        try:
            return str(getattr(agent, "backend_name", settings.llm.backend)), await agent.health()
        except Exception as exc:  # noqa: BLE001 - a broken backend is a figure
            return settings.llm.backend, {"ok": False, "error": type(exc).__name__}


def is_down(health: dict[str, Any] | None) -> bool:
    """Whether a checked component is down, by the rule the printed figures use (``bot.stats``: "down")."""
    return health is not None and (health.get("ok") is False or health.get("status") in ("down", "none"))


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.stats import activity_chart, collect_stats, stats_text
    from bot.store import MetricsStore, ensure_bot_schema
    from catalog.db import Database
    from reclmms.cli import require_store
    from reclmms.commands._output import write_file

    require_store(settings)
    backend, health = (await _health(settings)) if args.health else (settings.llm.backend, None)
    async with Database(settings.sqlite_path) as db:
        await ensure_bot_schema(db)
        figures = await collect_stats(MetricsStore(db), backend=backend, health=health)
    if args.chart:
        write_file(args.chart, await activity_chart(figures))  # whole or not at all
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print(HEADER)
        print(stats_text(figures))
    return DOWN_EXIT if is_down(health) else 0
