"""Whether a message says no to a word: "a dress but not black", "sin negro", "不要黑色" (no black filter then: the
search has no way to exclude a colour)."""

from __future__ import annotations

import re

_NEGATION = (r"(?:not|no|without|except|but not|sin|pas|sans|nicht|kein\w*|ohne|не|без|кроме|non|senza|não|sem|niet|"
             r"zonder|inte|utan)")


def said_no_to(text: str, forms: set[str]) -> bool:
    """Whether ``text`` says no to one of the words ``forms`` ("not black", "sin negro", "不要黑色")."""
    low = text.lower()
    for form in forms:
        if re.search(r"[\u4e00-\u9fff]", form):
            if re.search(rf"(?:不要|不是|除了|别要|非){re.escape(form)}", low):
                return True
        elif re.search(rf"(?<!\w){_NEGATION}\s+(?:(?:sea|es|is|be|ist|soit|est|sia|seja|in|en|in the colou?r)\s+)?{re.escape(form)}(?!\w)", low):
            return True
    return False
