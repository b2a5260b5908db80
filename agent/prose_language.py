"""Whether the model's prose is in English when the shopper writes another language of the Latin script.

A wrong script (Cyrillic asked, Latin written) is told by the script alone (``agent/reply.py``); Spanish, German,
French, Italian, Portuguese, Dutch, Swedish, Turkish and Polish share English's, so the first sentence of the reply
goes through the language detector instead, without the names of the products shown (the catalog's names are
English: "El Shirt dress es perfecto" is Spanish). Only a confident English detection counts: a sentence the
detector is not sure of keeps the reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.language import LanguageDetector

# Reply languages written in the Latin script, English aside.
LATIN_LANGUAGES = frozenset({"es", "fr", "de", "it", "pt", "nl", "sv", "tr", "pl"})


def in_english(languages: LanguageDetector, sentence: str, language: str, names: Iterable[str] = ()) -> bool:
    """Whether ``sentence``, meant to be in ``language``, is English: ``names`` (product names) are left out first."""
    if language not in LATIN_LANGUAGES:
        return False
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        sentence = re.sub(re.escape(name), " ", sentence, flags=re.IGNORECASE)
    return languages.detect(sentence, fallback=language) == "en"
