"""/stats' counts read as English: "1 turn", "2 turns"."""

from __future__ import annotations

import pytest

from bot.stats import stats_lines


@pytest.mark.parametrize(("turns", "text"), [(1, "1 turn, model failures 0"), (2, "2 turns, model failures 0"),
                                             (0, "0 turns, model failures 0")])
def test_the_turns_since_restart_agree_with_their_count(turns: int, text: str) -> None:
    figures = {"users": 1, "linked_users": 0, "active_24h": 1, "active_7d": 1, "messages": 1, "turns": turns,
               "failed_turns": 0, "cancelled_turns": 0, "turn_latency_s": {"p50": None, "p95": None},
               "tool_usage": {}, "top_categories": [], "top_colours": [], "photos": 0, "ungrounded_dropped": 0,
               "errors": 0, "llm": {"backend": "scripted", "health": {"turns": turns, "llm_failures": 0}}}
    assert dict(stats_lines(figures))["LLM since restart"] == text
