"""Follow-ups need something shown: without it they say so instead of searching for their words."""

from __future__ import annotations

import pytest

from agent.intents import classify, find_ordinal
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session

FOLLOW_UPS = ["cheaper ones", "anything cheaper?", "in blue", "blue ones", "do you have them in red?",
              "show me more", "more like this", "something similar", "更便宜的", "the second one",
              "more like the second one"]


@pytest.mark.parametrize("text", FOLLOW_UPS)
async def test_a_follow_up_in_a_fresh_session_says_nothing_was_shown(open_service, catalog, text: str) -> None:  # type: ignore[no-untyped-def]
    backend = ScriptedBackend()
    async with open_service(backend) as service:
        turn = await service.ask(Session("fresh"), text)
    assert turn.products == []
    assert turn.reply in ("I haven't shown you anything yet. What are you looking for?", "我还没有给您展示商品。您想找什么？")
    assert not [c for c in catalog.calls if c[0] == "search_text"]  # nothing was searched for the words
    assert backend.calls == []  # the rules decided; no model call


async def test_after_reset_a_follow_up_has_nothing_to_refine(open_service) -> None:  # type: ignore[no-untyped-def]
    s = Session("reset")
    async with open_service(ScriptedBackend()) as service:
        assert (await service.ask(s, "a red dress")).products
        assert (await service.ask(s, "cheaper ones")).intent == "refine"
        await service.reset("reset")
        again = await service.ask(s, "cheaper ones")
    assert again.intent == "nothing_shown" and again.products == [] and "haven't shown" in again.reply


@pytest.mark.parametrize("text", ["blue", "cheap shirts", "something in blue", "a red dress", "budget dresses"])
async def test_new_requests_in_a_fresh_session_still_search(open_service, text: str) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        turn = await service.ask(Session("new"), text)
    assert turn.intent == "search" and turn.products


async def test_an_ordinal_past_the_shown_list_names_its_length(open_service) -> None:  # type: ignore[no-untyped-def]
    s = Session("short-list")
    async with open_service(ScriptedBackend(), max_products=1) as service:
        first = await service.ask(s, "black trousers")
        ninth = await service.ask(s, "the 9th one")
        similar = await service.ask(s, "more like the 3rd one")
        first_again = await service.ask(s, "the 1st one")
    assert len(first.products) == 1
    assert ninth.intent == "details" and ninth.products == []
    assert ninth.reply == "I only showed you 1 product, so there is no number 9."
    assert similar.products == [] and similar.reply == "I only showed you 1 product, so there is no number 3."
    assert [p.article_id for p in first_again.products] == [first.products[0].article_id]


def test_numeric_ordinals_and_follow_up_rules() -> None:
    assert find_ordinal("the 9th one") == 8 and find_ordinal("the 12th") == 11 and find_ordinal("2nd item") == 1
    assert find_ordinal("a look for the 20th century party") is None
    assert find_ordinal("a dress for the 30th birthday") is None
    assert find_ordinal("red dress number 0") is None and find_ordinal("number 3") == 2
    fresh = {"has_shown": False, "has_photo": False}
    assert classify("cheaper ones", **fresh).intent == "nothing_shown"
    assert classify("in blue", **fresh, has_colour=True).intent == "nothing_shown"
    assert classify("blue", **fresh, has_colour=True).intent is None
    assert classify("cheaper dresses", **fresh, has_type=True).intent is None
    assert classify("cheaper ones", has_shown=True, has_photo=False).intent == "refine"


@pytest.mark.parametrize(("first", "second", "colour"), [
    ("a red summer dress", "socks in black", "Black"),  # a product the catalog lacks
    ("a red dress", "shirt in white", "White"),  # a product the catalog has
    ("a red dress", "cardigan in blue", "Blue"),
])
async def test_a_new_item_with_a_colour_is_a_new_search(open_service, first: str, second: str, colour: str) -> None:  # type: ignore[no-untyped-def]
    s = Session("new-item")
    async with open_service(ScriptedBackend()) as service:
        assert (await service.ask(s, first)).products
        turn = await service.ask(s, second)
    args = turn.tool_calls[0]["args"]
    assert turn.intent == "search" and args.get("product_type") != "Dress" and args["colour"] == colour
    assert second in args["query"]


@pytest.mark.parametrize("text", ["in blue", "blue ones", "cheaper", "the same in black", "do you have them in red?",
                                  "blue ones with long sleeves"])
async def test_bare_refinements_still_refine_the_shown_list(open_service, text: str) -> None:  # type: ignore[no-untyped-def]
    s = Session("bare")
    async with open_service(ScriptedBackend()) as service:
        assert (await service.ask(s, "a red dress")).products
        turn = await service.ask(s, text)
    assert turn.intent == "refine" and turn.tool_calls[0]["args"].get("product_type") == "Dress"


async def test_more_like_a_product_that_left_the_catalog_says_so(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    s = Session("gone")
    async with open_service(ScriptedBackend()) as service:
        shown = await service.ask(s, "a red dress")
        gone = shown.products[0].article_id
        del catalog.by_id[gone]  # removed by a catalog update since it was shown
        similar = await service.ask(s, "more like the first one")
    assert similar.products == []
    assert similar.reply.startswith("That product is no longer in our catalog")


@pytest.mark.parametrize(("text", "intent", "ordinal", "cheaper", "more"), [
    ("подешевле", "refine", None, True, False),
    ("такие же, но дешевле", "refine", None, True, False),
    ("покажи ещё", "refine", None, False, True),
    ("günstigere bitte", "refine", None, True, False),
    ("zeig mir mehr", "refine", None, False, True),
    ("muéstrame más", "refine", None, False, True),
    ("mehr wie das zweite", "similar", 1, False, False),
    ("más como el segundo", "similar", 1, False, False),
    ("как второй", "similar", 1, False, False),
    ("покажи второй", "details", 1, False, False),
    ("последний", "details", -1, False, False),
    ("первый раз здесь", None, None, False, False),  # "the first time here" points at nothing
    ("montre-m'en plus", "refine", None, False, True),
    ("montrez-moi d'autres", "refine", None, False, True),
    ("再看看", "refine", None, False, True),
    ("给我看更多", "refine", None, False, True),
    ("recomiéndame algo para mí", "recommend", None, False, False),
])
def test_follow_ups_in_other_languages(text: str, intent: str | None, ordinal: int | None, cheaper: bool,
                                       more: bool) -> None:
    from agent.intents import own_words

    c = classify(text, has_shown=True, has_photo=False, names_product=bool(own_words(text)))
    assert (c.intent, c.ordinal, c.cheaper, c.more) == (intent, ordinal, cheaper, more)


async def test_a_russian_cheaper_refines_the_shown_products(open_service) -> None:  # type: ignore[no-untyped-def]
    s = Session("ru")
    async with open_service(ScriptedBackend(), max_products=3) as service:
        first = await service.ask(s, "a dress")
        cheaper = await service.ask(s, "подешевле")
        more = await service.ask(s, "покажи ещё")
    assert cheaper.intent == "refine" and cheaper.products
    assert max(p.price for p in cheaper.products) < min(p.price for p in first.products)
    assert all(p.product_type == "Dress" for p in cheaper.products)
    assert more.intent == "refine" and cheaper.tool_calls[0]["tool"] == "search_catalog"


async def test_a_tool_record_counts_only_the_products_it_shows(open_service) -> None:  # type: ignore[no-untyped-def]
    s = Session("counted")
    async with open_service(ScriptedBackend()) as service:
        await service.ask(s, "a red dress")  # every red dress is shown
        cheaper = await service.ask(s, "cheaper ones")
    call = cheaper.tool_calls[-1]
    assert call["results"] == [] and cheaper.products == []
    assert call["observation"].endswith("left out as shown already, 0 new")


async def test_show_me_more_after_everything_was_shown_says_so(open_service) -> None:  # type: ignore[no-untyped-def]
    s = Session("all-shown")
    async with open_service(ScriptedBackend()) as service:
        first = await service.ask(s, "a red dress")  # every red dress
        more = await service.ask(s, "show me more")
    assert first.products and more.products == [] and more.intent == "refine"
    assert more.reply == "That is everything I have for this search. Want to try something else?"


async def test_a_slow_model_is_not_called_unavailable(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="slow"), llm_timeout=0.3, turn_timeout=1.5) as service:
        slow = await service.ask(Session("slow"), "a red dress")
    async with open_service(ScriptedBackend(mode="down")) as service:
        down = await service.ask(Session("down"), "a red dress")
    assert slow.products and slow.note == "(Short answer: the language model took too long this time.)"
    assert down.products and down.note == "(Short answer: the language model is unavailable right now.)"


async def test_cheaper_than_most_but_not_the_cheapest_says_so(open_service) -> None:  # type: ignore[no-untyped-def]
    s = Session("most")
    async with open_service(ScriptedBackend(mode="down"), max_products=2) as service:
        first = await service.ask(s, "a red dress")
        cheaper = await service.ask(s, "cheaper ones")
    shown = [p.price for p in first.products]
    assert cheaper.products and all(min(shown) < p.price <= sum(shown) / len(shown) for p in cheaper.products)
    assert cheaper.reply.startswith("Nothing is cheaper than the cheapest one I showed; these cost less than most")
