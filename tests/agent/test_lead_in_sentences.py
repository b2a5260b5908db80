"""A sentence of the model's prose that leads in to what follows it ("Here are some red dresses:") is shown only
with the sentence after it: when the grounding or kind check drops that one, or nothing follows, the lead-in goes
too, and the reply never ends in a colon that introduces nothing."""

from __future__ import annotations

import pytest

from agent.grounding import Grounding, SentenceFilter, check_text
from agent.llm.scripted import ScriptedBackend
from agent.prompts import Replies
from agent.turn import Session

GROUNDED = {"0100000001": "Sunny Midi Dress"}


def _saying(prose: str):  # type: ignore[no-untyped-def]
    return lambda messages: prose


@pytest.mark.parametrize(("text", "kept"), [
    ("Here are my picks:\n0199999999 is lovely.\n", ""),  # the sentence after it was dropped
    ("Great news! Here are my picks:\n", "Great news!"),  # nothing follows it
    ("Here are my picks:\n0199999999 is lovely.\nThe Sunny Midi Dress is red.\n", "The Sunny Midi Dress is red."),
    ("Voici mes choix :\n0199999999 est jolie.\n", ""),
    ("我的推荐：\n0199999999很好。\n", ""),
    ("Here are my picks:\nThe Sunny Midi Dress is red.\n", "Here are my picks:\nThe Sunny Midi Dress is red."),
    ("Here are my picks:\n1. The Sunny Midi Dress is red.\n", "Here are my picks:\nThe Sunny Midi Dress is red."),
    ("Two looks:\nFor summer:\nThe Sunny Midi Dress.\n", "Two looks:\nFor summer:\nThe Sunny Midi Dress."),
    ("Note: the Sunny Midi Dress is red.", "Note: the Sunny Midi Dress is red."),  # a colon inside a sentence
])
def test_a_lead_in_goes_with_what_it_leads_in_to(text: str, kept: str) -> None:
    assert check_text(text, GROUNDED)[0] == kept


def test_a_lead_in_is_released_with_the_next_sentence_and_not_counted_as_dropped() -> None:
    f = SentenceFilter(Grounding(GROUNDED))
    assert f.feed("Here are my picks:\n") == []
    assert f.feed("The Sunny Midi Dress is red.") == []  # no end of sentence yet
    assert f.flush() == ["Here are my picks:\n", "The Sunny Midi Dress is red."]
    dangling = SentenceFilter(Grounding(GROUNDED))
    assert dangling.feed("Here are my picks:\n0199999999 is lovely.\n") == []
    assert dangling.flush() == [] and dangling.dropped == 1 and dangling.shown == []


async def test_a_reply_never_ends_in_a_lead_in_whose_list_was_dropped(open_service) -> None:  # type: ignore[no-untyped-def]
    prose = "These red dresses are lovely. Here are the best ones:\nThe first pair of trousers is very comfortable.\n"
    async with open_service(ScriptedBackend(text_rule=_saying(prose))) as service:
        turn = await service.ask(Session("lead"), "red dresses")
    assert turn.reply == "These red dresses are lovely."
    assert turn.ungrounded_dropped == 1


async def test_a_reply_of_only_a_dangling_lead_in_gets_the_fixed_reply(open_service) -> None:  # type: ignore[no-untyped-def]
    prose = "Here are some red dresses:\nThe first pair of trousers is very comfortable.\n"
    async with open_service(ScriptedBackend(text_rule=_saying(prose))) as service:
        turn = await service.ask(Session("only"), "red dresses")
    assert turn.products and turn.reply == Replies().get("en", "found", n=len(turn.products))
