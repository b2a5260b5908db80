"""Whether product search can serve: the search index (Chroma) answers and holds article vectors.

The bot starts whatever the answer (``bot.application`` opens a Chroma server on the first search,
and every search tries it again): turns that do not search answer meanwhile, and search turns say
that search is unavailable. ``check_search`` is what the bot's warm-up tells the operator at start
(one warning line), what ``/stats`` shows and what ``reclmms stats --health`` reports; an empty index
is told as ``SearchEngine.missing_index`` tells it (``catalog/search.py``). A catalog without a search
engine (the tests' fakes) is ``unknown``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from reclmms.errors import SearchUnavailableError

CHECK_S = 5.0  # how long a check waits for the Chroma server (one that drops packets would hang it)


@dataclass(frozen=True, slots=True)
class SearchHealth:
    status: str  # "ok", "down", "empty" or "unknown"
    where: str = ""  # "the Chroma server at host:port" or "the embedded index"
    articles: int = 0  # article text vectors indexed (status "ok")
    detail: str = ""  # why it is down; what to do when it is empty

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "unknown")

    def warning(self) -> str | None:
        """The operator's line at start when search cannot serve, else None."""
        if self.status == "down":
            return f"{self.detail}; product search is unavailable until it answers (the bot answers the rest)"
        if self.status == "empty":
            return self.detail
        return None

    def line(self) -> str:
        """For ``/stats``: "ok · 105542 articles (the Chroma server at ...)", "down (...)", "empty (...)"."""
        if self.status == "ok":
            return f"ok · {self.articles} articles ({self.where})"
        if self.status == "unknown":
            return "not checked"
        return f"{self.status} ({self.detail})"

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "where": self.where, "articles": self.articles, "detail": self.detail,
                "summary": self.line()}


async def check_search(catalog: Any, timeout_s: float = CHECK_S) -> SearchHealth:
    """Open the search index if it is not open yet and count its article text vectors (within
    ``timeout_s``). Never raises: a Chroma server that is down (or an index that fails otherwise) is
    the answer ``down``, with why."""
    engine = getattr(catalog, "search", None)
    vectors, connect = getattr(engine, "vectors", None), getattr(engine, "connect", None)
    if vectors is None or not callable(connect):
        return SearchHealth("unknown")
    server = getattr(vectors, "server", None)
    where = f"the Chroma server at {server}" if server else "the embedded index"

    async def count() -> int:
        await connect()
        return int(await asyncio.to_thread(lambda: vectors.text.recent_count()))

    try:
        articles = await asyncio.wait_for(count(), timeout_s)
    except SearchUnavailableError as exc:
        return SearchHealth("down", where, detail=str(exc))
    except TimeoutError:
        return SearchHealth("down", where, detail=f"{where} did not answer within {timeout_s:g} s")
    except Exception as exc:  # noqa: BLE001 - a check reports, it never stops the bot or /stats
        return SearchHealth("down", where, detail=f"{where}: {type(exc).__name__}: {exc}")
    if articles == 0:
        return SearchHealth("empty", where, detail=vectors.missing_index_message())
    return SearchHealth("ok", where, articles)
