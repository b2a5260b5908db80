"""The ``reclmms`` command line. Each subcommand lives in ``reclmms/commands/<name>.py``."""

from __future__ import annotations

import argparse
import asyncio
import inspect
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, cast

from reclmms.commands._output import discard_stdout, guard_stdout, shown
from reclmms.errors import DataError, OutputError, ReclmmsError
from reclmms.settings import Settings, load_settings

if TYPE_CHECKING:
    from catalog.service import CatalogService

# Interactive and scripting commands keep stderr quiet (warnings only) unless --verbose;
# operator commands (serve, ingest, run) log at [logging] level.
QUIET_COMMANDS = frozenset({"search", "ask", "chat", "recommend", "eval", "stats", "link-code", "model"})

COMMANDS = ("run", "ingest", "search", "ask", "chat", "recommend", "eval", "serve", "stats", "link_code", "model")


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors show what the user typed escaped ("unrecognized arguments: ..."),
    as every message does (``shown``). Subcommands' parsers are of the same class."""

    def error(self, message: str) -> NoReturn:
        super().error(shown(message))


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="reclmms", description="RecLMMs: a conversational fashion shopping assistant.")
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


def _no_catalog(settings: Settings) -> DataError:
    return DataError(f"no catalog in {settings.data_dir} yet: run `reclmms ingest demo|hm|catalog` first")


def require_store(settings: Settings) -> None:
    """For commands that only read, and ``serve``: stop before opening (and so creating) a store that is not
    there, or one that holds no catalog (an ingest that failed before its articles were swapped in)."""
    from catalog.db import has_articles

    if settings.data_dir.exists() and not settings.data_dir.is_dir():
        raise DataError(f"cannot use {settings.data_dir} as the data directory: it is a file, not a folder")
    if not settings.sqlite_path.is_file() or has_articles(settings.sqlite_path) is False:
        raise _no_catalog(settings)


def require_data_folder(path: str) -> None:
    """For ``--data DIR`` (Kaggle-format CSVs): a path that is there but is not a folder says so, rather than
    "not found"."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise DataError(f"--data {path} is not a folder: give the folder that holds articles.csv, customers.csv "
                        "and transactions_train.csv")


async def require_catalog(settings: Settings, catalog: CatalogService) -> None:
    """For commands that only read: the store is open but nothing was ingested into it yet."""
    if await catalog.articles.count() == 0:
        raise _no_catalog(settings)


def _path_error(exc: OSError, args: argparse.Namespace) -> str | None:
    """A one-line message when ``exc`` is about a path the user gave as an argument, else None.

    Only a path given on the command line counts (``--output``, ``--chart``, ``--batch``...):
    an OSError on any other file is a fault of the program and keeps its traceback.
    """
    given = {
        os.path.abspath(os.path.expanduser(value)): str(value)
        for value in vars(args).values()
        if isinstance(value, str | Path) and str(value)
    }
    for name in (exc.filename, exc.filename2):
        if not isinstance(name, str | Path):
            continue
        path = given.get(os.path.abspath(os.path.expanduser(name)))
        if path is None:
            continue
        reason = exc.strerror or type(exc).__name__
        parent = Path(path).expanduser().absolute().parent
        if isinstance(exc, FileNotFoundError) and not parent.is_dir():
            reason = f"the folder {parent} does not exist"
        return f"{path}: {reason}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    stdout = sys.stdout
    sys.stdout = cast(TextIO, guard_stdout(stdout))  # a failed write of any command: one line, exit 2
    try:
        try:
            args = _parse(parser, argv)
        except OutputError as exc:  # --help could not be written
            discard_stdout()
            print(f"error: {shown(exc)}", file=sys.stderr)
            return 2
        return _run(args)
    finally:
        sys.stdout = stdout


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """The arguments. argparse writes --help itself and exits (SystemExit 0), ignoring a failed write:
    its output is flushed here first, so that a full disk under it is ``OutputError`` (a reader that
    went away ends it quietly, as for any command)."""
    try:
        return parser.parse_args(argv)
    except SystemExit as exc:
        if exc.code == 0:
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                discard_stdout()
        raise


def _damaged_store(settings: Settings | None, exc: sqlite3.DatabaseError) -> str | None:
    """One line for a SQLite database of the data dir found damaged in the middle of a command (a page that
    the open did not read), naming the file when a quick check finds it; None when ``exc`` is about no damage."""
    from catalog.db import damaged_error, damaged_store

    if settings is None or damaged_error(settings.sqlite_path, exc) is None:
        return None
    found = damaged_store(settings.sqlite_path, settings.checkpoints_path, exc)
    if found is not None:
        return str(found)
    return (f"a database in {settings.data_dir} is damaged ({exc}): `sqlite3 FILE 'PRAGMA integrity_check'` on "
            f"{settings.sqlite_path.name} and {settings.checkpoints_path.name} says which; restore it from a backup")


def _run(args: argparse.Namespace) -> int:
    settings: Settings | None = None
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
        sys.stdout.flush()  # a full disk under a redirected stdout often shows only here
        return int(result or 0)
    except ReclmmsError as exc:
        if isinstance(exc, OutputError) and exc.stdout:
            discard_stdout()
        print(f"error: {shown(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: asyncio.run cancelled the command and re-raised it here
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of stdout went away (`| head -1`): end quietly, as other tools do
        discard_stdout()
        return 0
    except sqlite3.DatabaseError as exc:
        damaged = _damaged_store(settings, exc)
        if damaged is None:
            raise
        print(f"error: {shown(damaged)}", file=sys.stderr)
        return 2
    except OSError as exc:
        message = _path_error(exc, args)
        if message is None:
            raise
        print(f"error: {shown(message)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
