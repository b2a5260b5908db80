"""`reclmms ask "TEXT"`: one turn of the shopping assistant, as text or JSON.

``--session ID`` continues a conversation across invocations (the checkpointer keeps it);
without it each call is a fresh conversation that is forgotten afterwards. ``--reset`` (or the
text ``/reset``) forgets the session's conversation first, as ``/reset`` does in ``reclmms chat``.
A named session's turn holds its lock (``reclmms.session_lock``), so two processes on one
session take turns instead of losing one. A session remembers the ``--customer`` it was last
given (``reclmms.session_customers``).

A Chroma server (``[chroma] mode = "http"``) is reached on the first search, so turns that do not search
(purchase history, recommendations) answer while it is down; the embedded index opens at start, as for
the other commands that read the store (one line, e.g. on a full disk). A search turn that cannot reach
the server answers "Product search is unavailable right now" and exits ``SEARCH_UNAVAILABLE_EXIT``; a search
on an empty index answers as usual and stderr tells the operator how to build the index.
A turn that fails (a store file found damaged in the middle of it, a fault of the program) answers nothing,
with ``--json`` or without: ``error: ...`` on stderr, exit code 2.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import uuid
from typing import TYPE_CHECKING

from agent.text_input import check_length, is_blank
from reclmms.commands._output import shown
from reclmms.errors import BadQueryError, NotFoundError, TurnError
from reclmms.settings import Settings

if TYPE_CHECKING:
    from agent.turn import TurnResult
    from catalog.service import CatalogService


# The turn answered (stdout as usual), but it needed product search and the search index could not be reached.
SEARCH_UNAVAILABLE_EXIT = 1

EXIT_CODES = f"""exit codes:
  0    answered; also a purchase-history or recommendation turn while the search
       index is down, and a search of an empty index (stderr says how to build it)
  {SEARCH_UNAVAILABLE_EXIT}    answered, but the request needed the catalog and its search index (a
       Chroma server) could not be reached, or the look-up failed or ran out of
       its time: the reply says so and stderr says why; try again later
  2    error, nothing answered (bad input, unknown customer, no catalog, a store
       file that is damaged, a turn that failed): stderr says why, and stdout
       (or --json's object) is empty
  130  interrupted (Ctrl-C)"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "ask", help="ask the shopping assistant one question", epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("text", nargs="?", default="", help="the request, in any language")
    parser.add_argument("--photo", metavar="FILE", help="a photo to find look-alikes of")
    parser.add_argument("--session", metavar="ID", help="continue this conversation (kept across invocations)")
    parser.add_argument("--customer", metavar="ID", help="the linked customer id (for history and personal picks)")
    parser.add_argument(
        "--reset", action="store_true",
        help="forget the --session conversation first (then answer TEXT, if given); the text /reset does the same",
    )
    parser.add_argument("--json", action="store_true", help="print the turn as JSON")
    parser.add_argument("--backend", choices=["scripted"], help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


async def check_customer(catalog: CatalogService, customer_id: str | None) -> str | None:
    """The customer id, stripped, when the catalog knows it (None for none); NotFoundError otherwise."""
    if customer_id is None:
        return None
    customer_id = customer_id.strip()
    if not customer_id or not await catalog.history.customer_exists(customer_id):
        raise NotFoundError(f"unknown customer: {customer_id!r}")
    return customer_id


def backend_override(settings: Settings, name: str | None):  # type: ignore[no-untyped-def]
    """An injected backend for ``--backend scripted`` (demos without a model), else None."""
    if name == "scripted" or settings.llm.backend == "scripted":
        from agent.llm.scripted import ScriptedBackend, minimal_json

        return ScriptedBackend(json_rule=minimal_json)
    return None


RESET_DONE = "Conversation forgotten."
RESET_COMMAND = "/reset"


def turn_wait_s(settings: Settings) -> float:
    """How long a turn waits for another process's turn of the same session: about one turn."""
    return float(settings.agent.turn_timeout_s) + 5.0


def search_at_start(settings: Settings) -> bool:
    """Whether ask/chat open the search index at start: the embedded one, yes (a store that cannot open it
    stops with one line, like the other reading commands); a Chroma server, on the first search instead."""
    return settings.chroma.mode != "http"


def search_was_unavailable(result: TurnResult) -> bool:
    """Whether the turn needed the catalog and it could not be reached, failed or did not answer in time."""
    return any(call.get("kind") in ("unavailable", "failed") for call in result.tool_calls)


async def index_warning(catalog: CatalogService) -> str | None:
    """The operator's stderr line when a search of this process ran on an empty index, else None."""
    message = await catalog.search.missing_index()
    return None if message is None else f"warning: {message}"


async def _session_customer(settings: Settings, catalog: CatalogService, session_id: str,
                            given: str | None) -> str | None:
    """``given`` (remembered for the session), else the customer remembered for it, while the catalog knows it."""
    from reclmms.session_customers import remember, remembered

    if given is not None:
        remember(settings.data_dir, session_id, given)
        return given
    customer_id = remembered(settings.data_dir, session_id)
    if customer_id is not None and not await catalog.history.customer_exists(customer_id):
        remember(settings.data_dir, session_id, None)  # the customer left the catalog
        return None
    return customer_id


async def _forget(agent, session_id: str, *, failed: bool) -> None:  # type: ignore[no-untyped-def]
    """Forget a conversation of one call. After a turn that failed, a reset that fails too (the same store, or the
    same fault) is not what is reported: the turn's failure is."""
    try:
        await agent.reset(session_id)
    except Exception:
        if not failed:
            raise


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from agent.render import product_lines
    from agent.turn import FailedTurn, Session
    from reclmms.app import open_services
    from reclmms.cli import require_catalog, require_store
    from reclmms.commands.search import read_photo
    from reclmms.session_lock import session_turn

    if args.session is not None and not args.session.strip():
        raise BadQueryError("--session must not be empty (leave it out to ask without keeping the conversation)")
    text = args.text
    reset = args.reset or text.strip() == RESET_COMMAND
    if text.strip() == RESET_COMMAND:
        text = ""
    if reset and not args.session:
        raise BadQueryError("--reset forgets a conversation kept with --session ID: give the --session to forget")
    photo = await asyncio.to_thread(read_photo, args.photo) if args.photo is not None else None
    if is_blank(text) and photo is None and not reset:  # also "\u200b" alone
        raise BadQueryError('say what you are looking for, e.g. reclmms ask "a red summer dress", or pass --photo FILE')
    check_length(text)
    require_store(settings)
    session_id = args.session or f"ask-{uuid.uuid4().hex}"
    backend = backend_override(settings, args.backend)
    async with open_services(settings, backend=backend, search_at_start=search_at_start(settings)) as services:
        await require_catalog(settings, services.catalog)
        customer_id = await check_customer(services.catalog, args.customer)
        agent = services.agent
        assert agent is not None
        one_turn = (
            session_turn(settings.data_dir, session_id, wait_s=turn_wait_s(settings))
            if args.session
            else contextlib.nullcontext()
        )
        result: TurnResult | None = None
        warning: str | None = None
        async with one_turn:
            if args.session:  # the customer given to this conversation before, if none is given now
                customer_id = await _session_customer(settings, services.catalog, args.session, customer_id)
            session = Session(session_id=session_id, customer_id=customer_id, channel="terminal")
            if reset:
                await agent.reset(session_id)
            if not is_blank(text) or photo is not None:
                try:
                    result = await agent.ask(session, text, photo)
                finally:
                    if not args.session:
                        await _forget(agent, session_id, failed=result is None or isinstance(result, FailedTurn))
                warning = await index_warning(services.catalog)
    if isinstance(result, FailedTurn):  # nothing answered, with --json or without: one line, exit code 2
        raise TurnError(f"the turn failed ({result.error}); the log above has its traceback")
    if result is None:
        if args.json:
            print(json.dumps({"session": args.session, "reset": True}, ensure_ascii=False))
        else:
            print(RESET_DONE)
        return 0
    if warning is not None:
        print(shown(warning), file=sys.stderr)
    code = SEARCH_UNAVAILABLE_EXIT if search_was_unavailable(result) else 0
    if args.json:
        data = result.to_json()
        data["session"] = args.session
        if reset:
            data["reset"] = True
        json.dump(data, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return code
    for line in product_lines(result.products, result.language):
        print(line)
    if result.products:
        print()
    print(result.reply)
    if result.note:
        print(result.note)
    return code
