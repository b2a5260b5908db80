"""A question about a detail of several shown products by position ("how much are the first and the second?", "the
1st and 3rd", "el primero y el segundo", "第一个和第二个", "первый и второй") shows each product named, in that order,
and answers the question for each from its catalog record, as "compare the first and the second" shows both; a
question about one position is about that one only. "Tell me about the first and the second" shows both too."""

from __future__ import annotations

import pytest

from agent.asked_detail import detail_answer
from agent.intents import classify, find_positions
from agent.prompts import Replies
from tests.agent.conversation import converse


@pytest.mark.parametrize(("text", "positions"), [
    ("how much are the first and the second?", [0, 1]),
    ("what sizes do the first and second come in?", [0, 1]),
    ("how much are the 1st and 3rd?", [0, 2]),
    ("how much are the first, second and third?", [0, 1, 2]),
    ("what colour are the third and the first ones?", [2, 0]),
    ("¿cuánto cuestan el primero y el segundo?", [0, 1]),
    ("第一个和第二个多少钱？", [0, 1]),
    ("сколько стоят первый и второй?", [0, 1]),
    ("combien coûtent le premier et le deuxième ?", [0, 1]),
    ("1番目と2番目はいくら？", [0, 1]),
    # no detail named: each product named is shown, as for a detail
    ("tell me about the first and the second", [0, 1]),
    ("show me the first and the third", [0, 2]),
    ("háblame del primero y del segundo", [0, 1]),
    ("расскажи о первом и втором", [0, 1]),
])
def test_a_detail_question_names_every_position(text: str, positions: list[int]) -> None:
    c = classify(text, has_shown=True, has_photo=False, names_product=True)
    assert (c.intent, c.ordinal, c.positions) == ("details", positions[0], positions)
    assert find_positions(text) == positions


@pytest.mark.parametrize("text", ["how much is the second?", "what sizes does the first one come in?",
                                  "tell me about the second one"])
def test_one_position_names_no_positions(text: str) -> None:
    assert classify(text, has_shown=True, has_photo=False, names_product=True).positions == []


@pytest.mark.parametrize(("question", "language", "picked"), [
    ("how much are the first and the second?", "en", [0, 1]),
    ("how much are the 1st and 3rd?", "en", [0, 2]),
    ("¿cuánto cuestan el primero y el segundo?", "es", [0, 1]),
    ("第一个和第二个多少钱？", "zh", [0, 1]),
    ("сколько стоят первый и второй?", "ru", [0, 1]),
])
async def test_each_product_named_gets_its_answer(open_service, question: str, language: str,  # type: ignore[no-untyped-def]
                                                  picked: list[int]) -> None:
    shown, asked = await converse(open_service, "several", "a red dress", question)
    assert len(shown.products) >= 3
    named = [shown.products[p] for p in picked]
    assert asked.intent == "details"
    assert [p.article_id for p in asked.products] == [p.article_id for p in named]
    answers = [detail_answer(p, question, language, Replies()) for p in named]
    assert all(answers) and all(answer in asked.reply for answer in answers)
    assert asked.reply.index(answers[0]) < asked.reply.index(answers[1])


async def test_sizes_of_several_products(open_service) -> None:  # type: ignore[no-untyped-def]
    shown, asked, one = await converse(open_service, "sizes", "a red dress",
                                       "what sizes do the first and second come in?", "how much is the second?")
    assert [p.article_id for p in asked.products] == [p.article_id for p in shown.products[:2]]
    assert asked.reply == Replies().get("en", "details_sizes")
    assert [p.article_id for p in one.products] == [shown.products[1].article_id]
    assert one.reply == detail_answer(shown.products[1], "how much is the second?", "en", Replies())


@pytest.mark.parametrize(("question", "picked"), [
    ("tell me about the first and the third", [0, 2]),
    ("háblame del primero y del segundo", [0, 1]),
    ("расскажи о первом и втором", [0, 1]),
])
async def test_telling_about_several_shows_each_one(open_service, question: str, picked: list[int]) -> None:  # type: ignore[no-untyped-def]
    shown, asked = await converse(open_service, "tell-several", "a red dress", question)
    assert [p.article_id for p in asked.products] == [shown.products[p].article_id for p in picked]
