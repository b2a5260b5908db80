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

The first SIGINT, SIGTERM or SIGHUP stops the bot gently (answers under way are finished); from
then on a second one has its default action and ends the process at once. SIGHUP (the terminal
closed) is left alone when it is ignored, as under ``nohup``. A stop while the Bot API cannot be
reached says in one warning line that the last updates fetched could not be confirmed (PTB's
updater logs a traceback for it; ``_OneLine`` makes it one line).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Iterator

from telegram.error import BadRequest, InvalidToken, NetworkError

from bot.retrying import is_transient

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
RETRY_LOOP_LOGGER = "telegram.ext"  # the logger PTB's retry loop writes to
UPDATER_LOGGER = "telegram.ext.Updater"  # and its updater, on its way out
CONFIRMING = "_get_updates_cleanup"  # the updater's function that makes its last getUpdates
SETTING_WEBHOOK = "(Bootstrap Set Webhook)"  # the retry loop of the updater's setWebhook, as it logs it


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


class Stopper:
    """``request()`` asks for a stop, ``fail(error, method)`` stops because the Bot API refused the
    token when ``method`` was called; ``wait()`` returns once either happened: the error, or
    ``None`` for a requested stop."""

    def __init__(self) -> None:
        self._stop = asyncio.Event()
        self.error: InvalidToken | None = None
        self.method = ""  # the call the token was refused for
        for name, one_line in _FILTERS.items():
            logging.getLogger(name).addFilter(one_line)  # once: the same filters

    def request(self) -> None:
        self._stop.set()

    def fail(self, error: InvalidToken, method: str = "getUpdates") -> None:
        if not self._stop.is_set():
            logger.error("the bot token was rejected (%s answered %s); stopping the bot", method, error.message)
            self.error, self.method = error, method
        self._stop.set()

    async def wait(self) -> InvalidToken | None:
        await self._stop.wait()
        return self.error


@contextlib.contextmanager
def stop_signals(on_stop: Callable[[], None]) -> Iterator[None]:
    """Within the running event loop: the first stop signal calls ``on_stop``; a second one then
    ends the process at once (the signal's default action). An ignored signal stays ignored."""
    loop = asyncio.get_running_loop()
    saved = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS if signal.getsignal(sig) is not signal.SIG_IGN}
    installed: list[signal.Signals] = []

    def first(sig: signal.Signals) -> None:
        logger.info("%s: stopping (send it again to stop at once)", sig.name)
        for each in installed:
            loop.remove_signal_handler(each)
            signal.signal(each, signal.SIG_DFL)
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
