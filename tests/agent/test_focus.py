""""It" after a question about one shown product is that product: "how much is the second one?", then "what goes
with it?" pairs the second one, as "how much is it?" and "more like it" are about it; once new products are
shown, "it" is the first of them again."""

from __future__ import annotations

from tests.agent.conversation import converse


async def test_it_is_the_product_asked_about_last(open_service) -> None:  # type: ignore[no-untyped-def]
    shown, second, price, similar = await converse(
        open_service, "focus", "a sweater", "how much is the second one?", "how much is it?", "more like it")
    assert len(shown.products) >= 2
    target = shown.products[1]
    assert [p.article_id for p in second.products] == [target.article_id]
    assert [p.article_id for p in price.products] == [target.article_id]
    assert similar.tool_calls[-1]["tool"] == "find_similar"
    assert similar.tool_calls[-1]["args"]["position"] == 2
    assert target.article_id not in [p.article_id for p in similar.products]


async def test_what_goes_with_it_pairs_the_product_asked_about(open_service) -> None:  # type: ignore[no-untyped-def]
    shown, _, paired = await converse(open_service, "focus-outfit", "a sweater", "tell me about the second one",
                                      "what goes with it?")
    assert shown.products[1].name in paired.reply
    assert shown.products[0].name not in paired.reply


async def test_new_products_make_it_the_first_again(open_service) -> None:  # type: ignore[no-untyped-def]
    _, _, others, price = await converse(open_service, "focus-new", "a sweater", "how much is the second one?",
                                         "show me skirts", "how much is it?")
    assert others.products
    assert [p.article_id for p in price.products] == [others.products[0].article_id]
