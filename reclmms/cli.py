"""The ``reclmms`` command line. Each subcommand lives in ``reclmms/commands/<name>.py``."""

from __future__ import annotations

import argparse
import asyncio
import inspect
import logging
import sys
from collections.abc import Sequence

from reclmms.errors import ReclmmsError
from reclmms.settings import load_settings

# Interactive and scripting commands keep stderr quiet (warnings only) unless --verbose;
# operator commands (serve, ingest, run) log at [logging] level.
QUIET_COMMANDS = frozenset({"search", "ask", "chat", "recommend", "eval", "stats", "link-code", "model"})

COMMANDS = ("run", "ingest", "search", "ask", "chat", "recommend", "eval", "serve", "stats", "link_code", "model")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reclmms", description="RecLMMs: a conversational fashion shopping assistant.")
    parser.add_argument("--config", metavar="PATH", help="config file (default: $RECLMMS_CONFIG or ./config.toml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        module = __import__(f"reclmms.commands.{name}", fromlist=["register"])
        module.register(sub)
    return parser


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "httpcore", "chromadb", "urllib3", "telegram.ext.Updater"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
        level = settings.logging.level
        if args.verbose:
            level = "DEBUG"
        elif args.command in QUIET_COMMANDS and level in ("DEBUG", "INFO"):
            level = "WARNING"
        configure_logging(level)
        result = args.func(settings, args)
        if inspect.iscoroutine(result):
            result = asyncio.run(result)
        return int(result or 0)
    except ReclmmsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
