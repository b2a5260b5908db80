""""Cheaper" after a list: below the product named ("cheaper than the second one", "cheaper than this one" after
its details, "2番目より安いもの"), and, when none of the products shown has a price (most of a catalog whose prices
come from its sales), the lowest-priced products of the same search instead of "nothing found"."""

from __future__ import annotations

from typing import Any

import pytest

from agent.cheaper_than import cheaper, compared_position
from agent.llm.scripted import ScriptedBackend
from agent.ordinals import find_ordinal, is_ordinal_word
from agent.turn import Session
from catalog.models import Article
from tests.agent.fakes import FakeCatalog

# The fake shop's red dresses by relevance to "a red dress": Sunny 29.99, Poppy 19.99, Coral 24.99, Ember 39.99.
CORAL = "0100000005"


def _dress(article_id: str, name: str, colour: str, price: float | None) -> Article:
    return Article(article_id=article_id, name=name, product_type="Dress", colour=colour, colour_master=colour,
                   index_group="Ladieswear", price=price, description=f"A {colour.lower()} dress.",
                   product_group="Garment", garment_group="Dress")


def _unpriced_black_dresses(priced: dict[str, float]) -> FakeCatalog:
    """The fake shop with six unpriced black dresses as the best matches for "black dress", and ``priced`` black
    dresses (name -> price) behind them."""
    catalog = FakeCatalog()
    unpriced = [_dress(f"00000000{i:02d}", f"Black Dress dress {i}", "Black", None) for i in range(6)]
    others = [_dress(f"02000000{i:02d}", name, "Black", price) for i, (name, price) in enumerate(priced.items())]
    catalog.items = unpriced + catalog.items + others
    catalog.by_id = {a.article_id: a for a in catalog.items}
    return catalog


@pytest.mark.parametrize("text", ["cheaper please", "anything cheaper?", "أرخص", "更便宜的", "подешевле"])
async def test_cheaper_after_unpriced_products_shows_the_cheapest_priced_ones(open_service: Any, text: str) -> None:
    catalog = _unpriced_black_dresses({"Noir Jersey Dress": 15.0, "Onyx Tube Dress": 9.5})
    async with open_service(ScriptedBackend(), cat=catalog, max_products=3) as service:
        session = Session(f"unpriced-{text}")
        shown = await service.ask(session, "black dress for women")
        turn = await service.ask(session, text)
    assert shown.products and all(p.price is None for p in shown.products)
    assert turn.intent == "refine"
    assert turn.tool_calls[0]["args"].get("cheap") is True
    # the priced black dresses, cheapest first: the Night Satin Dress (49.99) is the fake shop's own
    assert [p.price for p in turn.products] == [9.5, 15.0, 49.99]
    assert all((p.product_type, p.colour) == ("Dress", "Black") for p in turn.products)


async def test_cheaper_after_unpriced_products_never_offers_other_unpriced_ones(open_service: Any) -> None:
    catalog = _unpriced_black_dresses({})
    catalog.items = [a for a in catalog.items if a.article_id != "0100000004"]  # no priced black dress at all
    catalog.by_id = {a.article_id: a for a in catalog.items}
    async with open_service(ScriptedBackend(), cat=catalog, max_products=3) as service:
        session = Session("none-priced")
        await service.ask(session, "black dress for women")
        turn = await service.ask(session, "cheaper please")
    assert turn.products == []


@pytest.mark.parametrize("text", ["cheaper than the first one", "anything cheaper than the 1st one?",
                                  "1番目より安いもの", "1番目のもっと安いのある？", "比第一个便宜的",
                                  "más barato que el primero", "moins cher que le premier", "дешевле первого",
                                  "mais barato que o primeiro", "più economico del primo"])
async def test_cheaper_than_a_named_one_is_a_cent_below_its_price(open_service: Any, text: str) -> None:
    async with open_service(ScriptedBackend(), max_products=2) as service:
        session = Session(f"named-{text}")
        shown = await service.ask(session, "a red dress")
        turn = await service.ask(session, text)
    assert [p.price for p in shown.products] == [29.99, 19.99]
    assert turn.intent == "refine"
    args = turn.tool_calls[0]["args"]
    assert args["max_price"] == 29.98  # not below the cheapest shown (19.98)
    assert (args["product_type"], args["colour"]) == ("Dress", "Red")
    assert [p.article_id for p in turn.products] == [CORAL]  # the one shown below it is left out


@pytest.mark.parametrize("text", ["anything cheaper than this one?", "これより安いもの", "cheaper than it"])
async def test_cheaper_than_this_one_after_its_details(open_service: Any, text: str) -> None:
    async with open_service(ScriptedBackend(), max_products=2) as service:
        session = Session(f"this-{text}")
        await service.ask(session, "a red dress")
        await service.ask(session, "tell me about the first one")
        turn = await service.ask(session, text)
    assert turn.tool_calls[0]["args"]["max_price"] == 29.98
    assert [p.article_id for p in turn.products] == [CORAL]


@pytest.mark.parametrize(("text", "ordinal", "focus", "position"), [
    ("cheaper than the second one", 1, 0, 1),
    ("cheaper than this one", None, 2, 2),
    ("más barato que este", None, 1, 1),
    ("cheaper ones", None, 2, None),
    ("cheaper than these", None, 2, None),
    ("anything cheaper?", None, 0, None),
])
def test_the_product_cheaper_is_compared_with(text: str, ordinal: int | None, focus: int,
                                             position: int | None) -> None:
    assert compared_position(text, ordinal, focus) == position


def test_what_cheaper_caps() -> None:
    shown: list[dict[str, Any]] = [{"price": 18.63}, {"price": 20.81}, {"price": 16.93}, {"price": None}]
    assert cheaper(shown, 1).max_price == 20.80  # the second one
    assert cheaper(shown, -2).max_price == 16.92  # "the last one but one" is the third
    plain = cheaper(shown, None)
    assert (plain.max_price, plain.cheap) == (16.92, False)
    assert plain.fallback_max_price == pytest.approx((18.63 + 20.81 + 16.93) / 3)
    assert cheaper(shown, 3).max_price == 16.92  # the one named has no price: below the cheapest priced one
    assert cheaper(shown, 9).max_price == 16.92  # no such product shown
    none_priced = cheaper([{"price": None}, {}], None)
    assert (none_priced.max_price, none_priced.cheap) == (None, True)


@pytest.mark.parametrize("word", ["primero", "premier", "erste", "primo", "eerste", "primeiro", "первого", "الأول",
                                  "الثانية"])
def test_an_ordinal_word_names_no_product(word: str) -> None:
    assert is_ordinal_word(word)


@pytest.mark.parametrize("word", ["dress", "vestido", "платье", "فستان", "раз"])
def test_other_words_are_no_ordinals(word: str) -> None:
    assert not is_ordinal_word(word)


@pytest.mark.parametrize(("text", "position"), [("أرخص من الأول", 0), ("أخبرني عن الثاني", 1), ("الأخيرة", -1),
                                                ("للمرة الأولى", None)])
def test_arabic_ordinals(text: str, position: int | None) -> None:
    assert find_ordinal(text) == position
