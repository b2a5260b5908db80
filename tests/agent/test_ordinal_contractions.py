"""A position after a contracted article ("háblame del segundo", "parle-moi du troisième", "me fale do terceiro",
"dimmi del terzo") names a shown product, and "more like" it in Portuguese and Italian ("mais como o primeiro",
"più come il secondo") asks for look-alikes, not for its details."""

from __future__ import annotations

import pytest

from agent.intents import classify
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session


@pytest.mark.parametrize(("text", "intent", "ordinal"), [
    ("háblame del segundo", "details", 1), ("cuéntame más del primero", "details", 0),
    ("parle-moi du troisième", "details", 2), ("me fale do terceiro", "details", 2),
    ("fale-me da segunda", "details", 1), ("dimmi del terzo", "details", 2),
    ("mais como o primeiro", "similar", 0), ("quero algo como a segunda", "similar", 1),
    ("più come il secondo", "similar", 1),
    ("da prima", None, None), ("da primeira vez", None, None),  # "from the start", "from the first time"
])
def test_positions_after_contracted_articles(text: str, intent: str | None, ordinal: int | None) -> None:
    c = classify(text, has_shown=True, has_photo=False)
    assert (c.intent, c.ordinal) == (intent, ordinal)


async def test_a_spanish_question_about_the_second_one_shows_its_details(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        session = Session("del-segundo")
        shown = await service.ask(session, "vestido rojo")
        asked = await service.ask(session, "háblame del segundo")
    assert asked.intent == "details"
    assert [p.article_id for p in asked.products] == [shown.products[1].article_id]
