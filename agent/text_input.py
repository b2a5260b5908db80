"""Whether a shopper's message says anything: text made only of whitespace and invisible format characters
(Unicode category Cf: zero-width space, joiners, the byte-order mark, directional marks) or of letters that show as
nothing (the Hangul fillers, the blank Braille pattern) is empty.

The bot, the terminal commands and the agent all ask ``is_blank`` before running a search, so that
"\\u200b\\u200b" gets the same "say what you are looking for" as "   " instead of a search for nothing.
``searchable_text`` is a query without those characters; a message shown back to the shopper keeps them (the
zero-width joiner inside an emoji such as 👩‍💻 is part of it).
"""

from __future__ import annotations

import unicodedata

from reclmms.errors import BadQueryError

MAX_TEXT_CHARS = 2000  # the longest message a shopper may send (the bot says so); the agent reads no more

# letters that show as nothing: the Hangul fillers and the blank Braille pattern
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def searchable_text(text: str | None) -> str:
    """``text`` without invisible format characters and without leading or trailing whitespace."""
    return "".join(ch for ch in text or "" if unicodedata.category(ch) != "Cf" and ch not in BLANK_LETTERS).strip()


def is_blank(text: str | None) -> bool:
    """Whether ``text`` is empty once whitespace and invisible format characters are taken out."""
    return not searchable_text(text)


def check_length(text: str | None) -> None:
    """Raises BadQueryError for a message over ``MAX_TEXT_CHARS``: the agent reads no more, so a request at the end
    of a longer one would go unread (the terminal commands say so, as the bot does)."""
    n = len((text or "").strip())
    if n > MAX_TEXT_CHARS:
        raise BadQueryError(f"the message is {n:,} characters long, and the most that is read is {MAX_TEXT_CHARS:,}: "
                            "say what you are looking for in fewer words")
