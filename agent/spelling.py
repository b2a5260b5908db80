"""Misspelt catalog words in a shopper's message: "blak hodie" is a black hoodie, "vaqeros" are jeans.

A word of a Latin, Cyrillic or Greek script is corrected to a word the vocabulary knows (a catalog colour, kind or
audience, their plurals and the synonyms of every language) when it is one edit away (two for words of 7 letters
or more: a letter missing, added, changed, or two swapped), that word is the only one so close, and the word as
typed is rare in the message's language and in English (wordfreq's Zipf frequency below ``RARE_ZIPF``). So "back",
"skit" and "best" stay as they are, while "blak", "dres" and "trousrs" are put right. Scripts without spaces are
left alone. The frequency lists load on first use, per language, and only for a word that is close to one the
vocabulary knows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Mapping

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

logger = logging.getLogger(__name__)

RARE_ZIPF = 2.5  # "blak" 1.9, "hodie" 1.7, "dres" 1.9 in English; "skit" 3.2, "brow" 3.6, "back" 6.0
MIN_LETTERS = 4
LONG_WORD = 7  # from this length a word may be two edits away
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*", re.UNICODE)
_SPACED_SCRIPT = re.compile(r"^[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff'-]+$")


def _rare(word: str, language: str | None) -> bool:
    """Whether ``word`` is rare as typed in ``language`` and in English (a typo, not a word of its own)."""
    try:
        from wordfreq import zipf_frequency

        for lang in dict.fromkeys((language or "en", "en")):
            if zipf_frequency(word, lang) >= RARE_ZIPF:
                return False
    except Exception as exc:  # a language wordfreq lacks, or its data missing: no correction
        logger.debug("no word frequencies for %r in %s: %s", word, language, exc)
        return False
    return True


def warm_up(language: str = "en") -> None:
    """Load the word frequencies of ``language`` now (blocking, about 0.4 s for English), which the first misspelt
    word would otherwise wait for."""
    _rare("warmup", language)


def closest_word(word: str, known: Mapping[str, str], language: str | None = None,
                 english: Collection[str] = ()) -> str | None:
    """The one word of ``known`` (word -> what it names) that ``word`` is a misspelling of, else None. Words as close
    that name the same are one; of two that do not, an English one
    (``english``: the catalog's own words) is taken in an English message, the other in any other ("blak": black,
    not German blau)."""
    low = word.lower()
    if len(low) < MIN_LETTERS or low in known or not _SPACED_SCRIPT.match(low):
        return None
    limit = 1 if len(low) < LONG_WORD else 2
    found = process.extract(low, known.keys(), scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=None)
    near = [(str(choice), int(distance)) for choice, distance, _ in found if len(choice) >= MIN_LETTERS]
    if not near:
        return None
    best = min(distance for _, distance in near)
    closest = [choice for choice, distance in near if distance == best]
    if len(closest) > 1 and len({known[c] for c in closest}) == 1:
        closest = closest[:1]  # "rojp": rojo or roja, red either way
    if len(closest) > 1:
        closest = [c for c in closest if (c in english) == (language in (None, "en"))] or closest
    if len(closest) != 1 or not _rare(low, language):  # "shrt": shirt or short?
        return None
    return closest[0]


def corrected(text: str, known: Mapping[str, str], language: str | None = None,
              english: Collection[str] = ()) -> str:
    """``text`` with each misspelt vocabulary word replaced by the word it misspells ("blak hodie" -> "black
    hoodie"); the text as it was when no word needs it."""
    if not known:
        return text

    def fix(m: re.Match[str]) -> str:
        return closest_word(m.group(0), known, language, english) or m.group(0)

    return _WORD.sub(fix, text)
