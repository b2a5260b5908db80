"""Catalog values in the words of the shopper's language, for the fixed notes of ``agent/notes.py``.

The catalog speaks English ("Black", "Jacket", "Menswear"). ``prompts/terms.toml`` says how each
language names common values, in forms that need no agreement ("Jacken in Schwarz", "chaquetas en
negro", "курток чёрного цвета", "黑色夹克"), and how the words join. A value it does not know is said
in the catalog's own word, quoted ("Jacken in „Mole“").
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from agent.prompts import PROMPTS_DIR
from catalog.money import format_price

FIELDS = ("colour", "product_type", "index_group")
_UNKNOWN = {"colour": "unknown_colour", "product_type": "quote", "index_group": "unknown_group"}
# French "de" loses its e before a vowel ("pas d'écharpes"); an h is left alone ("pas de hauts").
_ELISIONS = {"fr": (re.compile(r"\b([Dd])e (?=[aeiouyàâæéèêëîïôœùûü])"), r"\1'")}


def _forms(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


class CatalogTerms:
    """Catalog words per language; ``languages`` are those with a ``[grammar.<language>]`` table."""

    def __init__(self, table: Mapping[str, Any]) -> None:
        self._grammar: dict[str, dict[str, Any]] = dict(table.get("grammar") or {})
        # field -> catalog value (lower case) -> language -> forms
        self._words: dict[str, dict[str, dict[str, list[str]]]] = {
            field: {value.lower(): {lang: _forms(word) for lang, word in words.items()}
                    for value, words in (table.get(field) or {}).items()}
            for field in FIELDS
        }

    @classmethod
    def load(cls, path: Path | None = None) -> CatalogTerms:
        with open(path or PROMPTS_DIR / "terms.toml", "rb") as fh:
            return cls(tomllib.load(fh))

    @property
    def languages(self) -> list[str]:
        return sorted(self._grammar)

    def knows(self, field: str, value: str, language: str) -> bool:
        """Whether the table has ``value`` of ``field`` in ``language``."""
        return language in self._words.get(field, {}).get(value.strip().lower(), {})

    def word(self, field: str, value: str, language: str, *, missing: bool = False) -> str:
        """``value`` of ``field`` in ``language``: the form after "I have no" when ``missing`` (Russian
        genitive "курток"), else the plain one ("куртки"); the catalog's word, quoted, if unknown."""
        forms = self._words.get(field, {}).get(value.strip().lower(), {}).get(language)
        if forms:
            return forms[-1] if missing else forms[0]
        return str(self._grammar[language][_UNKNOWN[field]]).format(word=value.strip())

    def phrase(self, filters: Mapping[str, Any], language: str, *, missing: bool = False) -> str:
        """The colour, product type and index group of ``filters`` as one phrase ("Jacken in Schwarz
        für Herren"); the language's word for products when no type is set."""
        grammar = self._grammar[language]
        colour, ptype, group = (filters.get(key) for key in FIELDS)
        if ptype:
            kind = self.word("product_type", str(ptype), language, missing=missing)
        else:
            products = _forms(grammar["products"])
            kind = products[-1] if missing else products[0]
        text = kind
        if colour:
            text = str(grammar["colour_type"]).format(type=kind, colour=self.word("colour", str(colour), language))
        if group:
            text = str(grammar["with_group"]).format(phrase=text, group=self.word("index_group", str(group), language))
        return text

    def wish(self, colour: str | None, max_price: float | None, language: str) -> str:
        """What look-alikes could not match: "in Schwarz und unter 20.00", "чёрного цвета"."""
        grammar = self._grammar[language]
        parts = [str(grammar["similar_colour"]).format(colour=self.word("colour", colour, language))] if colour else []
        if max_price:
            parts.append(str(grammar["similar_price"]).format(price=format_price(float(max_price), language)))
        return str(grammar["similar_and"]).join(parts)

    def finish(self, sentence: str, language: str) -> str:
        """The filled sentence with the language's contractions ("pas de écharpes" -> "pas d'écharpes")."""
        if language in _ELISIONS:
            pattern, repl = _ELISIONS[language]
            return pattern.sub(repl, sentence)
        return sentence


@functools.lru_cache(maxsize=1)
def shipped_terms() -> CatalogTerms:
    """The table in ``prompts/terms.toml``, read once."""
    return CatalogTerms.load()
