"""The model's health as ``/stats`` and ``reclmms stats --health`` show it (the service's ``health``)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from agent.llm.openai_backend import OpenAIBackend
from bot.stats import stats_lines
from tests.llm.conftest import completion
from tests.llm.sse_server import sse_server


def _llm_line(health: dict[str, Any]) -> str:
    figures = {"users": 0, "linked_users": 0, "active_24h": 0, "active_7d": 0, "messages": 0, "turns": 0,
               "failed_turns": 0, "turn_latency_s": {"p50": None, "p95": None}, "tool_usage": {},
               "top_categories": [], "top_colours": [], "photos": 0, "ungrounded_dropped": 0, "errors": 0,
               "llm": {"backend": "openai", "health": health}}
    return dict(stats_lines(figures))["LLM backend"]


@pytest.mark.parametrize(("answer", "model", "why"), [
    (("json", 500, {"error": {"message": "boom", "type": "server_error"}}), "m", "server failed (500)"),
    (("hang",), "m", "did not answer within"),
    (("json", 200, completion("H")), "openbmb/MiniCPM-Llama3-V-2_5", "has no model 'openbmb/MiniCPM-Llama3-V-2_5' (it has: m)"),
])
async def test_a_server_that_lists_models_but_cannot_answer_is_down(open_service, answer: Any, model: str,
                                                                     why: str) -> None:
    with sse_server(answer) as server:
        async with open_service(OpenAIBackend(base_url=server.base_url, model=model, timeout_s=20)) as service:
            started = time.monotonic()
            health = await service.health()
            elapsed = time.monotonic() - started
    assert health["status"] == "down" and health["ok"] is False and why in health["error"]
    assert elapsed < 5.0, elapsed  # within the service's own limit on a health check
    assert _llm_line(health).startswith(f"{model} · openai · down (") and why in _llm_line(health)


async def test_a_working_server_is_ok(open_service) -> None:
    with sse_server(("json", 200, completion("H"))) as server:
        async with open_service(OpenAIBackend(base_url=server.base_url, model="m", timeout_s=20)) as service:
            health = await service.health()
    assert health["status"] == "ok" and health["ok"] is True and _llm_line(health) == "m · openai · ok"
