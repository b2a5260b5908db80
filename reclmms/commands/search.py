"""`reclmms search`: not implemented yet."""

from __future__ import annotations

import argparse

from reclmms.errors import ReclmmsError
from reclmms.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("search", help="(not implemented yet)")
    parser.set_defaults(func=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    raise ReclmmsError("'search' is not implemented yet")
