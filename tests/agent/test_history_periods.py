"""History questions in more wordings ("Was habe ich zuletzt gekauft?") and with a time frame ("what did I buy
last month?", "上个月我买了什么"): only that frame's purchases, counted from the newest purchase of a history that
ended long ago (the fake catalog's ends in September 2020), and none when nothing was bought then."""

from __future__ import annotations

from datetime import date

import pytest

from agent.intents import classify
from agent.llm.scripted import ScriptedBackend
from agent.periods import find_period, reference_day, window
from agent.turn import Session


@pytest.mark.parametrize("text", ["Was habe ich zuletzt gekauft?", "was habe ich letzten Monat gekauft?",
                                  "what did I last buy?", "what did I buy last month?", "上个月我买了什么",
                                  "我上个月买了什么？", "¿qué compré el mes pasado?", "qu'est-ce que j'ai acheté ?",
                                  "что я купил в прошлом месяце?", "先月何を買った？", "my last orders"])
def test_history_wordings(text: str) -> None:
    assert classify(text, has_shown=False, has_photo=False).intent == "history"


def test_time_frames() -> None:
    assert find_period("what did I buy last month?") == "last_month"
    assert find_period("上个月我买了什么") == "last_month" and find_period("先月何を買った？") == "last_month"
    assert find_period("Was habe ich letzte Woche gekauft?") == "last_week"
    assert find_period("what did I buy?") is None
    assert window("last_month", date(2020, 9, 3)) == (date(2020, 8, 1), date(2020, 8, 31))
    assert window("last_month", date(2021, 1, 15)) == (date(2020, 12, 1), date(2020, 12, 31))
    assert window("last_week", date(2020, 9, 3)) == (date(2020, 8, 24), date(2020, 8, 30))
    assert reference_day(date(2020, 9, 3), today=date(2026, 1, 1)) == date(2020, 9, 3)
    assert reference_day(date(2025, 12, 20), today=date(2026, 1, 1)) == date(2026, 1, 1)


async def test_last_month_shows_that_months_purchases_only(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        last = await service.ask(Session("h", customer_id="cust-c"), "what did I buy last month?")
        zh = await service.ask(Session("z", customer_id="cust-c"), "上个月我买了什么")
        this = await service.ask(Session("t", customer_id="cust-c"), "what did I buy this month?")
    assert last.intent == "history" and last.tool_calls[0]["args"].get("period") == "last_month"
    assert [p.article_id for p in last.products] == ["0100000004", "0100000010"]  # 30 Aug and 1 Aug, not 3 Sep
    assert [p.article_id for p in zh.products] == ["0100000004", "0100000010"]
    assert [p.article_id for p in this.products] == ["0100000010"]


async def test_a_time_frame_without_purchases_shows_none(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        turn = await service.ask(Session("w", customer_id="cust-a"), "what did I buy last week?")
        german = await service.ask(Session("d", customer_id="cust-c"), "Was habe ich zuletzt gekauft?")
    assert turn.intent == "history" and not turn.products  # 24-30 Aug: cust-a bought on 20 Aug and 1 Sep
    assert "in that period" in turn.reply and "no purchases for your account" not in turn.reply  # it has some
    assert german.intent == "history" and [p.article_id for p in german.products] == ["0100000010", "0100000004"]


def test_the_time_frame_is_the_rules_not_the_models() -> None:
    from agent.tool_specs import router_view, tool_spec
    from agent.tools import TOOLS

    assert "period" in TOOLS["purchase_history"].tool_call_schema.model_fields
    assert "period" not in router_view(tool_spec(TOOLS["purchase_history"]))["function"]["parameters"]["properties"]
