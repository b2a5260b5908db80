"""What ends ``reclmms serve``: a stop signal, or a token the Bot API no longer takes, a failure
that will not heal.

python-telegram-bot's updater retries every ``getUpdates`` failure (network errors, 5xx, 429)
except ``InvalidToken`` (a 401, or a 404 for a token the Bot API does not know): on that one its
polling task ends for good while the process stays up, with nobody answered. The same answer to
any other call (the token revoked, or the bot deleted, while an answer is being sent) means that
nothing the bot sends will arrive. ``bot.updates_request.ReadableUpdates`` (for ``getUpdates``)
and ``bot.retrying.RetryingRateLimiter`` (for the other calls) report that error to
``Stopper.fail``, which says it in one line, and ``serve`` stops the bot (exit code 2) so that a
supervisor restarts it or the operator sees it; the turns under way end without tracebacks.

The first SIGINT, SIGTERM or SIGHUP stops the bot gently: answers under way are finished, except
for their messages that were to wait out a 429 (Telegram's ``retry_after`` may be minutes, past a
supervisor's grace): the Stopper cuts those waits short (``bot.flood_limits``), and each turn that
loses a message to it says so in one line. When the stop still waits (an answer being written,
Bot API calls under way) after ``NOTE_AFTER_S``, and then every ``NOTE_EVERY_S``, one line says
what for. A second signal ends the process at once, as that signal's default action does (exit
status 128 + its number: 143 for SIGTERM, 130 for SIGINT), after one warning line that says how
many updates were left unfinished: the messages and button presses among them are kept in
``bot_pending`` (``bot.pending``) and answered after the next start (a message whose turn had
already begun twice gets "please send it again" instead). SIGHUP (the terminal
closed) is left alone when it is ignored, as under ``nohup``. A stop while the Bot API cannot be
reached says in one warning line that the last updates fetched could not be confirmed (PTB's
updater logs a traceback for it; ``_OneLine`` makes it one line).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Protocol

from telegram.error import BadRequest, InvalidToken, NetworkError

from bot.rendering import counted
from bot.retrying import is_transient

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
RETRY_LOOP_LOGGER = "telegram.ext"  # the logger PTB's retry loop writes to
UPDATER_LOGGER = "telegram.ext.Updater"  # and its updater, on its way out
CONFIRMING = "_get_updates_cleanup"  # the updater's function that makes its last getUpdates
SETTING_WEBHOOK = "(Bootstrap Set Webhook)"  # the retry loop of the updater's setWebhook, as it logs it
UPDATE_TASK = ":process_concurrent_update"  # how PTB's application names the task of each update it handles
NOTE_AFTER_S = 2.0  # a stop that takes longer says what it waits for
NOTE_EVERY_S = 10.0  # and says it again while it waits


class _OneLine(logging.Filter):
    """Records PTB logs with a traceback for a Bot API failure that ``serve`` says in one line.

    PTB's retry loop logs the InvalidToken it ends on, and its updater logs another one for the
    last getUpdates it makes on its way out (to confirm the updates it fetched, which a refused
    token cannot). ``Stopper.fail`` says it in one line, so the first record (``on_way_out``
    false) keeps its message and loses the traceback, and the second goes. That last getUpdates
    also fails when the Bot API cannot be reached (an outage, a gateway's 5xx, a timeout): its
    record becomes one warning line, as the failed polls before it are (the updates left
    unconfirmed come again at the next start; the update log, ``bot.store.UpdateLog``, skips
    those already answered). A webhook URL that Telegram refuses (``setWebhook`` answered 400)
    goes too: ``serve`` stops with one line quoting Telegram's reason. Any other failure keeps its
    traceback."""

    def __init__(self, on_way_out: bool) -> None:
        super().__init__()
        self.on_way_out = on_way_out

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, BadRequest) and SETTING_WEBHOOK in record.getMessage():
            return False  # Telegram refused the webhook URL: ``serve`` says why in its one error line
        if isinstance(error, InvalidToken):
            if self.on_way_out:
                return False
        elif self.on_way_out and record.funcName == CONFIRMING and isinstance(error, NetworkError) and is_transient(error):
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
            record.msg = ("could not confirm the last updates to the Bot API while stopping (%s: %s); "
                          "they may be delivered again at the next start")
            record.args = (type(error).__name__, error.message)
        else:
            return True
        record.exc_info = None
        record.exc_text = None
        return True


_FILTERS = {RETRY_LOOP_LOGGER: _OneLine(on_way_out=False), UPDATER_LOGGER: _OneLine(on_way_out=True)}


class Watched(Protocol):
    """What a stop cuts short and asks about: ``bot.retrying.RetryingRateLimiter``."""

    def cut_waits(self) -> None: ...

    def under_way(self) -> list[str]: ...


def updates_under_way(loop: asyncio.AbstractEventLoop | None = None) -> int:
    """Updates that PTB's application is handling now (turns, button presses, commands)."""
    return sum(not task.done() and task.get_name().endswith(UPDATE_TASK) for task in asyncio.all_tasks(loop))


class Stopper:
    """``request()`` asks for a stop, ``fail(error, method)`` stops because the Bot API refused the
    token when ``method`` was called; ``wait()`` returns once either happened: the error, or
    ``None`` for a requested stop. Either one cuts the flood waits of what it ``watch``es short, and
    says what the stop waits for while it does."""

    def __init__(self) -> None:
        self._stop = asyncio.Event()
        self.error: InvalidToken | None = None
        self.method = ""  # the call the token was refused for
        self._watched: list[Watched] = []
        self._note: asyncio.Task[None] | None = None
        for name, one_line in _FILTERS.items():
            logging.getLogger(name).addFilter(one_line)  # once: the same filters

    def watch(self, limiter: Watched) -> None:
        """Cut ``limiter``'s flood waits short at the stop, and list its calls under way in what the stop waits
        for (once, however often it is watched)."""
        if any(limiter is watched for watched in self._watched):
            return
        self._watched.append(limiter)
        if self._stop.is_set():
            limiter.cut_waits()

    def request(self) -> None:
        self._stopping()

    def fail(self, error: InvalidToken, method: str = "getUpdates") -> None:
        if not self._stop.is_set():
            logger.error("the bot token was rejected (%s answered %s); stopping the bot", method, error.message)
            self.error, self.method = error, method
        self._stopping()

    async def wait(self) -> InvalidToken | None:
        await self._stop.wait()
        return self.error

    def _stopping(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        for limiter in self._watched:
            limiter.cut_waits()
        with contextlib.suppress(RuntimeError):  # no running loop: nothing is under way
            self._note = asyncio.get_running_loop().create_task(self._say_what_the_stop_waits_for())

    def waiting_for(self) -> str:
        """What the stop waits for, or "" when nothing: "1 update being answered (Bot API calls under
        way: sendMessage in chat 42)"."""
        updates = updates_under_way()
        calls = [call for limiter in self._watched for call in limiter.under_way()]
        if not updates and not calls:
            return ""
        said = counted(updates, "update") + " being answered" if updates else "Bot API calls under way"
        if calls:
            shown = ", ".join(calls[:5]) + (f" and {len(calls) - 5} more" if len(calls) > 5 else "")
            said += f" (Bot API calls under way: {shown})" if updates else f" ({shown})"
        return said

    async def _say_what_the_stop_waits_for(self) -> None:
        """Once the stop has taken ``NOTE_AFTER_S``, and every ``NOTE_EVERY_S`` after: what it waits for.
        It ends with the event loop (``asyncio.run`` cancels it)."""
        await asyncio.sleep(NOTE_AFTER_S)
        while True:
            if what := self.waiting_for():
                logger.info("stopping: still waiting for %s; a second stop signal ends it at once", what)
            await asyncio.sleep(NOTE_EVERY_S)


@contextlib.contextmanager
def stop_signals(on_stop: Callable[[], None]) -> Iterator[None]:
    """Within the running event loop: the first stop signal calls ``on_stop``; a second one then
    ends the process at once (the signal's default action), after one line saying how many updates
    it leaves unfinished. An ignored signal stays ignored."""
    loop = asyncio.get_running_loop()
    saved = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS if signal.getsignal(sig) is not signal.SIG_IGN}
    installed: list[signal.Signals] = []

    def again(signum: int, frame: FrameType | None) -> None:
        """Run by Python, not by the event loop: it ends the process even when the loop is stuck."""
        for each in installed:
            signal.signal(each, signal.SIG_DFL)  # a third signal ends it even while this line is written
        left = updates_under_way(loop)
        if left:
            logger.warning("%s again: stopping at once, leaving %s unfinished; the messages and button presses "
                           "among them are answered after the next start", signal.Signals(signum).name,
                           counted(left, "update"))
        else:
            logger.warning("%s again: stopping at once", signal.Signals(signum).name)
        os.kill(os.getpid(), signum)  # its default action: the exit status says which signal ended it

    def first(sig: signal.Signals) -> None:
        logger.info("%s: stopping (send it again to stop at once)", sig.name)
        for each in installed:  # the loop's handlers stay registered, so that the signal still wakes the loop
            signal.signal(each, again)
        on_stop()

    with contextlib.suppress(NotImplementedError):  # a loop without signal handlers: Ctrl-C cancels
        for sig in saved:
            loop.add_signal_handler(sig, first, sig)
            installed.append(sig)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
            handler = saved[sig]
            if handler is not None:
                signal.signal(sig, handler)
