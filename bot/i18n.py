"""The bot's own texts (greeting, /help, notes, button labels, the command menu) in the shopper's
Telegram language.

The tables live in ``prompts/bot_strings.toml``, one per language, read once at import. A shopper
gets the table of their Telegram ``language_code`` (``lang_of``), per update, so each member of a
group reads the notes in their own language; anything without a table gets English. These texts do
not follow the language a message is written in: many come before any text is read (/start, a
sticker, a button), and the assistant's own answers already follow the message
(``agent.language``). A key missing from a table falls back to English.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

DEFAULT = "en"
STRINGS_PATH = Path(__file__).resolve().parent.parent / "prompts" / "bot_strings.toml"

# Languages that have no table under their own code, read in one that has: Cantonese and Mandarin
# tagged on their own (Telegram usually sends "zh-hans"/"zh-hant", which need no entry).
ALIASES = {"yue": "zh", "cmn": "zh"}


def load_strings(path: Path = STRINGS_PATH) -> Mapping[str, Mapping[str, str]]:
    """The tables of ``path``, English first, read-only; a malformed file names what is wrong."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    if DEFAULT not in data:
        raise ValueError(f"{path}: no [{DEFAULT}] table")
    for lang, table in data.items():
        if not isinstance(table, dict):
            raise ValueError(f"{path}: {lang} is not a [table]")
        for key, text in table.items():
            if not isinstance(text, str):
                raise ValueError(f"{path}: [{lang}] {key} is not a text")
    order = [DEFAULT, *(lang for lang in data if lang != DEFAULT)]
    return MappingProxyType({lang: MappingProxyType(dict(data[lang])) for lang in order})


STRINGS = load_strings()
LANGUAGES = tuple(STRINGS)


def lang_of(language_code: str | None) -> str:
    """Telegram's IETF tag → one of LANGUAGES: the primary subtag decides ("pt-br" → "pt",
    "zh-hant" → "zh", "en_GB" → "en"); a language without a table ("nb", "uk", "x-private") → English."""
    base = (language_code or "").strip().lower().replace("_", "-").split("-")[0]
    base = ALIASES.get(base, base)
    return base if base in STRINGS else DEFAULT


def greeting(lang: str, first_name: str | None) -> str:
    """The /start greeting, with the shopper's first name when Telegram gives one."""
    name = (first_name or "").strip()
    hello = t(lang, "hello_name", name=name) if name else t(lang, "hello")
    return t(lang, "greeting", hello=hello)


def t(lang: str, key: str, **kwargs: Any) -> str:
    table = STRINGS.get(lang, STRINGS[DEFAULT])
    text = table.get(key) or STRINGS[DEFAULT][key]
    return text.format(**kwargs) if kwargs else text
