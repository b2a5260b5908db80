"""A message of four words or more that the statistical detector is unsure of is the language its lexicon words
agree on, as a shorter one is: "rotes Kleid ab 20 Euro" got an English reply, "rotes Kleid" a German one."""

from __future__ import annotations

import pytest

from agent.language import LanguageDetector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(("text", "expected"), [
    ("rotes Kleid ab 20 Euro", "de"), ("Kleid ab 20 Euro bitte", "de"), ("rotes Kleid", "de"),
    ("I need a red dress for 20 euros", "en"), ("une robe rouge pour 20 euros", "fr"),
    ("show me the Lisa dress please", "en"),
])
def test_the_lexicon_decides_when_the_detector_is_unsure(detector: LanguageDetector, text: str, expected: str) -> None:
    assert detector.detect(text, fallback="en") == expected
