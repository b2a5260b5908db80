"""Arabic words without what is written onto them: the article and the conjunctions and prepositions before it.

Arabic writes "the", "and", "with/in", "for" and "like" onto the next word: "الأزرق" (the blue), "باللون" (in the
colour), "للنساء" (for women), "والجوارب" (and the socks). A word list of bare forms ("أزرق", "لون") finds these
through ``bare_forms``. Shoppers often leave out the hamza of an initial alif ("ازرق" for "أزرق", "اريد" for "أريد"),
so a bare form is also tried with it.
"""

from __future__ import annotations

import re

# The article with the conjunctions and prepositions written before it ("ال", "بال", "وال", "فبال", "لل", "وللـ"),
# before a word of three letters or more.
AR_PREFIX = re.compile(r"^(?:[وف]?[بكل]?ال|[وف]?لل)(?=[\u0620-\u064a]{3})")
# "and" or "so" before a word that has no article ("وأرخص", "فأريد")
_AR_CONJUNCTION = re.compile(r"^[وف](?=[\u0620-\u064a]{3})")
# "with/in" before a word that has no article ("بلون", "بسعر")
_AR_PREPOSITION = re.compile(r"^[وف]?ب(?=[\u0620-\u064a]{3})")
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def bare_forms(word: str) -> list[str]:
    """Other forms ``word`` (lower case) may be looked up by, likeliest first: without the article and what is written
    before it ("بالأزرق" -> "أزرق"), without a leading "and" ("وأرخص" -> "أرخص") or "with" ("بلون" -> "لون"), and each
    with the hamza an initial alif often goes without ("الازرق" -> "أزرق"). None for a word that is not Arabic."""
    if not _ARABIC.search(word):
        return []
    forms = []
    for pattern in (AR_PREFIX, _AR_CONJUNCTION, _AR_PREPOSITION):
        bare = pattern.sub("", word)
        if bare != word:
            forms.append(bare)
    forms += [f"أ{form[1:]}" for form in (word, *forms) if form.startswith("ا") and not form.startswith("ال")]
    return list(dict.fromkeys(form for form in forms if form != word))
