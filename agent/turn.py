"""The types of one conversational turn, shared by the agent, the bot and the CLI.

``ShoppingService.stream(session, text, photo)`` yields, in order:

1. ``ProductsReady``  as soon as retrieval finishes (before any LLM prose);
2. zero or more ``ReplyDelta`` chunks of grounded prose;
3. exactly one ``TurnDone`` with the final ``TurnResult``.

``ShoppingService.ask(...)`` runs the same path and returns the ``TurnResult``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog.models import Article

# Where a session talks from: replies that explain how to do something (link an account) say it the
# way that channel does it. Any other value (or None) gets wording that fits every channel.
CHANNELS = ("telegram", "telegram_group", "terminal")


@dataclass(frozen=True, slots=True)
class Session:
    """Who is talking. ``customer_id`` comes from account linking, never from the model."""

    session_id: str
    customer_id: str | None = None
    language: str | None = None  # a hint, e.g. Telegram's language_code
    channel: str | None = None  # one of ``CHANNELS``: "telegram" (a private chat), "telegram_group", "terminal"
    about: str | None = None  # the article id of a product card the message answers (a Telegram reply to it)


@dataclass(slots=True)
class TurnResult:
    reply: str
    language: str
    products: list[Article] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    ungrounded_dropped: int = 0
    intent: str = ""
    note: str | None = None  # e.g. "the language model is unavailable; showing search results"
    llm_seconds: float = 0.0
    retrieval_seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "reply": self.reply,
            "language": self.language,
            "products": [p.to_dict() for p in self.products],
            "tool_calls": self.tool_calls,
            "ungrounded_dropped": self.ungrounded_dropped,
            "intent": self.intent,
            "note": self.note,
        }


@dataclass(slots=True)
class FailedTurn(TurnResult):
    """The result of a turn that failed inside the graph, a fault of the program (logged with its traceback):
    ``reply`` is the shopper's apology, ``error`` what failed ("RuntimeError: boom") and ``error_type`` its kind
    ("RuntimeError"), for the operator."""

    error: str = ""
    error_type: str = ""


@dataclass(frozen=True, slots=True)
class ProductsReady:
    products: list[Article]
    tool_calls: list[dict[str, Any]]
    language: str


@dataclass(frozen=True, slots=True)
class ReplyDelta:
    text: str


@dataclass(frozen=True, slots=True)
class TurnDone:
    result: TurnResult


TurnEvent = ProductsReady | ReplyDelta | TurnDone
