"""Prose in English for a shopper who writes Spanish, German, Italian or Polish (all in the Latin script, so the
script check cannot tell) is dropped for the fixed reply in the shopper's language; prose in their language stays,
English product names and all."""

from __future__ import annotations

import pytest

from agent.language import LanguageDetector
from agent.llm.scripted import ScriptedBackend
from agent.prose_language import in_english
from agent.turn import Session

ENGLISH = "I picked these for you. The first one, Sunny Midi Dress, is a great choice."


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(("sentence", "language", "english"), [
    ("I picked these for you.", "es", True),
    ("The first one, Sunny Midi Dress, is a great choice.", "de", True),
    ("El Sunny Midi Dress es perfecto para el verano.", "es", False),
    ("Das Sunny Midi Dress ist eine tolle Wahl für den Sommer.", "de", False),
    ("Il Sunny Midi Dress è perfetto per l'estate.", "it", False),
    ("Sunny Midi Dress to świetny wybór na lato.", "pl", False),
    ("I picked these for you.", "en", False),  # English is meant
    ("I picked these for you.", "ru", False),  # another script: the script check's
])
def test_english_prose_is_told_apart(detector: LanguageDetector, sentence: str, language: str, english: bool) -> None:
    assert in_english(detector, sentence, language, ["Sunny Midi Dress"]) is english


@pytest.mark.parametrize(("text", "language", "fixed"), [
    ("vestidos rojos", "es", "Aquí tienes"), ("rote Kleider", "de", "Hier sind"), ("vestiti rossi", "it", "Ecco"),
])
async def test_english_prose_gives_way_to_the_fixed_reply(open_service, text: str, language: str,  # type: ignore[no-untyped-def]
                                                          fixed: str) -> None:
    async with open_service(ScriptedBackend(text_replies=[ENGLISH])) as service:
        turn = await service.ask(Session(f"english-{language}"), text)
    assert turn.language == language and turn.products
    assert "I picked" not in turn.reply and turn.reply.startswith(fixed)


async def test_prose_in_the_shoppers_language_stays(open_service) -> None:  # type: ignore[no-untyped-def]
    prose = "El Sunny Midi Dress es perfecto para el verano."
    async with open_service(ScriptedBackend(text_replies=[prose])) as service:
        turn = await service.ask(Session("spanish"), "vestidos rojos")
    assert prose in turn.reply
