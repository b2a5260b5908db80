"""Price limits in shoppers' words, in several languages, and the filters a turn searches with."""

from __future__ import annotations

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.prices import price_bounds
from agent.turn import Session


@pytest.mark.parametrize(("text", "bounds"), [
    ("a red dress under $30", (30.0, None)),
    ("jeans no more than 25 euros", (25.0, None)),  # not a minimum of 25
    ("tops not more than 15", (15.0, None)),
    ("no less than 20", (None, 20.0)),
    ("dress over 40", (None, 40.0)),
    ("at least 10", (None, 10.0)),
    ("30 or less", (30.0, None)),
    ("不超过100元的外套", (100.0, None)),  # not both limits at 100
    ("超过200元", (None, 200.0)),
    ("100元以内", (100.0, None)),
    ("低于50元", (50.0, None)),
    ("5000円以下", (5000.0, None)),
    ("Cerco una giacca sotto i 50 euro", (50.0, None)),
    ("moins de 20€", (20.0, None)),
    ("pas plus de 30 euros", (30.0, None)),
    ("unter 30 Euro", (30.0, None)),
    ("até 40 reais", (40.0, None)),
    ("не дороже 50", (50.0, None)),
    ("between 20 and 50", (50.0, 20.0)),
    ("entre 20 y 50 euros", (50.0, 20.0)),
    ("20到50元", (50.0, 20.0)),
    ("от 20 до 50", (50.0, 20.0)),
    ("under 3,5", (3.5, None)),
    ("size 38 dress", (None, None)),
    ("t-shirt for 2-3 years", (None, None)),  # a range without a currency or "between" is no price
    ("the 2nd one", (None, None)),
    # added after a regression pass: more languages, units and word orders
    ("jurken onder de 30 euro", (30.0, None)),
    ("ワンピース 20ユーロ以下", (20.0, None)),
    ("ワンピース 3000円まで", (3000.0, None)),
    ("원피스 3만원 이하", (30000.0, None)),  # 만 is ten thousand
    ("فستان أقل من 50", (50.0, None)),
    ("30 TL altında elbise", (30.0, None)),
    ("sukienki poniżej 50 zł", (50.0, None)),
    ("500 रुपये से कम की ड्रेस", (500.0, None)),
    ("jeans between 50 and 20", (50.0, 20.0)),  # a range the wrong way round
    ("skirt, budget 25", (25.0, None)),
    ("2 t-shirts under 20", (20.0, None)),
    ("a 90s style jacket", (None, None)),
])
def test_price_bounds(text: str, bounds: tuple[float | None, float | None]) -> None:
    assert price_bounds(text) == bounds


async def test_a_negated_limit_searches_below_it(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        turn = await service.ask(Session("no-more"), "a dress no more than 25 euros")
        zh = await service.ask(Session("bu-chao-guo"), "不超过30元的连衣裙")
    assert turn.tool_calls[0]["args"].get("max_price") == 25.0 and "min_price" not in turn.tool_calls[0]["args"]
    assert turn.products and all(p.price <= 25.0 for p in turn.products)
    assert zh.products and all(p.price <= 30.0 for p in zh.products)
    assert "min_price" not in zh.tool_calls[0]["args"]
