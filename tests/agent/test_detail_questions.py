"""A question about a detail of the product on show with no position named ("how much is it?", "what is it made
of?", "what sizes?", "¿qué tallas hay?", "welche Größen gibt es?", "多少钱？") is about the first product shown, never a
search for the question's words; "¿qué tallas hay?" is no "qué tal" small talk."""

from __future__ import annotations

import pytest

from agent.intents import classify
from tests.agent.conversation import converse


@pytest.mark.parametrize("text", [
    "how much is it?", "what is it made of?", "what sizes?", "what sizes does it come in?", "¿qué tallas hay?",
    "¿cuánto cuesta?", "¿de qué material es?", "welche Größen gibt es?", "wie viel kostet das?", "combien ça coûte ?",
    "quanto costa?", "сколько стоит?", "ile kosztuje?", "多少钱？", "有什么尺码",
])
def test_a_detail_question_is_about_the_product_on_show(text: str) -> None:
    c = classify(text, has_shown=True, has_photo=False, names_product=True)
    assert (c.intent, c.ordinal) == ("details", 0)


@pytest.mark.parametrize("text", ["how much are the linen shirts?", "what sizes do the blazers come in?"])
def test_a_question_about_other_products_is_not(text: str) -> None:
    assert classify(text, has_shown=True, has_photo=False, names_product=True).intent != "details"


def test_with_nothing_shown_it_is_no_question_about_a_product() -> None:
    assert classify("how much is it?", has_shown=False, has_photo=False, names_product=True).intent is None


def test_sizes_are_no_small_talk() -> None:
    assert classify("¿qué tallas hay?", has_shown=False, has_photo=False).intent != "greeting"
    assert classify("hola, ¿qué tal?", has_shown=False, has_photo=False).intent == "greeting"


@pytest.mark.parametrize(("question", "answer"), [("how much is it?", "29.99"), ("¿cuánto cuesta?", "29,99")])
async def test_the_price_of_the_product_on_show(open_service, question: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    shown, asked = await converse(open_service, "how-much", "0100000001", question)
    assert shown.products[0].article_id == "0100000001"
    assert asked.intent == "details" and [p.article_id for p in asked.products] == ["0100000001"]
    assert answer in asked.reply
