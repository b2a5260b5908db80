"""`reclmms serve`: run the Telegram bot (long polling by default, or a webhook). It starts while a Chroma
server (``[chroma] mode = "http"``) is down or the index is empty, with one warning line (``bot.warmup``)."""

from __future__ import annotations

import argparse

from reclmms.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "serve",
        help="run the Telegram bot",
        description="Run the Telegram bot. The token comes from RECLMMS_TELEGRAM_TOKEN; "
        "[telegram] in config.toml sets the mode, webhook URL/port and admin_ids. A Chroma server that is down "
        "does not stop it: the log says so once, search turns answer that search is unavailable, and search "
        "comes back with the server.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--polling", dest="mode", action="store_const", const="polling", help="long polling (default)")
    mode.add_argument(
        "--webhook",
        dest="mode",
        action="store_const",
        const="webhook",
        help="webhook on [telegram] webhook_listen:webhook_port for webhook_url, an https:// URL on port "
        "443, 80, 88 or 8443 as Telegram requires (secret token from RECLMMS_TELEGRAM_WEBHOOK_SECRET: "
        "1-256 of A-Z, a-z, 0-9, _ and -)",
    )
    parser.set_defaults(func=run, mode=None)


def run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.application import serve

    serve(settings, args.mode)
    return 0
