"""A sentence of 4+ words that lingua splits between Spanish and Portuguese ("busco un abrigo negro": Portuguese
0.46, Spanish 0.26) is answered in the language that its words of only one of the two name ("busco", "abrigo",
"negro" are Spanish; "vestido" and "camisa" are both and say nothing), whatever the client's hint."""

from __future__ import annotations

from typing import Any

import pytest

from agent.language import LanguageDetector
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session

SPANISH = ["busco un abrigo negro", "un vestido negro elegante", "busco un abrigo negro para mi madre",
           "necesito unos zapatos negros", "un vestido rojo para el verano", "una camisa blanca elegante"]
PORTUGUESE = ["eu quero um vestido preto", "procuro uma camisa azul barata", "um vestido preto elegante",
              "preciso de um casaco preto", "quero comprar uma saia", "eu procuro uma jaqueta"]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize("hint", [None, "en", "es", "pt"])
def test_the_words_of_one_of_two_close_languages_decide(detector: LanguageDetector, hint: str | None) -> None:
    got = {text: detector.reply_language(text, hint=hint) for text in SPANISH + PORTUGUESE}
    assert got == {**dict.fromkeys(SPANISH, "es"), **dict.fromkeys(PORTUGUESE, "pt")}


def test_words_of_both_leave_it_to_lingua_and_other_languages_are_untouched(detector: LanguageDetector) -> None:
    # "quero" is Portuguese, "negro" Spanish: no side, lingua's first as before
    assert detector.reply_language("quero um vestido negro elegante") == "pt"
    assert detector.reply_language("un vestito nero elegante") == "it"
    assert detector.reply_language("une robe noire élégante") == "fr"
    assert detector.reply_language("more like the second one but in blue", hint="es") == "en"


async def test_a_spanish_request_of_four_words_gets_a_spanish_reply(open_service: Any) -> None:
    async with open_service(ScriptedBackend(mode="down")) as service:
        result = await service.ask(Session("es-four"), "un vestido negro elegante")
    assert result.language == "es" and "aquí tienes" in result.reply.lower(), result.reply
