"""A question about the price, colour or kind of a shown product gets that fact from its catalog record first, whatever
the model writes after it (a 1.5B model answered "how much is it?" with a sentence about the dress's pattern)."""

from __future__ import annotations

from agent.asked_detail import detail_answer
from agent.llm.scripted import ScriptedBackend
from agent.prompts import Replies
from agent.turn import Session


def _prose(messages: list[dict[str, str]]) -> str:
    return "It is a lovely piece with a soft finish."


async def test_the_price_asked_for_comes_first_then_the_prose(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(text_rule=_prose)) as service:
        shown = await service.ask(Session("facts"), "a red dress")
        asked = await service.ask(Session("facts"), "how much is the second one?")
        about = await service.ask(Session("facts"), "tell me about the second one")
    second = shown.products[1]
    fact = detail_answer(second, "how much is the second one?", "en", Replies())
    assert fact and asked.reply == f"{fact} It is a lovely piece with a soft finish."
    assert about.reply == "It is a lovely piece with a soft finish."  # no detail asked: the model's words alone


async def test_the_price_of_a_product_without_one_is_said_to_be_unknown(open_service) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from tests.agent.fakes import FakeCatalog

    catalog = FakeCatalog()  # a product never sold has no price in a catalog whose prices come from its sales
    catalog.items = [replace(a, price=None) if a.colour == "Red" else a for a in catalog.items]
    catalog.by_id = {a.article_id: a for a in catalog.items}
    async with open_service(ScriptedBackend(text_rule=_prose), cat=catalog) as service:
        shown = await service.ask(Session("no-price"), "a red dress")
        asked = await service.ask(Session("no-price"), "how much is the first one?")
        zh = await service.ask(Session("no-price-zh"), "红色连衣裙")
        asked_zh = await service.ask(Session("no-price-zh"), "第一个多少钱？")
    first = shown.products[0]
    assert first.price is None
    assert asked.reply.startswith(f"I don't have a price for {first.name} yet.")
    assert asked_zh.reply.startswith(f"{zh.products[0].name} 暂时还没有价格。")
