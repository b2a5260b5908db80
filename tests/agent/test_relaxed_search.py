"""A search that had to drop a filter says so, its prose never claims the dropped value, and
follow-ups refine what was really shown (the shop has no yellow dress in the fake catalog)."""

from __future__ import annotations

from agent.grounding import Grounding, SentenceFilter, check_text
from agent.llm.scripted import ScriptedBackend
from agent.notes import contradicted_terms
from agent.tools import ToolOutput
from agent.turn import Session
from agent.vocabulary import VocabularyMapper

NOTE = "I have no yellow dresses; here are dresses in other colours."


async def test_a_relaxed_search_says_what_is_missing_and_the_prose_does_not_claim_it(open_service) -> None:  # type: ignore[no-untyped-def]
    prose = "The first yellow dress is the Sunny Midi Dress. It is light and easy to wear."
    backend = ScriptedBackend(text_replies=[prose])
    async with open_service(backend) as service:
        turn = await service.ask(Session("yellow"), "a yellow dress")
    assert turn.products and all(p.product_type == "Dress" and p.colour != "Yellow" for p in turn.products)
    assert turn.tool_calls[0]["args"]["colour"] == "Yellow"
    assert turn.reply.startswith(NOTE)
    after = turn.reply[len(NOTE):]
    assert "light and easy to wear" in after and "yellow" not in after.lower()
    assert turn.ungrounded_dropped >= 1
    prompt = backend.calls[-1]["messages"][-1]["content"]
    assert "never call them yellow" in prompt


async def test_the_note_stands_alone_without_the_model_and_in_other_languages(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        en = await service.ask(Session("down"), "a yellow dress")
        zh = await service.ask(Session("down-zh"), "黄色的连衣裙")
    assert en.reply == NOTE
    assert zh.language == "zh" and zh.reply.startswith("目前没有黄色连衣裙，这里是其他颜色的连衣裙。")


async def test_follow_ups_refine_the_relaxed_search_that_was_shown(open_service) -> None:  # type: ignore[no-untyped-def]
    s = Session("yellow-cheaper")
    async with open_service(ScriptedBackend()) as service:
        first = await service.ask(s, "a yellow dress")
        cheaper = await service.ask(s, "cheaper ones")
        blue = await service.ask(s, "in blue")
    assert cheaper.intent == "refine" and "colour" not in cheaper.tool_calls[0]["args"]
    assert cheaper.products, cheaper.reply
    assert all(p.product_type == "Dress" and p.price < min(f.price for f in first.products) for p in cheaper.products)
    assert "lowest-priced" not in cheaper.reply and not cheaper.reply.startswith("I have no")
    assert blue.products and all(p.colour == "Blue" and p.product_type == "Dress" for p in blue.products)


def test_contradicted_words_cover_the_value_in_every_language() -> None:
    vocab = VocabularyMapper({"colour": ["Black", "Dark Blue"], "product_type": ["Jacket"]})
    output = ToolOutput(articles=[object()], extra={"relaxed_values": {"colour": "Black"}})  # type: ignore[list-item]
    terms = contradicted_terms(output, vocab)
    assert {"black", "noir", "schwarz", "黑色", "negro"} <= terms and "dark blue" not in terms
    text = "A black coat. 这件黑色外套很好。 The Black-tie Blazer is smart. Blackberry trim is fine."
    grounded = {"0100000001": "Black-tie Blazer"}
    assert check_text(text, grounded)[1] == 0  # nothing is contradicted unless a filter was dropped
    f = SentenceFilter(Grounding(grounded, set(), contradicted=terms))
    shown = f.feed(text) + f.flush()
    assert "".join(shown).strip() == "The Black-tie Blazer is smart. Blackberry trim is fine."  # names stay
    assert f.dropped == 2


async def test_look_alikes_that_miss_the_price_asked_for_say_so(open_service) -> None:  # type: ignore[no-untyped-def]
    s = Session("similar-cheap")
    async with open_service(ScriptedBackend(mode="down")) as service:
        first = await service.ask(s, "black trousers")
        turn = await service.ask(s, "more like the first one but under 5")
        cheaper = await service.ask(s, "cheaper ones")
    assert turn.tool_calls[0]["tool"] == "find_similar" and turn.tool_calls[0]["args"]["max_price"] == 5
    assert turn.products and all(p.price > 5 for p in turn.products)
    assert turn.reply == "I found nothing similar that is under 5.00; here are the closest look-alikes."
    # "cheaper" look-alikes of the same trousers: trousers really cheaper than those shown, or none and it says so
    assert cheaper.tool_calls[0]["args"]["article_id"] == first.products[0].article_id
    assert {p.product_type for p in turn.products} == {"Trousers"}  # the kind stays when the price is dropped
    assert not cheaper.products and cheaper.reply.startswith("Those are already the lowest-priced matches I have.")


async def test_a_price_limit_stays_when_the_colour_is_dropped(open_service) -> None:  # type: ignore[no-untyped-def]
    """"a yellow dress under 30": no yellow dress at all, so dresses in other colours, all still under 30."""
    async with open_service(ScriptedBackend(mode="down")) as service:
        turn = await service.ask(Session("yellow-30"), "a yellow dress under 30")
        italian = await service.ask(Session("giallo-30"), "un vestito giallo sotto i 30 euro")
    for t in (turn, italian):
        assert t.products and all(p.product_type == "Dress" and p.price <= 30 for p in t.products)
        assert t.tool_calls[0]["args"]["max_price"] == 30.0
    assert turn.reply == NOTE


async def test_a_kind_the_shop_has_but_not_at_the_price_is_not_called_missing(open_service) -> None:  # type: ignore[no-untyped-def]
    """"a red dress under 13": the shop has red dresses, none that cheap; no "I have no red dresses"."""
    async with open_service(ScriptedBackend(mode="down")) as service:
        turn = await service.ask(Session("red-13"), "a red dress under 13")
    assert turn.products == [] and "I have no" not in turn.reply
    assert turn.tool_calls[0]["args"]["max_price"] == 13.0


async def test_cheaper_than_products_of_one_price_with_none_cheaper_says_so(open_service) -> None:  # type: ignore[no-untyped-def]
    s = Session("one-price")
    async with open_service(ScriptedBackend(mode="down")) as service:
        first = await service.ask(s, "a yellow romper")
        cheaper = await service.ask(s, "cheaper")
    assert [p.name for p in first.products] == ["Tiny Star Romper"]
    assert not cheaper.products and cheaper.reply.startswith("Those are already the lowest-priced matches I have.")


async def test_more_like_a_shown_one_but_cheaper_costs_less_than_it(open_service) -> None:  # type: ignore[no-untyped-def]
    s = Session("alike-cheaper")
    async with open_service(ScriptedBackend(mode="down")) as service:
        first = await service.ask(s, "a red dress")
        turn = await service.ask(s, "more like the first one but cheaper")
        last = await service.ask(Session("alike-last"), "a red dress")
        german = await service.ask(Session("alike-last"), "mehr wie das letzte, aber günstiger")
    cap = first.products[0].price
    assert turn.tool_calls[0]["tool"] == "find_similar" and turn.tool_calls[0]["args"]["max_price"] < cap
    assert turn.products and all(p.price < cap for p in turn.products)
    assert german.tool_calls[0]["args"]["max_price"] < last.products[-1].price
