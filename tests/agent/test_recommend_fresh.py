"""Personal picks in the conversation prefer what the shopper has not bought and was not just shown: "recommend
something for me" right after "what did I buy?" does not list the purchases again; re-buys come back when asked
for ("again", "nochmal") or when nothing else is left. The recommender's own ranking is left as it is."""

from __future__ import annotations

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.tools.recommend_for_me import asks_to_rebuy, fresh_first
from agent.turn import Session
from tests.agent.fakes import FakeCatalog

# the fake recommender ranks 0100000009, 07, 10, 06, 08, 02; cust-a bought 06 and 09, cust-c bought 10 and 04
BOUGHT_A = {"0100000006", "0100000009"}


@pytest.mark.parametrize(("text", "asked"), [
    ("recommend something for me", False), ("Empfiehl mir etwas Neues, das ich noch nicht habe", False),
    ("I'd like to order my favourites again", True), ("can I re-order something?", True),
    ("Ich will das nochmal kaufen", True), ("我想再买一次", True), ("хочу купить ещё раз", True),
])
def test_asking_for_rebuys(text: str, asked: bool) -> None:
    assert asks_to_rebuy(text) is asked


def test_fresh_first_keeps_the_ranking_within_each_group() -> None:
    items = FakeCatalog().items
    ranked = [items[i] for i in (8, 6, 9, 5, 7, 1)]  # ids ...09, 07, 10, 06, 08, 02
    ids = [a.article_id[-2:] for a in fresh_first(ranked, BOUGHT_A, {"0100000007"}, rebuy=False)]
    assert ids == ["10", "08", "02", "09", "06", "07"]
    assert [a.article_id[-2:] for a in fresh_first(ranked, BOUGHT_A, set(), rebuy=True)] == \
        ["09", "07", "10", "06", "08", "02"]


async def test_picks_after_the_history_are_not_the_purchases(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        session = Session("fresh", customer_id="cust-a")
        history = await service.ask(session, "what did I buy?")
        picks = await service.ask(session, "recommend something for me")
    assert {p.article_id for p in history.products} == BOUGHT_A
    assert picks.tool_calls[0]["tool"] == "recommend_for_me"
    ids = [p.article_id for p in picks.products]
    assert ids[:4] == ["0100000007", "0100000010", "0100000008", "0100000002"]  # the new ones, in ranked order
    assert set(ids[4:]) <= BOUGHT_A  # only then one bought before, as nothing else is left


async def test_something_new_leaves_out_every_purchase(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        picks = await service.ask(Session("new", customer_id="cust-c"), "Empfiehl mir etwas Neues, das ich noch nicht habe")
    assert picks.tool_calls[0]["tool"] == "recommend_for_me"
    assert len(picks.products) == 5
    assert not {p.article_id for p in picks.products} & {"0100000010", "0100000004"}


async def test_the_model_picks_among_the_new_ones_only(open_service) -> None:  # type: ignore[no-untyped-def]
    backend = ScriptedBackend()
    async with open_service(backend) as service:
        await service.ask(Session("llm", customer_id="cust-a"), "recommend something for me")
    offered = [str(c["messages"]) for c in backend.calls if c["kind"] == "json" and "candidates below" in str(c["messages"])]
    assert len(offered) == 1  # the reranker ran; the history is listed by name, the candidates by id
    assert "0100000008" in offered[0] and not any(i in offered[0] for i in BOUGHT_A)
