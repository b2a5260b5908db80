from __future__ import annotations

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session


async def test_cheaper_in_blue_and_second_one_across_turns(open_service, backend: ScriptedBackend) -> None:
    s = Session("multi")
    async with open_service(backend, max_products=2) as service:
        first = await service.ask(s, "a summer dress")
        assert first.products and all(p.product_type == "Dress" for p in first.products)

        blue = await service.ask(s, "in blue")
        assert blue.intent == "refine"
        assert len(blue.products) >= 2
        assert all(p.colour == "Blue" and p.product_type == "Dress" for p in blue.products)
        assert blue.tool_calls[0]["args"]["colour"] == "Blue"

        details = await service.ask(s, "tell me about the second one")
        assert details.intent == "details"
        assert [p.article_id for p in details.products] == [blue.products[1].article_id]

        prices = [p.price for p in blue.products if p.price is not None]
        cheaper = await service.ask(s, "cheaper ones")  # refers to the blue list, not the details
        assert cheaper.intent == "refine"
        assert cheaper.products
        # new items, cheaper than everything shown
        assert all(p.price < min(prices) for p in cheaper.products)
        assert not {p.article_id for p in cheaper.products} & {p.article_id for p in blue.products}
        assert all(p.colour == "Blue" and p.product_type == "Dress" for p in cheaper.products)

        similar = await service.ask(s, "more like the first one but in red")
        assert similar.intent == "similar"
        assert similar.tool_calls[0]["tool"] == "find_similar"
        assert similar.tool_calls[0]["args"]["position"] == 1
        assert similar.products and all(p.colour == "Red" for p in similar.products)
        assert cheaper.products[0].article_id not in {p.article_id for p in similar.products}


async def test_memory_survives_reopen_and_reset_forgets(open_service, catalog) -> None:
    s = Session("persist")
    async with open_service(ScriptedBackend()) as service:
        first = await service.ask(s, "black trousers")
        assert first.products[0].article_id == "0100000007"
    # a new service over the same checkpoint file (a restart)
    async with open_service(ScriptedBackend()) as service:
        again = await service.ask(s, "the first one")
        assert again.intent == "details"
        assert [p.article_id for p in again.products] == ["0100000007"]
        other = await service.ask(Session("someone-else"), "the first one")
        assert other.products == []  # sessions do not share memory
        await service.reset("persist")
        after = await service.ask(s, "the first one")
        assert after.products == []
        assert "haven't shown" in after.reply


async def test_ordinal_beyond_list_is_explained(open_service) -> None:
    async with open_service(ScriptedBackend()) as service:
        await service.ask(Session("o"), "black trousers")
        result = await service.ask(Session("o"), "the fifth one")
        assert result.products == []
        assert "number 5" in result.reply


async def test_refinements_follow_what_produced_the_list(open_service, catalog) -> None:
    s = Session("origin", customer_id="cust-a")
    async with open_service(ScriptedBackend()) as service:
        await service.ask(s, "black trousers")
        similar = await service.ask(s, "more like the first one")
        assert similar.tool_calls[0]["tool"] == "find_similar"
        blue = await service.ask(s, "in blue")  # more like that same article, now in blue
        assert blue.tool_calls[0]["tool"] == "find_similar"
        assert blue.tool_calls[0]["args"]["article_id"] == "0100000007"
        assert blue.products and all(p.colour == "Blue" for p in blue.products)
        history = await service.ask(s, "what did I buy?")
        assert history.products
        cheaper = await service.ask(s, "cheaper ones")
        assert cheaper.tool_calls[0]["tool"] == "search_catalog"
        assert cheaper.tool_calls[0]["args"]["query"] == history.products[0].product_type
        assert all(p.price < min(h.price for h in history.products) for p in cheaper.products)


async def test_show_me_more_gives_items_not_shown_yet(open_service) -> None:
    s = Session("more")
    async with open_service(ScriptedBackend(), max_products=2) as service:
        first = await service.ask(s, "a dress")
        more = await service.ask(s, "show me more")
        again = await service.ask(s, "更多")
    assert more.intent == "refine" and again.intent == "refine"
    seen = {p.article_id for p in first.products}
    assert more.products and not seen & {p.article_id for p in more.products}
    assert all(p.product_type == "Dress" for p in more.products + again.products)
    assert not {p.article_id for p in more.products} & {p.article_id for p in again.products}


async def test_cheaper_when_the_cheapest_are_already_shown(open_service) -> None:
    s = Session("cheapest")
    async with open_service(ScriptedBackend(), max_products=5) as service:
        first = await service.ask(s, "a red dress")
        assert {p.article_id for p in first.products} >= {"0100000003"}  # the cheapest red dress is shown
        cheaper = await service.ask(s, "cheaper ones")
    assert cheaper.intent == "refine"
    assert cheaper.products == []
    assert "lowest-priced" in cheaper.reply


async def test_filters_loosen_least_specific_first(open_service) -> None:
    s = Session("relax")
    async with open_service(ScriptedBackend(), max_products=5) as service:
        turn = await service.ask(s, "a red dress for men")
    call = turn.tool_calls[0]
    assert call["args"].get("index_group") == "Menswear" and call["args"].get("colour") == "Red"
    assert "ignore index_group" in call["observation"] and "colour" not in call["observation"].split("ignore")[1]
    assert turn.products and all(p.colour == "Red" and p.product_type == "Dress" for p in turn.products)
