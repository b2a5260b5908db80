"""A message that answers a product's card (a Telegram reply to it: ``Session.about``) is about that product, not the
first one shown: "more like this one", "how much is it?", "what goes with it?"; a message that names a kind of its
own ("show me skirts") or asks for no product ("thanks") is read as it would be anyway."""

from __future__ import annotations

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session


async def test_answers_to_a_card_are_about_its_product(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        shown = await service.ask(Session("card"), "a sweater")
        card = shown.products[1]

        def about(text: str):  # type: ignore[no-untyped-def]
            return service.ask(Session("card", about=card.article_id), text)

        price = await about("how much is it?")
        alike = await about("more like this one")
        outfit = await about("what goes with it?")
        skirts = await about("show me skirts")
        thanks = await about("thanks!")
    assert len(shown.products) >= 2
    assert [p.article_id for p in price.products] == [card.article_id]
    assert alike.intent == "similar" and alike.tool_calls[-1]["args"]["article_id"] == card.article_id
    assert card.name in outfit.reply and shown.products[0].name not in outfit.reply
    assert skirts.products and all(p.product_type == "Skirt" for p in skirts.products)
    assert thanks.intent == "thanks" and not thanks.products
