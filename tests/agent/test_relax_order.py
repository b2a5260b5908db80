"""When nothing matches every filter, the least important one goes first: the colour before who it is for.
"a white sweater for men" (the fake shop has a white sweater for women and a blue one for men) shows the men's
sweater in another colour, said so, not the women's white one."""

from __future__ import annotations

from agent.llm.scripted import ScriptedBackend
from agent.tools.search_catalog import relaxations
from agent.turn import Session


def test_the_colour_goes_before_the_group_and_the_kind_last() -> None:
    mapped = {"product_type": "Jeans", "colour": "Blue", "index_group": "Menswear"}
    assert relaxations(mapped) == [["colour"], ["index_group"], ["colour", "index_group"],
                                   ["colour", "index_group", "product_type"]]
    assert relaxations({"colour": "Blue"}) == [["colour"]]
    assert relaxations({}) == []


async def test_a_mens_sweater_in_another_colour_rather_than_a_womens_in_white(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        turn = await service.ask(Session("relax-men"), "a white sweater for men")
    args = turn.tool_calls[0]["args"]
    assert (args.get("colour"), args.get("index_group"), args.get("product_type")) == ("White", "Menswear", "Sweater")
    assert [p.name for p in turn.products][:1] == ["Ocean Knit Sweater"]
    assert all(p.index_group == "Menswear" for p in turn.products)
    assert turn.reply.startswith("I have no white sweaters in Menswear; here are sweaters in Menswear in other colours.")


async def test_with_no_mens_kind_at_all_the_colour_is_kept(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        turn = await service.ask(Session("relax-kids"), "a red skirt for men")
    assert turn.products and all(p.product_type == "Skirt" and p.colour == "Red" for p in turn.products)
