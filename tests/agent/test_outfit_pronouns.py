""""What goes with it?" in each reply language, with no position named: what goes with the shown product (the first
of several), as "what goes with the first one?" does; a message that names a kind of its own stays a search."""

from __future__ import annotations

import pytest

from agent.outfits import asks_what_goes_with
from tests.agent.conversation import converse


@pytest.mark.parametrize("text", [
    "what goes with it?", "was passt dazu?", "qu'est-ce qui va avec ?", "cosa ci abbino?", "o que combina com ele?",
    "co do tego pasuje?", "что к нему подойдёт?", "これに合うものは？", "이거랑 어울리는 거?", "ماذا يناسبه؟",
    "buna ne uyar?", "搭配什么好?",
])
def test_outfit_questions_in_every_language(text: str) -> None:
    assert asks_what_goes_with(text)


@pytest.mark.parametrize(("question", "lead"), [
    ("what goes with it?", "To go with Cloud Knit Sweater"), ("was passt dazu?", "Zu Cloud Knit Sweater passen"),
    ("co do tego pasuje?", "Cloud Knit Sweater"),
])
async def test_what_goes_with_it_pairs_the_shown_product(open_service, question: str, lead: str) -> None:  # type: ignore[no-untyped-def]
    shown, paired = await converse(open_service, "outfit-it", "a white sweater", question)
    assert shown.products[0].name == "Cloud Knit Sweater"
    assert lead in paired.reply
    assert paired.products and all(p.product_type != "Sweater" for p in paired.products)
    assert all(p.index_group == "Ladieswear" for p in paired.products)


async def test_a_message_that_names_a_kind_is_no_outfit_of_the_shown_one(open_service) -> None:  # type: ignore[no-untyped-def]
    _, asked = await converse(open_service, "outfit-kind", "a white sweater", "a skirt that goes with a red top")
    assert "Cloud Knit Sweater" not in asked.reply
    assert asked.products and all(p.product_type == "Skirt" for p in asked.products)
