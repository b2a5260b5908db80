"""Short German requests made of the catalog's words ("rote Kleider", "schwarze Jacke") are German.

lingua finds them too weak on their own ("rote Kleider": German 0.37, Dutch 0.33) or hinging on one
word, so they were answered in English; the German forms of the catalog's colours and kinds
(``agent/language.py``) decide them. Short requests in other languages keep their answers.
"""

from __future__ import annotations

from typing import Any

import pytest

from agent.language import _GERMAN_COLOUR_STEMS, LanguageDetector
from agent.llm.scripted import ScriptedBackend
from agent.synonyms import SYNONYMS
from agent.turn import Session

GERMAN = ["rote Kleider", "schwarze Jacke", "Kleider unter 30 Euro", "blaue Hose", "schwarze Hosen", "graue Jacke",
          "rote Schuhe", "gelbe Jacke", "schwarzer Mantel", "blaue Jeans", "Kleider", "Röcke", "Jacken"]
OTHERS = [("vestido rojo", "es"), ("zapatos rojos", "es"), ("pantalones negros", "es"), ("jupe rouge", "fr"),
          ("chaussures noires", "fr"), ("scarpe nere", "it"), ("gonna rossa", "it"), ("giacca nera", "it"),
          ("zwarte jurk", "nl"), ("rode schoenen", "nl"), ("blauwe broek", "nl"), ("red dress", "en"),
          ("black jacket", "en"), ("dresses under 30 euros", "en"), ("white shoes", "en"), ("grey coat", "en"),
          ("rock t-shirt", "en"), ("hose", "en"), ("mantel", "en")]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize("hint", ["en", None])
@pytest.mark.parametrize("text", GERMAN)
def test_a_short_german_request_of_catalog_words_is_german(detector: LanguageDetector, text: str,
                                                           hint: str | None) -> None:
    assert detector.reply_language(text, hint=hint) == "de"


@pytest.mark.parametrize("hint", ["en", None])
@pytest.mark.parametrize(("text", "expected"), OTHERS)
def test_short_requests_in_other_languages_keep_their_language(detector: LanguageDetector, text: str, expected: str,
                                                               hint: str | None) -> None:
    assert detector.reply_language(text, hint=hint) == expected


def test_the_german_colours_are_the_synonym_tables() -> None:
    assert [s for s in _GERMAN_COLOUR_STEMS if s not in SYNONYMS["colour"]] == []


async def test_a_short_german_request_gets_a_german_reply_from_an_english_client(open_service: Any) -> None:
    async with open_service(ScriptedBackend(mode="down")) as service:
        de = await service.ask(Session("de-short", language="en"), "rote Kleider")
    assert de.language == "de" and "passende Produkte" in de.reply and de.note and "Sprachmodell" in de.note
    assert de.products and all(p.colour == "Red" for p in de.products)
