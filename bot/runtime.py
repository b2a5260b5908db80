"""What the handlers share while the bot runs: services, stores, per-chat turns, the rate limiter.

One ``BotRuntime`` is built in ``post_init`` and kept in ``application.bot_data``; nothing
here is a module-level singleton.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import Message, Update

from bot.albums import Albums
from bot.linking import Linker
from bot.pending import PendingTurns
from bot.rendering import ButtonSigner
from bot.sending import ProductMedia
from bot.sessions import ChatSessions
from bot.store import LinkStore, MetricsStore, UpdateLog, UserStore
from bot.warmup import WarmUp
from reclmms.settings import Settings

if TYPE_CHECKING:
    from telegram.ext import ContextTypes

    from reclmms.app import Services

T = TypeVar("T")
RUNTIME_KEY = "runtime"


class RateLimiter:
    """A sliding one-minute window per user. Users who have sent nothing for a window (and whose
    "slow down" stretch is over) are forgotten, at most once a window, so it holds only the recent ones."""

    def __init__(self, per_minute: int, window_s: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window_s = window_s
        self._hits: dict[int, deque[float]] = {}
        self._warned_until: dict[int, float] = {}
        self._swept: float | None = None

    def tracked(self) -> int:
        """How many users it keeps anything of."""
        return len(self._hits.keys() | self._warned_until.keys())

    def _forget_idle(self, now: float) -> None:
        if self._swept is not None and now - self._swept < self.window_s:
            return
        self._swept = now
        for user_id in [u for u, hits in self._hits.items() if not hits or now - hits[-1] >= self.window_s]:
            del self._hits[user_id]
        for user_id in [u for u, until in self._warned_until.items() if until <= now]:
            del self._warned_until[user_id]

    def hit(self, user_id: int, now: float | None = None) -> float:
        """Count one request; 0.0 when allowed, else the seconds until the next is allowed."""
        now = time.monotonic() if now is None else now
        self._forget_idle(now)
        hits = self._hits.setdefault(user_id, deque())
        while hits and now - hits[0] >= self.window_s:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return max(0.1, self.window_s - (now - hits[0]))
        hits.append(now)
        return 0.0

    def should_warn(self, user_id: int, wait_s: float, now: float | None = None) -> bool:
        """Warn once per blocked stretch, not on every message."""
        now = time.monotonic() if now is None else now
        if self._warned_until.get(user_id, 0.0) > now:
            return False
        self._warned_until[user_id] = now + wait_s
        return True


@dataclass(eq=False, slots=True)
class Place:
    """A message's place in its chat's line: ``ahead`` others were in line when it joined.

    A ``stoppable`` place is a turn that /cancel may stop (a message's answer, a button's cards): while it
    runs (``ChatTurns.run``), or, first of those in line, before its turn has begun (``stop``). ``key``
    names what it does (a button's data), for ``ChatTurns.holds``."""

    ahead: int
    before: asyncio.Future[None] | None  # done once the place ahead (and all before it) left the line
    stoppable: bool = False
    key: str | None = None
    light: bool = False  # a short refusal: see ``ChatTurns.line``
    stop: bool = False  # /cancel came before its turn began: the turn is stopped as it starts
    task: asyncio.Task[Any] | None = None  # its turn, once it has begun

    async def wait_turn(self) -> None:
        """Until every place that joined the line earlier has left it."""
        if self.before is not None and not self.before.done():
            await asyncio.shield(self.before)  # a waiter cancelled (a stop) leaves the line intact


def _done_after(before: asyncio.Future[None] | None, done: asyncio.Future[None]) -> None:
    """Mark ``done`` once ``before`` is done (at once when it is): a place that leaves the line
    early (cancelled while waiting) never lets the ones behind it overtake the ones ahead of it."""

    def finish(_: object = None) -> None:
        if not done.done():
            done.set_result(None)

    if before is None or before.done():
        finish()
    else:
        before.add_done_callback(finish)


class ChatTurns:
    """One turn at a time per chat, in the order the updates joined the chat's line (not the order
    in which their handlers got round to waiting), so a button pressed after a message gets its
    cards after that message's answer; later messages wait their turn (up to ``max_waiting``).

    A chat's *busy stretch* lasts while anything is in its line; ``notice_once`` lets each kind
    of "please wait" notice go out once per stretch, however many messages arrive."""

    def __init__(self, max_waiting: int = 3) -> None:
        self.max_waiting = max_waiting
        self._last: dict[int, asyncio.Future[None]] = {}  # done when the chat's last place has left the line
        self._places: dict[int, list[Place]] = {}  # in the order they joined
        self._noticed: dict[int, set[str]] = {}

    def waiting(self, chat_id: int) -> int:
        return len(self._places.get(chat_id, ()))

    def busy(self, chat_id: int) -> bool:
        """Something is in the chat's line: a turn running or waiting."""
        return self.waiting(chat_id) > 0

    def holds(self, chat_id: int, key: str) -> bool:
        """A place with ``key`` is in the chat's line (waiting, or running)."""
        return any(p.key == key for p in self._places.get(chat_id, ()))

    @contextlib.asynccontextmanager
    async def line(self, chat_id: int, *, limit: bool = True, light: bool = False, stoppable: bool = False,
                   key: str | None = None) -> AsyncIterator[Place | None]:
        """Join the chat's line (yields None when ``limit`` and ``max_waiting`` already wait).
        The check and the joining happen with no await in between, so a burst cannot slip past
        the limit; join before the handler's first await, so that updates keep their order.
        ``await place.wait_turn()`` then waits for the turn, which lasts until the block ends.
        A ``light`` place (a short refusal, sent as soon as its turn comes) keeps its order but is not
        counted as waiting: neither against ``max_waiting`` nor in the ``ahead`` of those behind it.
        ``stoppable`` and ``key``: see ``Place``."""
        ahead = sum(not p.light for p in self._places.get(chat_id, ()))
        if limit and ahead > self.max_waiting:
            yield None
            return
        places = self._places.setdefault(chat_id, [])
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        before, self._last[chat_id] = self._last.get(chat_id), done
        place = Place(ahead, before, stoppable, key, light)
        places.append(place)
        try:
            yield place
        finally:
            _done_after(before, done)
            places.remove(place)
            if not places:
                self._places.pop(chat_id, None)
                self._last.pop(chat_id, None)
                self._noticed.pop(chat_id, None)

    def notice_once(self, chat_id: int, kind: str) -> bool:
        """True the first time ``kind`` is asked for in the chat's current busy stretch."""
        seen = self._noticed.setdefault(chat_id, set())
        if kind in seen:
            return False
        seen.add(kind)
        return True

    async def run(self, place: Place, work: Awaitable[T]) -> tuple[bool, T | None]:
        """Run ``work`` as ``place``'s turn, which /cancel may stop; (False, None) when it did."""
        task: asyncio.Task[T] = asyncio.ensure_future(work)
        place.task = task
        if place.stop:
            await asyncio.sleep(0)  # the turn starts, so that it is recorded as stopped with /cancel
            task.cancel()
        try:
            await asyncio.wait({task})
        except asyncio.CancelledError:
            task.cancel()
            raise
        if task.cancelled():
            return False, None
        return True, task.result()

    def cancel(self, chat_id: int) -> bool:
        """Stop the first turn in the chat's line, one that /cancel may stop (``stoppable``): the one running,
        or the first one waiting when none runs (it is stopped as it starts). Only a place in line now, so
        never a message sent after the /cancel; False when there is none."""
        place = next((p for p in self._places.get(chat_id, ()) if p.stoppable), None)
        if place is None:
            return False
        if place.task is None:
            place.stop = True
        elif place.task.done():
            return False  # answered already: what is left of its place is quick
        else:
            place.task.cancel()
        return True


@dataclass
class BotRuntime:
    settings: Settings
    services: Services
    users: UserStore
    links: LinkStore
    metrics: MetricsStore
    updates: UpdateLog
    pending: PendingTurns
    linker: Linker
    signer: ButtonSigner
    bot_username: str = ""
    bot_id: int = 0
    turns: ChatTurns = field(default_factory=ChatTurns)
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(20))
    media: ProductMedia = field(default_factory=ProductMedia)  # product photos / uploaded file_ids
    started_at: float = field(default_factory=time.time)
    warmup: WarmUp = field(default_factory=WarmUp)  # models and indexes loading in the background
    background: set[asyncio.Task[Any]] = field(default_factory=set)  # fire-and-forget tasks, kept referenced
    sessions: ChatSessions = field(init=False)  # the agent's session of each chat (a group's upgrade keeps it)
    albums: Albums = field(init=False)  # photos sent together: one turn, for the first of them

    def __post_init__(self) -> None:
        self.sessions = ChatSessions(self.services.db)
        self.albums = Albums(self.services.db)

    async def count_request(self, update: Update) -> None:
        """Count for /stats a request the bot takes on (a message, command, photo or genuine button
        press): its sender as a user, and one message. Updates it does not answer (a block, a
        reaction, a join request, group chatter, a forged button) are never counted."""
        user, chat, msg = update.effective_user, update.effective_chat, update.effective_message
        if user is None or chat is None or user.is_bot:
            return
        await self.metrics.seen_user(user.id, user.username, user.first_name, user.language_code)
        photo = isinstance(msg, Message) and bool(msg.photo)
        kind = "callback" if update.callback_query else "photo" if photo else "message"
        await self.metrics.message(user.id, chat.id, kind)

    @property
    def agent(self) -> Any:
        if self.services.agent is None:
            raise RuntimeError("the shopping agent is not open")
        return self.services.agent


def runtime(context: ContextTypes.DEFAULT_TYPE) -> BotRuntime:
    rt = context.bot_data.get(RUNTIME_KEY)
    if rt is None:
        raise RuntimeError("bot runtime is not initialised (post_init did not run)")
    return rt  # type: ignore[no-any-return]
