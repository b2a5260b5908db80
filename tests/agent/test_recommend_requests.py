"""Requests for the shopper's own picks, in any language, get recommend_for_me: not a search for the words
of the request ("empfiehl mir etwas" is no product), and not the "we don't sell that" reply ("what should I
buy?" asks for nothing the shop lacks)."""

from __future__ import annotations

import pytest

from agent.intents import classify
from agent.scope import request_object


@pytest.mark.parametrize("text", [
    "empfiehl mir etwas",
    "recommande-moi quelque chose",
    "consigliami qualcosa",
    "me recomende algo",
    "recomiéndame algo",
    "what should I buy?",
    "any ideas?",
    "what's new?",
    "what's popular?",
    "best sellers",
    "what's trending",
    "recomiéndame algo para mí",
    "¿qué me recomiendas para hoy?",
    "empfiehl mir etwas für mich",
])
def test_a_request_for_picks_without_a_subject_is_a_recommendation(text: str) -> None:
    c = classify(text, has_shown=False, has_photo=False)
    assert c.intent == "recommend", (text, c.signals)


@pytest.mark.parametrize("text", [
    "any suggestions for a beach holiday?",
    "what should I wear to a wedding?",
    "recommend something for a wedding",
    "¿qué me recomiendas para la playa?",
    "empfiehl mir etwas für den Winter",
    "que me conseillez-vous pour un mariage ?",
    "o que você recomenda para a praia?",
])
def test_a_request_that_names_its_purpose_is_still_a_search(text: str) -> None:
    c = classify(text, has_shown=False, has_photo=False)
    assert (c.intent, "subject" in c.signals) == ("search", True)


@pytest.mark.parametrize(("text", "obj"), [
    ("what should I buy?", None),
    ("what should I get?", None),
    ("what must I have?", None),
    ("should I buy an iPhone?", "iPhone"),
    ("recommend an iPhone", "iPhone"),
])
def test_modal_verbs_are_no_object_of_a_request(text: str, obj: str | None) -> None:
    assert request_object(text, "en") == obj
