"""The purchase history shows each article once, with how often it was bought."""

from __future__ import annotations

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
