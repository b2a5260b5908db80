"""Which language the user writes in, with a packaged detector (lingua) and no network.

Short inputs ("ok", "jeans") are ambiguous for any detector, so a low-confidence guess
falls back to the conversation's previous language or the client's hint.
"""

from __future__ import annotations

import logging
import re
from typing import Any

logger = logging.getLogger(__name__)

# ISO 639-1 codes the assistant replies in. Templates exist for each (prompts/replies.toml).
SUPPORTED = ("en", "zh", "es", "fr", "de", "ru", "ja", "ko", "it", "pt", "nl", "sv", "ar")

_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


class LanguageDetector:
    """Wraps lingua with a script-based shortcut; build once per service (it loads models lazily)."""

    def __init__(self, min_confidence: float = 0.45) -> None:
        self._min_confidence = min_confidence
        self._detector: Any = None
        self._by_lingua: dict[Any, str] = {}

    def load(self) -> None:
        """Build the detector and warm its models (about 2 s once; call it from a worker thread)."""
        if self._detector is not None:
            return
        try:
            from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
        except ImportError:  # pragma: no cover - lingua is a dependency
            logger.warning("lingua is not installed; language detection uses scripts only")
            self._detector = False
            return
        languages = []
        for code in SUPPORTED:
            lang = Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
            languages.append(lang)
            self._by_lingua[lang] = code
        self._detector = LanguageDetectorBuilder.from_languages(*languages).build()
        self._detector.compute_language_confidence_values("warm up the language models")

    def detect(self, text: str | None, fallback: str = "en") -> str:
        """The ISO 639-1 code of ``text``; ``fallback`` when it is too short or unclear."""
        text = (text or "").strip()
        if not text or not _LETTERS.search(text):
            return fallback
        if _KANA.search(text):
            return "ja"
        if _HANGUL.search(text):
            return "ko"
        if _HAN.search(text):
            return "zh"
        if _CYRILLIC.search(text):
            return "ru"
        if _ARABIC.search(text):
            return "ar"
        self.load()
        if not self._detector:
            return fallback
        values = self._detector.compute_language_confidence_values(text)
        if not values:
            return fallback
        best = values[0]
        code = self._by_lingua.get(best.language, fallback)
        if best.value >= self._min_confidence:
            return code
        # Unclear: keep the conversation's language when the detector does not rule it out.
        scores = {self._by_lingua.get(v.language): v.value for v in values}
        if scores.get(fallback, 0.0) >= best.value * 0.5:
            return fallback
        return code if len(text) >= 12 else fallback
