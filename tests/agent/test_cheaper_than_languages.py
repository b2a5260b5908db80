""""Cheaper than the first one" and "cheaper than this one" in each reply language: a cent below that product's
price within the shown request ("günstiger als das erste", "дешевле этого", "첫 번째보다 싼 거", "ilkinden daha ucuz",
"tańsze niż pierwszy"), never a new search for the sentence."""

from __future__ import annotations

from typing import Any

import pytest

from agent.cheaper_than import compared_position
from agent.intents import classify
from agent.llm.scripted import ScriptedBackend
from agent.ordinals import find_ordinal
from agent.turn import Session

# The fake shop's red dresses by relevance to "a red dress": Sunny 29.99, Poppy 19.99, Coral 24.99, Ember 39.99.
CORAL = "0100000005"

CHEAPER_THAN_THE_FIRST = [
    "cheaper than the first one",
    "günstiger als das erste", "billiger als das erste", "gibt es etwas günstigeres als das erste?",
    "дешевле первого", "что-нибудь дешевле первого", "дешевле, чем первый",
    "첫 번째보다 싼 거", "첫 번째보다 저렴한 거 있어?", "첫 번째 것보다 더 싼 거",
    "أرخص من الأول", "شيء أرخص من الأول",
    "moins cher que le premier", "quelque chose de moins cher que le premier",
    "più economico del primo", "meno caro del primo",
    "mais barato que o primeiro", "mais barato do que o primeiro",
    "goedkoper dan de eerste", "iets goedkopers dan de eerste",
    "billigare än den första", "något billigare än den första",
    "ilkinden daha ucuz", "birinciden daha ucuz olan", "ilkinden daha ucuz var mı?",
    "tańsze niż pierwszy", "tańsze od pierwszego", "coś tańszego niż pierwsza",
    "1番目より安いもの", "最初のより安いもの", "一番目より安いのある？",
    "比第一个便宜的", "有比第一个更便宜的吗？",
    "más barato que el primero", "algo más barato que el primero",
]
CHEAPER_THAN_THIS_ONE = [
    "cheaper than this one",
    "günstiger als dieses", "billiger als das hier",
    "дешевле этого", "дешевле этой", "дешевле того", "что-нибудь дешевле этого",
    "이것보다 싼 거", "이거보다 저렴한 거",
    "أرخص من هذا", "أرخص من هذه",
    "moins cher que celui-ci", "moins cher que ça",
    "più economico di questo", "più economica di questa",
    "mais barato que este", "mais barato do que esse",
    "goedkoper dan deze", "goedkoper dan dit",
    "billigare än den här", "billigare än denna",
    "bundan daha ucuz", "bundan ucuz olan var mı?",
    "tańsze niż ten", "tańsza od tej",
    "これより安いもの", "それより安いのある？",
    "比这个便宜的", "有比这个更便宜的吗？",
    "más barato que este", "algo más barato que esta",
]


async def _cheaper_turn(open_service: Any, before: list[str], text: str) -> Any:
    async with open_service(ScriptedBackend(), max_products=2) as service:
        session = Session(f"cheaper-{text}")
        shown = await service.ask(session, "a red dress")
        assert [p.price for p in shown.products] == [29.99, 19.99]
        for earlier in before:
            await service.ask(session, earlier)
        return await service.ask(session, text)


@pytest.mark.parametrize("text", CHEAPER_THAN_THE_FIRST)
async def test_cheaper_than_the_first_one_in_each_language(open_service: Any, text: str) -> None:
    turn = await _cheaper_turn(open_service, [], text)
    assert turn.intent == "refine"
    args = turn.tool_calls[0]["args"]
    assert args["max_price"] == 29.98  # below the first one, not below the cheapest shown (19.98)
    assert (args["product_type"], args["colour"]) == ("Dress", "Red")
    assert [p.article_id for p in turn.products] == [CORAL]


@pytest.mark.parametrize("text", CHEAPER_THAN_THIS_ONE)
async def test_cheaper_than_this_one_in_each_language(open_service: Any, text: str) -> None:
    turn = await _cheaper_turn(open_service, ["tell me about the first one"], text)
    assert turn.intent == "refine"
    args = turn.tool_calls[0]["args"]
    assert args["max_price"] == 29.98  # below the one the conversation is about
    assert (args["product_type"], args["colour"]) == ("Dress", "Red")
    assert [p.article_id for p in turn.products] == [CORAL]


@pytest.mark.parametrize(("text", "position"), [
    ("ilkinden daha ucuz", 0), ("ikincisinden daha ucuz", 1), ("üçüncüsü", 2), ("sonuncusu", -1),
    ("tańsze niż pierwszy", 0), ("drugiego", 1), ("trzecia", 2), ("ostatni", -1),
    ("最初のより安いもの", 0), ("最後のより安いもの", -1),
    # the fourth and fifth of five cards
    ("günstiger als das vierte", 3), ("дешевле четвертого", 3), ("пятая", 4), ("billigare än den fjärde", 3),
    ("moins cher que le cinquième", 4), ("goedkoper dan de vierde", 3), ("más barato que el quinto", 4),
])
def test_more_ordinals(text: str, position: int) -> None:
    assert find_ordinal(text) == position


@pytest.mark.parametrize("text", ["ilk kez", "ilk defa", "ilkbahar elbisesi", "ikinci el", "pierwszy raz",
                                  "po raz pierwszy", "z drugiej ręki", "最初は", "最後に", "пятно", "пятница"])
def test_first_time_is_no_ordinal(text: str) -> None:
    assert find_ordinal(text) is None


@pytest.mark.parametrize("text", ["첫 번째보다 싼 거", "두 번째보다 저렴한 거"])
def test_korean_cheaper_than_a_named_one_is_cheaper_not_its_details(text: str) -> None:
    c = classify(text, has_shown=True, has_photo=False)
    assert (c.intent, c.cheaper) == ("refine", True)


@pytest.mark.parametrize("text", ["дешевле этого", "дешевле этой", "дешевле того", "bundan daha ucuz",
                                  "tańsze niż ten", "goedkoper dan deze"])
def test_this_one_is_the_product_on_show(text: str) -> None:
    assert compared_position(text, None, 3) == 3


@pytest.mark.parametrize(("text", "cheaper", "cheap"), [
    ("싼 거 있어?", True, True),  # "anything cheap?" after a list: cheaper ones, as "저렴한" and "cheap"
    ("비싼 원피스", False, False),  # "an expensive dress": "비싼" is no "싼"
    ("이것보다 비싼 거", False, False),  # "more expensive than this one"
])
def test_korean_cheap_is_not_expensive(text: str, cheaper: bool, cheap: bool) -> None:
    c = classify(text, has_shown=True, has_photo=False)
    assert (c.cheaper, c.cheap) == (cheaper, cheap)
