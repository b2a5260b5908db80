"""Writing systems, as regular expressions: which words and messages are in which script."""

from __future__ import annotations

import re

HANGUL = re.compile(r"[\uac00-\ud7af]")  # Korean syllables
HANGUL_ANY = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")  # syllables and single jamo
KANA = re.compile(r"[\u3040-\u30ff]")  # Japanese hiragana and katakana
HAN_KANA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana or CJK ideographs: no spaces between words
