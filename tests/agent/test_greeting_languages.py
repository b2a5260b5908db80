"""A first message that is only a greeting of one language ("ciao", "cześć", "buongiorno") is answered in that
language, as "hola", "bonjour" and "merhaba" are, instead of in English."""

from __future__ import annotations

import pytest

from agent.language import LanguageDetector
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session


@pytest.mark.parametrize(("text", "language"), [("ciao", "it"), ("Ciao!", "it"), ("buongiorno", "it"),
                                                ("cześć", "pl"), ("Cześć!", "pl"), ("hola", "es")])
def test_a_greeting_word_tells_the_language(text: str, language: str) -> None:
    assert LanguageDetector().reply_language(text) == language


async def test_an_italian_greeting_is_greeted_in_italian(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        turn = await service.ask(Session("ciao"), "ciao")
    assert (turn.intent, turn.language) == ("greeting", "it")
