"""The purchase history shows each article once, with how often it was bought."""

from __future__ import annotations

from typing import Any

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session


async def test_an_article_bought_three_times_is_one_card_with_its_count(open_service) -> None:  # type: ignore[no-untyped-def]
    backend = ScriptedBackend()
    async with open_service(backend) as service:
        turn = await service.ask(Session("h", customer_id="cust-c"), "what did I buy?")
    assert turn.intent == "history"
    assert [p.article_id for p in turn.products] == ["0100000010", "0100000004"]
    assert turn.reply.endswith("You bought Pebble Linen Shirt 3 times.")
    assert "Night Satin Dress" not in turn.reply.split(". ")[-1]  # bought once: no count
    prompt = backend.calls[-1]["messages"][-1]["content"]
    assert "1. Pebble Linen Shirt, white (bought 3 times)\n2. Night Satin Dress, black\n" in prompt


async def test_without_the_model_the_fixed_reply_counts_articles_and_repeats(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        turn = await service.ask(Session("h", customer_id="cust-c"), "what did I buy?")
        one = await service.ask(Session("h1", customer_id="cust-b"), "what did I buy?")
    assert turn.reply == "Here are your 2 most recent purchases. You bought Pebble Linen Shirt 3 times."
    assert one.reply == "Here is your most recent purchase."


async def test_how_to_link_an_account_depends_on_the_channel(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        telegram = await service.ask(Session("t", language="en", channel="telegram"), "what did I buy?")
        terminal = await service.ask(Session("c", channel="terminal"), "what did I buy?")
        unknown = await service.ask(Session("u"), "what did I buy?")
        zh = await service.ask(Session("z", language="zh", channel="telegram"), "我买过什么？")
    assert all(t.intent == "history" and not t.products for t in (telegram, terminal, unknown, zh))
    assert "link" in telegram.reply and "/start" in telegram.reply and "--customer" not in telegram.reply
    assert "--customer ID" in terminal.reply and "/customer ID" in terminal.reply
    assert "link" in unknown.reply and "--customer" not in unknown.reply and "/start" not in unknown.reply
    assert zh.language == "zh" and "绑定" in zh.reply and "--customer" not in zh.reply


async def test_recommendations_without_a_linked_account_say_so_and_never_claim_a_history(open_service) -> None:  # type: ignore[no-untyped-def]
    def claims_history(messages: list[dict[str, Any]]) -> str:
        prompt = str(messages[-1]["content"])
        assert "never mention past purchases" in prompt  # the model is told there is no history
        return "These are popular right now."

    async with open_service(ScriptedBackend(text_rule=claims_history)) as service:
        turn = await service.ask(Session("anon"), "recommend something for me")
    assert turn.intent == "recommend" and turn.products
    assert turn.reply.startswith("Link your customer account first to see your purchases and personal picks.")
    assert turn.reply.endswith("These are popular right now.")


def test_colours_of_one_product_are_told_apart_in_the_counts() -> None:
    from agent.notes import repeat_note
    from agent.prompts import Replies
    from agent.tools import ToolOutput
    from catalog.models import Article

    red = Article(article_id="0200000001", name="Essential shirt dress", colour="Dark Red")
    blue = Article(article_id="0200000002", name="Essential shirt dress", colour="Light Blue")
    scarf = Article(article_id="0200000003", name="Check scarf", colour="Red")
    output = ToolOutput(articles=[red, blue, scarf], kind="history", extra={"counts": [3, 4, 2]})
    assert repeat_note(output, [red, blue, scarf], "en", Replies()) == (
        "You bought Essential shirt dress (Dark Red) 3 times. You bought Essential shirt dress (Light Blue) 4 times. "
        "You bought Check scarf 2 times.")


async def test_english_prose_speaks_to_the_shopper(open_service) -> None:  # type: ignore[no-untyped-def]
    def third_person(messages: list[dict[str, Any]]) -> str:
        assert 'as "you" (never "the shopper")' in str(messages[-1]["content"])
        return "The shopper has good taste. These are the shopper's recent purchases."

    async with open_service(ScriptedBackend(text_rule=third_person)) as service:
        turn = await service.ask(Session("you", customer_id="cust-c"), "what did I buy?")
    assert turn.reply.startswith("You have good taste. These are your recent purchases.")


async def test_in_a_group_history_and_personal_picks_point_to_a_private_chat(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        history = await service.ask(Session("g", channel="telegram_group"), "what did I buy?")
        picks = await service.ask(Session("g2", channel="telegram_group"), "recommend something for me")
    assert history.reply.startswith("Purchase history is only shown in a private chat with me")
    assert "link" not in history.reply.lower() and history.products == []
    assert picks.reply == "Personal picks are only shown in a private chat with me. Meanwhile, here are popular items."
    assert picks.products



async def test_popular_items_without_an_account_say_how_to_link_where_the_shopper_talks(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        terminal = await service.ask(Session("t", channel="terminal"), "recommend something for me")
        telegram = await service.ask(Session("tg", channel="telegram"), "recommend something for me")
    assert terminal.products and "--customer ID" in terminal.reply
    assert terminal.reply.endswith("Meanwhile, here are popular items.")
    assert telegram.products and "/start" in telegram.reply and "--customer" not in telegram.reply
