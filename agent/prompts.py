"""Prompts are files in ``prompts/``, loaded by name and rendered with ``string.Template``.

``$name`` placeholders are filled from keyword arguments; a missing one raises KeyError so a
broken prompt fails in tests, not in a conversation. Fixed replies per language live in
``prompts/replies.toml``, with plural forms chosen by ``plural_form``.
"""

from __future__ import annotations

import functools
import string
import tomllib
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
DEFAULT_LANGUAGE = "en"


@functools.lru_cache(maxsize=32)
def _read(name: str) -> str:
    path = PROMPTS_DIR / f"{name}.md"
    return path.read_text(encoding="utf-8").strip()


def prompt_names() -> list[str]:
    return sorted(p.stem for p in PROMPTS_DIR.glob("*.md"))


def render(name: str, **values: object) -> str:
    """The prompt ``prompts/<name>.md`` with its ``$placeholders`` filled."""
    return string.Template(_read(name)).substitute({k: str(v) for k, v in values.items()})


# Languages whose nouns change with the count, and their rule (CLDR categories for whole numbers).
# Turkish keeps the noun singular after any number, but says one thing with "bir" ("bir ürün").
_ONE_IS_ONE = ("en", "de", "es", "it", "pt", "nl", "sv", "tr")
_ZERO_AND_ONE_ARE_ONE = ("fr", "hi")


def plural_form(language: str, n: int) -> str:
    """The CLDR plural category of ``n`` in ``language``: "one", "two", "few" or "other" ("many" is "other" here)."""
    n = abs(n)
    if language in _ONE_IS_ONE:
        return "one" if n == 1 else "other"
    if language in _ZERO_AND_ONE_ARE_ONE:
        return "one" if n in (0, 1) else "other"
    if language == "pl":  # 1 produkt; 2-4, 22-24, 32-34... produkty; 0, 5-21, 25-31... produktów
        if n == 1:
            return "one"
        return "few" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else "other"
    if language == "ar":  # a singular, a dual, a plural noun for 3-10; other counts are phrased around the noun
        if n in (1, 2):
            return "one" if n == 1 else "two"
        return "few" if 3 <= n % 100 <= 10 else "other"
    if language == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
    return "other"


class Replies:
    """Fixed reply texts per language, with English as the fallback for missing entries.

    A text with a count ``n`` uses the entry ``key_one`` / ``key_two`` / ``key_few`` when the language
    has that form for ``n`` ("Here is 1 product"), and ``key`` otherwise."""

    def __init__(self, path: Path | None = None) -> None:
        with open(path or PROMPTS_DIR / "replies.toml", "rb") as fh:
            self._table: dict[str, dict[str, str]] = tomllib.load(fh)

    @property
    def languages(self) -> list[str]:
        return sorted(self._table)

    def get(self, language: str, key: str, **values: object) -> str:
        if language not in self._table or key not in self._table[language]:
            language = DEFAULT_LANGUAGE
        table = self._table[language]
        text = table[key]
        n = values.get("n")
        if isinstance(n, int) and not isinstance(n, bool):
            text = table.get(f"{key}_{plural_form(language, n)}") or text
        return text.format(**values) if values else text

    def language_name(self, language: str) -> str:
        return self._table.get(language, {}).get("language_name") or "English"
