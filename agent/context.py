"""The runtime context of one turn: injected into the graph's nodes and the tools.

The catalog, the backend and the session's customer come from here, never from globals
and never from the model. ``TurnRecord`` collects what the turn did (tool calls, products,
timings) for the ``TurnResult``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from catalog.models import Article

if TYPE_CHECKING:
    from agent.language import LanguageDetector
    from agent.llm.base import ChatBackend
    from agent.prompts import Replies
    from agent.vocabulary import VocabularyMapper
    from catalog.service import CatalogService
    from reclmms.settings import Settings


@dataclass
class TurnRecord:
    products: list[Article] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    reply: str = ""
    language: str = "en"
    intent: str = ""
    note: str | None = None
    ungrounded_dropped: int = 0
    llm_seconds: float = 0.0
    retrieval_seconds: float = 0.0
    products_sent: bool = False
    output: Any = None  # the ToolOutput of this turn, if a tool ran
    route: str = ""  # "rules" | "llm" | "default"
    tool_path: str = ""  # how the model chose its tool when route == "llm": "native" | "json"
    speculative: Any = None  # (plan, task): the default search, started while the model decides
    unsold: str = ""  # what the shopper asked for that the shop does not sell ("iPhone")
    absent: str = ""  # a kind of clothing the shopper named that the catalog has none of ("socks")
    requested: dict[str, str] = field(default_factory=dict)  # the colour and product type the message named


@dataclass
class LLMBudget:
    """One turn's allowance for model calls: a deadline, and no more calls after a failure."""

    deadline: float
    failed: bool = False
    reason: str = ""

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def usable(self, minimum: float = 0.3) -> bool:
        return not self.failed and self.remaining() > minimum

    def fail(self, reason: str) -> None:
        self.failed = True
        self.reason = reason


@dataclass
class AgentContext:
    catalog: CatalogService
    backend: ChatBackend | None
    settings: Settings
    vocab: VocabularyMapper
    languages: LanguageDetector
    replies: Replies
    budget: LLMBudget
    customer_id: str | None = None
    photo: bytes | None = None
    language_hint: str | None = None
    channel: str | None = None  # the session's ``agent.turn.CHANNELS`` value, if known
    about: str | None = None  # the article id of a product card the message answers ("more like this one")
    catalog_names: set[str] = field(default_factory=set)
    catalog_words: set[str] = field(default_factory=set)  # lower-case words of the catalog's product names
    llm_rerank: bool = False
    record: TurnRecord = field(default_factory=TurnRecord)

    @property
    def max_products(self) -> int:
        return int(self.settings.agent.max_products)
