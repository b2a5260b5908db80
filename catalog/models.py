"""Plain value types shared by the catalog, the agent and the bot."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

# Filter keys accepted by search (CLI --filter k=v, agent tools). Values are matched
# case-insensitively against the catalog's own vocabulary.
FILTER_KEYS = (
    "product_type",
    "colour",
    "index_group",
    "section",
    "garment_group",
    "min_price",
    "max_price",
)


@dataclass(frozen=True, slots=True)
class Article:
    """One product of the shop's catalog. ``article_id`` is a string (H&M: 10 digits)."""

    article_id: str
    name: str
    product_type: str = ""
    product_group: str = ""
    colour: str = ""
    colour_master: str = ""
    graphical_appearance: str = ""
    department: str = ""
    index_group: str = ""
    section: str = ""
    garment_group: str = ""
    description: str = ""
    product_code: str = ""
    price: float | None = None
    image_path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def short(self) -> str:
        """A one-line label: name, colour and type."""
        bits = [self.name]
        if self.colour:
            bits.append(self.colour.lower())
        if self.product_type and self.product_type.lower() not in self.name.lower():
            bits.append(self.product_type.lower())
        return ", ".join(bits)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Hard filters on catalog metadata. ``None`` means "any"."""

    product_type: str | None = None
    colour: str | None = None
    index_group: str | None = None
    section: str | None = None
    garment_group: str | None = None
    min_price: float | None = None
    max_price: float | None = None

    def is_empty(self) -> bool:
        return all(v is None for v in asdict(self).values())

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True, slots=True)
class SearchHit:
    article: Article
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {**self.article.to_dict(), "score": round(float(self.score), 6)}


@dataclass(frozen=True, slots=True)
class Purchase:
    article_id: str
    t_dat: date
    price: float
    channel: int | None = None


@dataclass(frozen=True, slots=True)
class Recommendation:
    article: Article
    score: float
    sources: tuple[str, ...] = field(default_factory=tuple)
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.article.to_dict(),
            "score": round(float(self.score), 6),
            "sources": list(self.sources),
            "reason": self.reason,
        }
