"""`reclmms chat`: the shopping assistant in the terminal.

Product lines print as soon as retrieval finishes; the reply streams after them.
Commands: /photo PATH [caption], /reset, /customer [ID|none], /help, /quit. Each turn (and /reset)
holds the session's lock (``reclmms.session_lock``), shared with ``reclmms ask --session``.
A session remembers the customer last linked to it, by ``--customer`` or ``/customer ID``, across runs
and ``/reset`` (``reclmms.session_customers``, as for ``ask --session``); ``/customer none`` unlinks it.
A chat that continues a conversation with earlier turns says so in its first lines.
A Chroma server is reached on the first search, as in ``reclmms ask``: the chat starts while it is down,
and a search of an empty index prints the operator's hint on stderr once. Ctrl-C at the prompt ends the chat at
once ("interrupted", exit code 130), the end of the input (Ctrl-D) with exit code 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shlex
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from reclmms.commands._output import shown
from reclmms.errors import BadQueryError, NotFoundError, SessionBusyError
from reclmms.settings import Settings

COMMANDS = (
    "  /photo PATH [caption]  find look-alikes of a photo\n"
    "  /customer ID           link a customer id (history, personal picks); the session remembers it\n"
    "  /customer              show the linked customer\n"
    "  /customer none         unlink the customer\n"
    "  /reset                 forget this conversation (the linked customer stays)\n"
    "  /help                  this list\n"
    "  /quit                  leave"
)
HELP = f"Type what you are looking for, in any language. Commands:\n{COMMANDS}"
UNLINK = ("none", "-")  # /customer none (or -): unlink


def _path_words(words: list[str]) -> int:
    """How many of ``/photo``'s words make its path: the most that name an existing file
    ("/photo my look.jpg in blue" without quotes), else one."""
    for n in range(len(words), 1, -1):
        if os.path.isfile(os.path.expanduser(" ".join(words[:n]))):
            return n
    return 1


def _words(line: str) -> list[str]:
    """A command line's words: shell-like quoting (``/photo "my look.jpg"``); an apostrophe inside a word
    (``/customer O'Brien``, ``/photo it's me.jpg``) is only a letter, and a quote left open leaves plain words."""
    for quotes in ("'\"", '"'):
        lexer = shlex.shlex(line, posix=True)
        lexer.whitespace_split, lexer.quotes, lexer.commenters = True, quotes, ""
        with contextlib.suppress(ValueError):  # "No closing quotation"
            return list(lexer)
    return line.split()


async def _read_line(prompt: str) -> str:
    """``input(prompt)`` in a daemon thread, so that Ctrl-C at the prompt ends the chat at once (a thread of
    asyncio's pool would be waited for, until Enter). EOFError at the end of the input, as ``input``'s."""
    loop = asyncio.get_running_loop()
    line: asyncio.Future[str] = loop.create_future()

    def settle(text: str | None, error: Exception | None) -> None:
        if line.done():
            return
        if error is not None:
            line.set_exception(error)
        else:
            line.set_result(text or "")

    def read(stdin: object) -> None:
        # ``stdin`` keeps sys.stdin alive while this thread is blocked in it: at exit, Python would otherwise
        # close the stream under its lock and abort ("could not acquire lock ... possibly due to daemon threads")
        text, error = None, None
        try:
            text = input(prompt)
        except Exception as exc:
            error = exc
        with contextlib.suppress(RuntimeError):  # the chat ended (the loop is closed) while a line came
            loop.call_soon_threadsafe(settle, text, error)

    threading.Thread(target=read, args=(sys.stdin,), name="chat-input", daemon=True).start()
    return await line


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "chat", help="chat with the shopping assistant in the terminal",
        description="Chat with the shopping assistant in the terminal: type what you are looking for,\n"
        "in any language, or one of the commands below.",
        epilog=f"commands in the chat:\n{COMMANDS}", formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--session", metavar="ID", default="terminal", help="conversation id (default: terminal)")
    parser.add_argument("--customer", metavar="ID", help="the linked customer id")
    parser.add_argument("--backend", choices=["scripted"], help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


async def _turn(agent, session, text: str, photo: bytes | None) -> None:  # type: ignore[no-untyped-def]
    from agent.render import product_lines
    from agent.text_input import check_length
    from agent.turn import ProductsReady, ReplyDelta, TurnDone

    try:
        check_length(text)
    except BadQueryError as exc:  # one line, and the chat goes on
        print(f"error: {shown(exc)}")
        return
    async for event in agent.stream(session, text, photo):
        if isinstance(event, ProductsReady):
            for line in product_lines(event.products, event.language):
                print(line)
            if event.products:
                print()
        elif isinstance(event, ReplyDelta):
            sys.stdout.write(event.text)
            sys.stdout.flush()
        elif isinstance(event, TurnDone):
            print()
            if event.result.note:
                print(event.result.note)


async def _locked(settings: Settings, session_id: str, work: Callable[..., Awaitable[None]], *args: Any) -> bool:
    """Run ``work(*args)`` holding the session's lock; a session busy in another process is a message."""
    from reclmms.commands.ask import turn_wait_s
    from reclmms.session_lock import session_turn

    try:
        async with session_turn(settings.data_dir, session_id, wait_s=turn_wait_s(settings)):
            await work(*args)
    except SessionBusyError as exc:
        print(f"error: {shown(exc)}")
        return False
    return True


async def _linked(settings: Settings, session_id: str, customer_id: str | None) -> bool:
    """Remember ``customer_id`` (None: none) for the session, holding its lock; False when it is busy."""
    from reclmms.session_customers import remember

    async def write() -> None:
        remember(settings.data_dir, session_id, customer_id)

    return await _locked(settings, session_id, write)


def _customer_line(customer_id: str | None) -> str:
    return f"Customer: {customer_id}" if customer_id else "Customer: (none; /customer ID links one)"


async def _earlier_turns(agent, session_id: str) -> int:  # type: ignore[no-untyped-def]
    """How many turns the session's kept conversation has had (0 for a new or forgotten one)."""
    state = await agent.graph.aget_state({"configurable": {"thread_id": session_id}})
    return int((state.values or {}).get("turns") or 0)


async def _customer_command(settings: Settings, catalog: Any, session: Any, rest: list[str]) -> Any:
    """``/customer``: show the linked customer; ``/customer ID`` link one; ``/customer none`` unlink. The session."""
    from agent.turn import Session
    from reclmms.commands.ask import check_customer

    if not rest:
        print(_customer_line(session.customer_id))
        return session
    try:
        customer = None if rest[0].lower() in UNLINK else await check_customer(catalog, rest[0])
    except NotFoundError as exc:
        print(f"error: {shown(exc)}")
        return session
    if not await _linked(settings, session.session_id, customer):
        return session
    print(_customer_line(customer))
    return Session(session.session_id, customer, session.language, session.channel)


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from agent.turn import Session
    from reclmms.app import open_services
    from reclmms.cli import require_catalog, require_store
    from reclmms.commands import ask
    from reclmms.commands.ask import RESET_DONE, backend_override, check_customer
    from reclmms.commands.search import read_photo
    from reclmms.session_customers import remembered

    if not args.session.strip():
        raise BadQueryError("--session must not be empty (leave it out for the default, terminal)")
    require_store(settings)
    backend = backend_override(settings, args.backend)
    async with open_services(settings, backend=backend, search_at_start=ask.search_at_start(settings)) as services:
        await require_catalog(settings, services.catalog)
        given = await check_customer(services.catalog, args.customer)
        customer: str | None
        if given is not None:
            await _linked(settings, args.session, given)
            customer = given
        else:  # the customer linked to this session before, while the catalog still knows it
            customer = remembered(settings.data_dir, args.session)
            if customer is not None and not await services.catalog.history.customer_exists(customer):
                customer = None
        session = Session(session_id=args.session, customer_id=customer, channel="terminal")
        agent = services.agent
        assert agent is not None
        print(f"RecLMMs chat (model: {agent.backend_name}). /help for commands, /quit to leave.")
        if turns := await _earlier_turns(agent, session.session_id):
            print(f"Continuing conversation '{shown(session.session_id)}' ({turns} earlier turn(s)): "
                  "/reset forgets it, or start another with --session NAME.")
        if customer is not None:
            print(_customer_line(customer))
        warned = False
        while True:
            if not warned and (warning := await ask.index_warning(services.catalog)) is not None:
                print(shown(warning), file=sys.stderr)  # after the turn that searched the empty index
                warned = True
            try:
                line = await _read_line("> ")
            except EOFError:
                print()
                return 0
            line = line.strip()
            if not line:
                continue
            if line.startswith("/"):
                parts = _words(line)
                command, rest = parts[0].lower(), parts[1:]
                if command in ("/quit", "/exit", "/q"):
                    return 0
                if command == "/help":
                    print(HELP)
                elif command == "/reset":  # the conversation only: the linked customer stays
                    if await _locked(settings, session.session_id, agent.reset, session.session_id):
                        print(RESET_DONE)
                elif command == "/customer":
                    session = await _customer_command(settings, services.catalog, session, rest)
                elif command == "/photo":
                    if not rest:
                        print("usage: /photo PATH [caption]")
                        continue
                    taken = _path_words(rest)
                    try:
                        photo = await asyncio.to_thread(read_photo, " ".join(rest[:taken]))
                    except BadQueryError as exc:
                        print(f"error: {shown(exc)}" + (' (a path with spaces can be put in quotes: /photo "my look.jpg")'
                                                 if len(rest) > 1 and "not found" in str(exc) else ""))
                        continue
                    await _locked(settings, session.session_id, _turn, agent, session, " ".join(rest[taken:]), photo)
                else:
                    print(f"unknown command {shown(command)}; /help lists them")
                continue
            await _locked(settings, session.session_id, _turn, agent, session, line, None)
