"""Writing systems, as regular expressions: which words and messages are in which script."""

from __future__ import annotations

import re

HANGUL = re.compile(r"[\uac00-\ud7af]")  # Korean syllables
HANGUL_ANY = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")  # syllables and single jamo
KANA = re.compile(r"[\u3040-\u30ff]")  # Japanese hiragana and katakana
HAN_KANA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana or CJK ideographs: no spaces between words
LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]+(?:['’-][A-Za-z\u00c0-\u024f\u1e00-\u1eff]+)*")  # "café", "it's"

# Reply languages written in a script of their own: a message of Latin-script words is not in one of them.
OWN_SCRIPT_LANGUAGES = frozenset({"zh", "ja", "ko", "ru", "ar", "hi"})


def latin_word(word: str) -> bool:
    """Whether ``word`` is written in the Latin script alone ("best", "café"; not "t恤" or "платье")."""
    return LATIN_WORD.fullmatch(word) is not None
