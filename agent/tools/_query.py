"""Search text that fits the catalog search: whitespace folded, repeated words collapsed, clipped at a word."""

from __future__ import annotations

import re

from catalog.search import MAX_QUERY_CHARS

__all__ = ["MAX_QUERY_CHARS", "clip_query"]

_REPEATS = re.compile(r"\b(\w+)(?:\s+\1\b){2,}", re.IGNORECASE | re.UNICODE)


def clip_query(text: str, limit: int = MAX_QUERY_CHARS) -> str:
    """``text`` as a search query of at most ``limit`` characters, keeping its start (where requests say
    what they want); a word said three or more times in a row counts once."""
    query = _REPEATS.sub(r"\1", " ".join(text.split()))
    if len(query) <= limit:
        return query
    cut = query[: limit + 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else query[:limit]).rstrip()
