"""Emoji in a shopper's message: clothing emoji name what they show ("👗" is a dress, "🔴👟" red sneakers), and a
message of emoji, punctuation or one letter only says nothing to search for ("😀", "a"), so it gets the reply that
asks what the shopper is looking for instead of five unrelated products."""

from __future__ import annotations

import re
import unicodedata

from agent.text_input import BLANK_LETTERS

# an emoji -> the English word the vocabulary maps onto the catalog's kind or colour
EMOJI_WORDS = {
    "👗": "dress", "👖": "jeans", "👕": "t-shirt", "👔": "shirt", "👚": "blouse", "🧥": "coat", "🥼": "coat",
    "🦺": "vest", "👟": "sneakers", "👞": "shoes", "👠": "heels", "👡": "sandals", "👢": "boots", "🥾": "boots",
    "🩴": "sandals", "🥿": "shoes", "👜": "bag", "👛": "bag", "👝": "bag", "🎒": "backpack", "🧢": "cap", "👒": "hat",
    "🎩": "hat", "🧣": "scarf", "🧤": "gloves", "🧦": "socks", "👙": "bikini", "🩱": "swimsuit", "🩲": "underwear",
    "🩳": "shorts", "🕶": "sunglasses", "👘": "kimono",
    "🔴": "red", "🟠": "orange", "🟡": "yellow", "🟢": "green", "🔵": "blue", "🟣": "purple", "🟤": "brown",
    "⚫": "black", "⚪": "white", "🟥": "red", "🟧": "orange", "🟨": "yellow", "🟩": "green", "🟦": "blue",
    "🟪": "purple", "🟫": "brown", "⬛": "black", "⬜": "white",
}
_EMOJI = re.compile("|".join(re.escape(e) for e in sorted(EMOJI_WORDS, key=len, reverse=True)))
_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")  # one character may be a word


def with_emoji_words(text: str) -> str:
    """``text`` with each clothing or colour emoji replaced by its word ("🔴👗" -> "red dress")."""
    if not _EMOJI.search(text):
        return text
    return re.sub(r"\s+", " ", _EMOJI.sub(lambda m: f" {EMOJI_WORDS[m.group(0)]} ", text)).strip()


def says_nothing(text: str) -> bool:
    """Whether ``text`` holds no word to search for: no letter or digit besides blank ones, or one letter of a
    script that spells words with several ("a", "x"; "裙" is a skirt, and "2" may be the second product)."""
    kept = [ch for ch in text if ch not in BLANK_LETTERS and unicodedata.category(ch)[0] in "LN"]
    return not kept or len(kept) == 1 and unicodedata.category(kept[0])[0] == "L" and not _WIDE.match(kept[0])
