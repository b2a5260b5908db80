"""A short request whose words Spanish and Portuguese share ("vestidos baratos", "camisa azul") has no word to tell
them apart (lingua leans Portuguese): it is answered in the client's language of the two, else the conversation's,
else Spanish, which more people speak; as "robe" on its own follows the client's language."""

from __future__ import annotations

import pytest

from agent.language import LanguageDetector
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session

SHARED = ["vestidos baratos", "camisa azul", "vestidos", "camisas baratas"]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize("text", SHARED)
@pytest.mark.parametrize(("hint", "previous", "expected"), [
    (None, None, "es"), ("en", None, "es"), ("fr", None, "es"),  # no Spanish or Portuguese known: Spanish
    ("pt", None, "pt"), (None, "pt", "pt"), ("en", "pt", "pt"),  # the client's or the conversation's
    ("es", "pt", "es"), ("pt", "es", "pt"),  # the client's first
])
def test_shared_words_follow_the_clients_language_else_spanish(detector: LanguageDetector, text: str,
                                                                hint: str | None, previous: str | None,
                                                                expected: str) -> None:
    assert detector.reply_language(text, hint=hint, previous=previous) == expected


def test_a_distinguishing_word_still_decides(detector: LanguageDetector) -> None:
    assert detector.reply_language("camisa preta", hint="es") == "pt"
    assert detector.reply_language("vestidos pretos", hint="es") == "pt"
    assert detector.reply_language("camisa blanca", hint="pt") == "es"
    assert detector.reply_language("vestido negro", hint="pt") == "es"


async def test_vestidos_baratos_with_no_context_is_answered_in_spanish(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        fresh = await service.ask(Session("fresh"), "vestidos baratos")
        brazilian = await service.ask(Session("br", language="pt"), "vestidos baratos")
    assert fresh.language == "es" and brazilian.language == "pt"
    assert fresh.products and all(p.product_type == "Dress" for p in fresh.products)
