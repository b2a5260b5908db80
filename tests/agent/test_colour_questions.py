"""A question whether the shown products come in a colour ("does it come in grey?", "gibt es die auch in blau?",
"w kolorze niebieskim", "mavi olanlar") refines them: the same kind in that colour, not any product of the colour."""

from __future__ import annotations

import pytest

from agent.intents import own_words
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session


@pytest.mark.parametrize(("text", "colour"), [
    ("does it come in grey?", "grey"), ("do they come in blue?", "blue"), ("is it available in red?", "red"),
    ("gibt es die auch in blau?", "blau"), ("gibt's die in grün?", "grün"), ("w kolorze niebieskim", "niebieskim"),
    ("czy jest w kolorze czarnym?", "czarnym"), ("mavi olanlar", "mavi"), ("beyaz renkte var mı?", "beyaz"),
    ("¿viene en negro?", "negro"), ("il existe en bleu ?", "bleu"), ("ce l'avete in blu?", "blu"),
    ("c'è in nero?", "nero"), ("tem em azul?", "azul"), ("existe em preto?", "preto"),
])
def test_a_colour_question_has_no_words_of_its_own_but_the_colour(text: str, colour: str) -> None:
    assert own_words(text) == [colour]


@pytest.mark.parametrize(("first", "question"), [
    ("a red dress", "does it come in blue?"), ("a red dress", "do they come in blue?"),
    ("ein rotes Kleid", "gibt es die auch in blau?"),
])
async def test_a_colour_question_keeps_the_kind(open_service, first: str, question: str) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        session = Session("colour-question")
        shown = await service.ask(session, first)
        asked = await service.ask(session, question)
    assert shown.products and all(p.product_type == "Dress" for p in shown.products)
    assert asked.intent == "refine"
    assert asked.products and all(p.product_type == "Dress" and p.colour == "Blue" for p in asked.products)
