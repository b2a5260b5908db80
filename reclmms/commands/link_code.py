"""`reclmms link-code CUSTOMER_ID`: a one-time, expiring, signed account-link code and deep link."""

from __future__ import annotations

import argparse
import json
import logging
import re
from datetime import UTC, datetime

from reclmms.errors import BadQueryError
from reclmms.settings import Settings

logger = logging.getLogger(__name__)

# Telegram usernames: 5-32 characters, Latin letters, digits and underscores.
_USERNAME_RE = re.compile(r"[A-Za-z0-9_]{5,32}")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "link-code",
        help="make a one-time link code that connects a shopper's Telegram account to CUSTOMER_ID",
        description="Print a one-time, expiring, signed code and the https://t.me/<bot>?start=<code> "
        "deep link. The shopper opens the link and is linked to CUSTOMER_ID.",
    )
    parser.add_argument("customer_id", metavar="CUSTOMER_ID")
    parser.add_argument(
        "--bot-username",
        metavar="NAME",
        help="the bot's @username for the link (default: asked from Telegram with RECLMMS_TELEGRAM_TOKEN)",
    )
    parser.add_argument("--json", action="store_true", help="print {customer_id, code, expires_at, link}")
    parser.set_defaults(func=run)


async def _bot_username(settings: Settings) -> str | None:
    if settings.secrets.telegram_token is None:
        return None
    from telegram import Bot

    try:
        async with Bot(
            settings.secrets.telegram_token.get_secret_value(),
            base_url=settings.telegram.base_url,
            base_file_url=settings.telegram.base_file_url,
        ) as bot:
            return bot.username
    except Exception as exc:  # noqa: BLE001 - the code is still useful without the link
        logger.warning("could not ask Telegram for the bot's username: %s", type(exc).__name__)
        return None


def check_username(name: str) -> str:
    """A bot's @username as given on the command line (a leading @ is dropped), or BadQueryError."""
    username = name.strip().removeprefix("@")
    if not _USERNAME_RE.fullmatch(username):
        raise BadQueryError(
            f"--bot-username: '{name}' is not a Telegram username (5-32 letters, digits or underscores)"
        )
    return username


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.linking import Linker, load_link_secret
    from bot.store import LinkStore, ensure_bot_schema
    from catalog.db import Database
    from reclmms.cli import require_store

    given_username = check_username(args.bot_username) if args.bot_username is not None else None
    require_store(settings)
    async with Database(settings.sqlite_path) as db:
        await ensure_bot_schema(db)
        linker = Linker(LinkStore(db), load_link_secret(settings), settings.linking.code_ttl_s)
        code = await linker.issue(args.customer_id)
    username = given_username or await _bot_username(settings)
    link = code.deep_link(username) if username else None
    expires = datetime.fromtimestamp(code.expires_at, UTC)
    if args.json:
        expires_at = expires.strftime("%Y-%m-%dT%H:%M:%SZ")
        print(json.dumps({"customer_id": code.customer_id, "code": code.code, "expires_at": expires_at, "link": link}))
        return 0
    print(f"code:    {code.code}")
    print(f"expires: {expires:%Y-%m-%d %H:%M} UTC (one use)")
    if link:
        print(f"link:    {link}")
    else:
        print("link:    (pass --bot-username NAME or set RECLMMS_TELEGRAM_TOKEN to print the t.me link)")
        print(f"         the shopper can also send the bot: /start {code.code}")
    return 0
