"""Model text made fit to show a shopper.

A model (or a broken server) can send bytes no reply should carry: NUL and other C0/C1
control characters, and U+FFFD, the replacement character left where a byte sequence
was not valid UTF-8. ``clean`` removes them (newline and tab stay), chunk by chunk, so a
streamed reply is cleaned as it arrives; ``split_escape`` keeps back an escape sequence that a
chunk's end cuts off ("...\\x1b[3" | "1m..."), so that a stream hands it on whole or not at
all. ``has_letters`` tells a reply from punctuation and symbols, and ``ends_sentence`` whether a
text stops at the end of a sentence.
"""

from __future__ import annotations

import re

# Terminal escape sequences ("\x1b[31m"), then C0 controls but tab and newline, DEL, C1 controls, U+FFFD,
# and the bidirectional embeddings, overrides and isolates that can show a text reversed (U+202A-E, U+2066-9).
_ESCAPES = re.compile("\x1b\\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\\\-_]")
_UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd\u202a-\u202e\u2066-\u2069]")
# The start of an escape sequence at the very end of a text, without its final byte ("\x1b", "\x1b[3"); a
# longer run is not held (``clean`` drops its ESC, the rest shows), so what is held stays short.
_ESCAPE_START = re.compile("\x1b(?:\\[[0-9;?]{0,16}[ -/]{0,4})?\\Z")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# A sentence's last mark, then closing quotes or brackets and spaces; an emoji ends a sentence too. A full
# stop after a digit does not ("costs 29." may be "costs 29.99" cut short).
_SENTENCE_END = re.compile(r"(?:(?<!\d)\.|[!?。！？…\U0001F300-\U0001FAFF\u2600-\u27BF])[\"'”’»」)\]]*\s*$")


def clean(text: str) -> str:
    """``text`` without escape sequences, control characters (newline and tab are kept), U+FFFD or
    bidirectional overrides."""
    return _UNSHOWABLE.sub("", _ESCAPES.sub("", text))


def split_escape(text: str) -> tuple[str, str]:
    """``text`` as what can be handed on now and the escape sequence its end cuts off ("" if none)."""
    cut = _ESCAPE_START.search(text)
    return (text, "") if cut is None else (text[: cut.start()], text[cut.start() :])


def has_letters(text: str) -> bool:
    return _LETTER.search(text) is not None


def ends_sentence(text: str) -> bool:
    """True when ``text`` stops after a sentence's closing mark ("... evenings.", "好看！", "...😊")."""
    return _SENTENCE_END.search(text) is not None
