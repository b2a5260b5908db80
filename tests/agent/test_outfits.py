"""What goes with a product ("what goes with the second one?", "something to go with my last purchase", "was passt
zum ersten?", "和第二个搭配什么？"): the kinds that complete an outfit with it, from its own index group, with a lead
that names it; never the product's own details."""

from __future__ import annotations

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.outfits import asks_what_goes_with, complements, names_last_purchase
from agent.prompts import Replies
from agent.turn import Session

# the demo catalog's kinds (H&M's product types)
KINDS = ["Bag", "Blazer", "Blouse", "Boots", "Coat", "Dress", "Hat", "Hoodie", "Jacket", "Jeans", "Leggings",
         "Pyjamas", "Sandals", "Scarf", "Shirt", "Shorts", "Skirt", "Sneakers", "Sweater", "Swimsuit", "T-shirt",
         "Top", "Trousers"]


@pytest.mark.parametrize(("kind", "group", "expected"), [
    ("Top", "Jersey Fancy", ["Trousers", "Jeans", "Skirt", "Shorts"]),
    ("Jeans", "Trousers Denim", ["Top", "T-shirt", "Blouse", "Shirt"]),
    ("Dress", "Dresses Ladies", ["Sneakers", "Sandals", "Boots", "Bag"]),
    ("Coat", "Outdoor", ["Trousers", "Jeans", "Dress", "Skirt"]),
    ("Tank", "Jersey Basic", ["Trousers", "Jeans", "Skirt", "Shorts"]),  # a kind the table lacks: by garment group
    ("Umbrella", "Unknown", []),
])
def test_complementary_kinds_are_the_catalogs_own(kind: str, group: str, expected: list[str]) -> None:
    assert complements(kind, group, KINDS) == expected


@pytest.mark.parametrize("text", ["what goes with the second one?", "something to go with my last purchase",
                                  "was passt zum ersten?", "和第二个搭配什么？", "what would go well with the first one?"])
def test_outfit_questions(text: str) -> None:
    assert asks_what_goes_with(text)


@pytest.mark.parametrize("text", ["a blue dress", "tell me about the second one", "what did I buy last month?"])
def test_other_questions_are_not_about_outfits(text: str) -> None:
    assert not asks_what_goes_with(text)


def test_the_last_purchase_is_named() -> None:
    assert names_last_purchase("something to go with my last purchase")
    assert not names_last_purchase("what goes with the second one?")


def test_every_reply_language_has_the_lead() -> None:
    replies = Replies()
    english = replies.get("en", "outfit", name="Cloud Knit Sweater")
    assert len(replies.languages) >= 16
    for language in replies.languages:
        lead = replies.get(language, "outfit", name="Cloud Knit Sweater")
        assert "Cloud Knit Sweater" in lead and (lead != english) is (language != "en")


@pytest.mark.parametrize(("first", "question", "lead"), [
    ("a white sweater", "what goes with the first one?", "To go with Cloud Knit Sweater"),
    ("a red skirt", "was passt zum ersten?", "Zu Ruby Pleated Skirt passen"),
    ("a red skirt", "和第一个搭配什么？", "可以和 Ruby Pleated Skirt 搭配"),
])
@pytest.mark.parametrize("mode", ["down", None])
async def test_what_goes_with_a_shown_product(open_service, first: str, question: str, lead: str,  # type: ignore[no-untyped-def]
                                              mode: str | None) -> None:
    async with open_service(ScriptedBackend(mode=mode) if mode else ScriptedBackend()) as service:
        session = Session("outfit")
        shown = await service.ask(session, first)
        paired = await service.ask(session, question)
    base = shown.products[0]
    searches = [c for c in paired.tool_calls if c["tool"] == "search_catalog"]
    assert searches and all(c["args"]["index_group"] == "Ladieswear" for c in searches)
    assert paired.products and base.article_id not in {p.article_id for p in paired.products}
    assert all(p.index_group == "Ladieswear" and p.product_type != base.product_type for p in paired.products)
    assert paired.reply.startswith(lead)


async def test_what_goes_with_the_last_purchase(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        paired = await service.ask(Session("last", customer_id="cust-a"), "something to go with my last purchase")
        unlinked = await service.ask(Session("anon"), "something to go with my last purchase")
    # cust-a's newest purchase is the Harbor Denim Jeans (Menswear): men's tops
    assert paired.reply.startswith("To go with Harbor Denim Jeans")
    assert {p.product_type for p in paired.products} <= {"Shirt", "Sweater"} and paired.products
    assert all(p.index_group == "Menswear" for p in paired.products)
    assert not unlinked.reply.startswith("To go with")


async def test_nothing_to_go_with_keeps_the_details(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:  # the fake shop has no shoes, bags or jackets for a dress
        session = Session("dress")
        shown = await service.ask(session, "a blue dress")
        paired = await service.ask(session, "what would go well with the second one?")
    assert paired.tool_calls[0]["tool"] == "article_details"
    assert [p.article_id for p in paired.products] == [shown.products[1].article_id]
