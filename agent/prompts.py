"""Prompts are files in ``prompts/``, loaded by name and rendered with ``string.Template``.

``$name`` placeholders are filled from keyword arguments; a missing one raises KeyError so a
broken prompt fails in tests, not in a conversation. Fixed replies per language live in
``prompts/replies.toml``.
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


class Replies:
    """Fixed reply texts per language, with English as the fallback for missing entries."""

    def __init__(self, path: Path | None = None) -> None:
        with open(path or PROMPTS_DIR / "replies.toml", "rb") as fh:
            self._table: dict[str, dict[str, str]] = tomllib.load(fh)

    @property
    def languages(self) -> list[str]:
        return sorted(self._table)

    def get(self, language: str, key: str, **values: object) -> str:
        table = self._table.get(language) or self._table[DEFAULT_LANGUAGE]
        text = table.get(key) or self._table[DEFAULT_LANGUAGE][key]
        return text.format(**values) if values else text

    def language_name(self, language: str) -> str:
        return self._table.get(language, {}).get("language_name") or {
            "ko": "Korean (한국어)", "it": "Italian (italiano)", "pt": "Portuguese (português)",
            "nl": "Dutch (Nederlands)", "sv": "Swedish (svenska)", "ar": "Arabic (العربية)",
        }.get(language, "English")
