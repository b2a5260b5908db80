"""'what's popular?', 'best sellers', 'what's trending', 'what's new?' show the store's popular items to every
shopper: a linked one gets them instead of personal picks, one without an account is not told to link it."""

from __future__ import annotations

from typing import Any

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.popular_requests import asks_for_popular
from agent.turn import Session

POPULAR_IDS = ["0100000001", "0100000002", "0100000003", "0100000004", "0100000005"]


@pytest.mark.parametrize("text", ["what's popular?", "best sellers", "what's trending", "what's new?"])
async def test_a_linked_shopper_asking_what_is_popular_gets_popular_items(open_service, text: str) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        turn = await service.ask(Session("linked", customer_id="cust-c"), text)
    assert turn.tool_calls[0]["tool"] == "recommend_for_me"
    assert [a.article_id for a in turn.products] == POPULAR_IDS
    assert turn.reply == "Here are 5 popular items right now."


@pytest.mark.parametrize("channel", [None, "terminal", "telegram"])
async def test_a_shopper_without_an_account_asking_for_best_sellers_is_not_told_to_link_one(open_service, channel) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        turn = await service.ask(Session("anon", channel=channel), "best sellers")
    assert [a.article_id for a in turn.products] == POPULAR_IDS
    assert turn.reply == "Here are 5 popular items right now."


async def test_the_model_is_not_told_of_a_missing_history_when_popular_items_were_asked_for(open_service) -> None:  # type: ignore[no-untyped-def]
    prompts: list[str] = []

    def reply(messages: list[dict[str, Any]]) -> str:
        prompts.append(str(messages[-1]["content"]))
        return "These are selling well right now."

    async with open_service(ScriptedBackend(text_rule=reply)) as service:
        turn = await service.ask(Session("anon2", channel="terminal"), "what's popular?")
    assert turn.reply == "These are selling well right now."
    assert prompts and "no linked purchase history" not in prompts[0] and "as asked" in prompts[0]


async def test_asking_for_picks_still_gives_personal_picks(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        linked = await service.ask(Session("l2", customer_id="cust-c"), "recommend something for me")
        anon = await service.ask(Session("a2", channel="terminal"), "recommend something for me")
    assert [a.article_id for a in linked.products] != POPULAR_IDS
    assert anon.reply.endswith("Meanwhile, here are popular items.")


@pytest.mark.parametrize("text", [
    "what's popular?", "best sellers", "bestsellers", "what's trending", "what's new?", "new arrivals",
    "was ist gerade beliebt?", "zeig mir eure Bestseller", "qu'est-ce qui est populaire ?", "les tendances",
    "los más vendidos", "productos populares", "有什么热门的", "畅销商品", "что сейчас популярно?",
])
def test_requests_for_popular_items_are_recognised(text: str) -> None:
    assert asks_for_popular(text)


@pytest.mark.parametrize("text", ["recommend something for me", "what should I buy?", "empfiehl mir etwas",
                                  "给我推荐点什么", "any ideas?", "a new dress"])
def test_requests_for_personal_picks_are_not_read_as_popular(text: str) -> None:
    assert not asks_for_popular(text)
