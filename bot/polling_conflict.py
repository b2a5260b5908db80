"""Telegram's 409 Conflict on ``getUpdates``, told once.

Telegram lets one ``getUpdates`` of a bot run at a time: while another process polls with the same token
(another ``reclmms serve`` on another machine or data dir, a test script), each poll ends the other's with
"409 Conflict: terminated by other getUpdates request", and each message goes to whichever of them polls at
the time. While a webhook is set for the bot (another process serving it by webhook), every poll is
refused with a 409 too, and this process gets no message at all. python-telegram-bot retries the poll
after a growing pause; it used to log one warning per retry, for as long as it lasted.

``ConflictNotice`` tells it once, in words that say what is going on and what to do: again only after it
was over (no conflict for ``quiet_s``, said in one line) and came back, or, while it lasts, once every
``remind_s`` with the count of refused polls since.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

QUIET_S = 120.0  # no conflict for this long: it is over (two pollers run into each other every few seconds)
REMIND_S = 600.0  # while it lasts, a reminder this often at most


def conflict_warning(description: str) -> str:
    """The operator's line for a 409 answer to ``getUpdates`` whose description (Telegram's) is ``description``."""
    if "webhook" in description.lower():
        return (f"getUpdates refused: a webhook is set for this bot (Telegram: {description}), so Telegram sends "
                "its messages there and none to this process: stop the process serving it by webhook, or serve "
                "this one with --webhook instead (it retries meanwhile)")
    return (f"getUpdates refused: another process is polling Telegram with this bot token (Telegram: {description}), "
            "so each message goes to only one of them: stop the other one (another `reclmms serve` of this bot "
            "elsewhere, or any other program using the token), or give each its own bot token from @BotFather "
            "(it retries meanwhile)")


class ConflictNotice:
    """What the ``getUpdates`` answers say of a conflict: ``conflict(description)`` for a 409,
    ``polled()`` for an answer that is not one."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, quiet_s: float = QUIET_S,
                 remind_s: float = REMIND_S) -> None:
        self.clock = clock
        self.quiet_s = quiet_s
        self.remind_s = remind_s
        self.active = False
        self.last_at = 0.0  # the last 409
        self.told_at = 0.0  # the last warning
        self.since_told = 0  # 409s since the last warning

    def conflict(self, description: str) -> None:
        now = self.clock()
        if self.active and now - self.last_at >= self.quiet_s:  # over for a while, with no poll to say so
            self.active = False
        self.last_at = now
        if not self.active:
            self.active, self.told_at, self.since_told = True, now, 0
            logger.warning("%s", conflict_warning(description))
            return
        self.since_told += 1
        if now - self.told_at >= self.remind_s:
            logger.warning("%s; %d more polls refused in the last %.0f min", conflict_warning(description),
                           self.since_told, (now - self.told_at) / 60)
            self.told_at, self.since_told = now, 0

    def polled(self) -> None:
        if self.active and self.clock() - self.last_at >= self.quiet_s:
            self.active = False
            logger.info("getUpdates: no conflict for %.0f s: this process polls alone again", self.quiet_s)
