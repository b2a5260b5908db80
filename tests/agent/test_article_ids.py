"""A catalog article id the shopper types ("0512466002", as every card prints it) decides the turn by rule:
its card, look-alikes of it, or a reply that no product has that number; never unrelated products."""

from __future__ import annotations

import pytest

from agent.grounding import Grounding
from agent.intents import find_article_ids
from agent.llm.scripted import ScriptedBackend
from agent.prompts import Replies
from agent.turn import Session

DRESS = "0100000005"  # Coral Shirt Dress, red, 24.99 (tests/agent/fakes.py)
SKIRT = "0100000011"  # Ruby Pleated Skirt, red, 21.99
MISSING = "0199999999"


def _ids(turn) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.article_id for p in turn.products]


def _last_similar(catalog) -> str:  # type: ignore[no-untyped-def]
    """The article the last look-alike search of the catalog started from."""
    return str([args for name, args in catalog.calls if name == "similar_to"][-1][0])


def _routed_by_model(backend: ScriptedBackend) -> bool:
    return any(call["kind"] == "tool" for call in backend.calls)


def test_only_the_id_shape_counts() -> None:
    assert find_article_ids("[0512466002] and 512466002, then 0100000003") == ["0512466002", "0100000003"]
    assert find_article_ids("类似0512466002的") == ["0512466002"]
    assert find_article_ids("dresses under 30") == [] and find_article_ids("size 38, 2 dresses") == []
    assert find_article_ids("between 20 and 50 euros") == [] and find_article_ids("12345678") == []
    assert find_article_ids("05124660021") == []  # 11 digits: no article id


@pytest.mark.parametrize("text", [DRESS, f"[{DRESS}]", DRESS.lstrip("0"), f"show me article {DRESS}",
                                  f"tell me about {DRESS}", f"details of {DRESS}", f"zeig mir {DRESS}",
                                  f"{DRESS} 的详情", f"muéstrame el {DRESS}", f"[{DRESS}] Coral Shirt Dress, Red, 24.99"])
async def test_an_id_shows_that_product(open_service, catalog, text: str) -> None:  # type: ignore[no-untyped-def]
    backend = ScriptedBackend()
    async with open_service(backend) as service:
        turn = await service.ask(Session("id"), text)
    assert turn.intent == "details" and _ids(turn) == [DRESS]
    assert [c["tool"] for c in turn.tool_calls] == ["article_details"]
    assert not [c for c in catalog.calls if c[0] == "search_text"]  # the digits were not searched for
    assert not _routed_by_model(backend)


@pytest.mark.parametrize("text", [f"more like {DRESS}", f"similar to {DRESS}", f"ähnlich wie {DRESS}",
                                  f"类似 {DRESS}", f"something like [{DRESS}]", f"any alternatives to {DRESS.lstrip('0')}?"])
async def test_more_like_an_id_finds_look_alikes_of_it(open_service, catalog, text: str) -> None:  # type: ignore[no-untyped-def]
    backend = ScriptedBackend()
    async with open_service(backend) as service:
        turn = await service.ask(Session("like"), text)
    assert turn.intent == "similar" and turn.products and DRESS not in _ids(turn)
    assert turn.tool_calls[0]["tool"] == "find_similar" and turn.tool_calls[0]["args"]["article_id"] == DRESS
    assert _last_similar(catalog) == DRESS
    assert not _routed_by_model(backend)


async def test_cheaper_than_an_id_and_in_another_colour(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        cheaper = await service.ask(Session("c"), f"cheaper than {DRESS}")
        blue = await service.ask(Session("b"), f"do you have {DRESS} in blue?")
    assert cheaper.tool_calls[0]["args"]["max_price"] < 24.99  # below the dress, not the id read as a price
    assert cheaper.products and all(p.price < 24.99 for p in cheaper.products)
    assert blue.intent == "similar" and blue.tool_calls[0]["args"]["colour"] == "Blue"
    assert blue.products and all(p.colour == "Blue" and p.product_type == "Dress" for p in blue.products)


async def test_an_unknown_id_says_so_in_the_shoppers_language(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    replies = Replies()
    async with open_service(ScriptedBackend()) as service:
        en = await service.ask(Session("u"), f"tell me about {MISSING}")
        like = await service.ask(Session("u2"), f"more like {MISSING}")
        de = await service.ask(Session("u3", language="de"), MISSING)
    assert en.products == [] and en.tool_calls == [] and en.reply == replies.get("en", "no_article", k=MISSING)
    assert like.products == [] and like.reply == en.reply
    assert de.language == "de" and de.reply == replies.get("de", "no_article", k=MISSING)
    assert not [c for c in catalog.calls if c[0] in ("search_text", "similar_to")]
    for language in replies.languages:
        # the number is not said back: an id in the prose that no tool returned is an ungrounded mention
        assert Grounding({}).violations(replies.get(language, "no_article", k=MISSING)) == 0


async def test_several_ids_show_each_up_to_the_card_limit(open_service) -> None:  # type: ignore[no-untyped-def]
    many = ["0100000001", "0100000002", "0100000003", "0100000004", "0100000006", "0100000007"]
    async with open_service(ScriptedBackend(), max_products=5) as service:
        both = await service.ask(Session("two"), f"{SKIRT} and {DRESS} and {MISSING}")
        capped = await service.ask(Session("six"), " ".join(many))
    assert both.intent == "details" and _ids(both) == [SKIRT, DRESS]
    assert both.reply.startswith(Replies().get("en", "no_article", k=MISSING))
    assert _ids(capped) == many[:5]


async def test_a_named_product_is_what_follow_ups_refer_to(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    s = Session("follow")
    async with open_service(ScriptedBackend()) as service:
        assert _ids(await service.ask(s, "a blue dress")) != [DRESS]  # something else was shown before
        named = await service.ask(s, DRESS)
        cheaper = await service.ask(s, "cheaper")
        await service.ask(s, DRESS)
        blue = await service.ask(s, "in blue")
        await service.ask(s, DRESS)
        first = await service.ask(s, "more like the first one")
        source = _last_similar(catalog)
        two = await service.ask(s, f"{SKIRT} {DRESS}")
        second = await service.ask(s, "the second one")
    assert _ids(named) == [DRESS]
    assert cheaper.intent == "refine" and cheaper.products and all(p.price < 24.99 for p in cheaper.products)
    assert cheaper.tool_calls[0]["args"]["article_id"] == DRESS
    assert blue.intent == "refine" and blue.products and all(p.colour == "Blue" for p in blue.products)
    assert first.intent == "similar" and first.products and DRESS not in _ids(first)
    assert first.tool_calls[0]["args"]["position"] == 1 and source == DRESS
    assert _ids(two) == [SKIRT, DRESS] and _ids(second) == [DRESS]


async def test_a_named_product_is_remembered_in_the_session_state(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        await service.ask(Session("state"), f"more like {DRESS}")
        state = (await service.graph.aget_state({"configurable": {"thread_id": "state"}})).values
        await service.ask(Session("state"), DRESS)
        after = (await service.graph.aget_state({"configurable": {"thread_id": "state"}})).values
    assert DRESS in state["grounded"] and DRESS not in [s["article_id"] for s in state["shown"]]
    assert [s["article_id"] for s in after["shown"]] == [DRESS]
    assert after["shown_from"] == {"tool": "article_details", "source": DRESS, "filters": {}}


async def test_ids_on_the_real_catalog(demo_catalog, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Over SQLite and Chroma: the card of a typed id, look-alikes of its 9-digit form, and a missing number."""
    from agent.factory import build_shopping_service
    from reclmms.app import open_catalog
    from reclmms.settings import StorageSettings

    settings = demo_catalog.model_copy(update={
        "storage": StorageSettings(data_dir=tmp_path),
        "agent": demo_catalog.agent.model_copy(update={"turn_timeout_s": 120.0})})
    async with open_catalog(demo_catalog) as (_db, catalog):
        target = (await catalog.search_text("dress", None, 3))[2].article  # not the first hit of a search
        missing = "0999999999"
        assert not await catalog.get_articles([missing])
        async with build_shopping_service(settings, catalog, backend=ScriptedBackend()) as service:
            card = await service.ask(Session("real"), f"tell me about {target.article_id}")
            like = await service.ask(Session("real"), f"similar to {int(target.article_id)}")
            cheaper = await service.ask(Session("real"), "cheaper")
            gone = await service.ask(Session("real"), missing)
    assert card.intent == "details" and [p.article_id for p in card.products] == [target.article_id]
    assert like.tool_calls[0]["tool"] == "find_similar" and like.tool_calls[0]["args"]["article_id"] == target.article_id
    assert like.products and target.article_id not in [p.article_id for p in like.products]
    assert cheaper.tool_calls[0]["args"].get("article_id") == target.article_id  # the look-alikes' source
    assert gone.products == [] and gone.intent == "no_article" and missing not in gone.reply  # not said back
