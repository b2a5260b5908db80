"""A model failure whose exception says nothing (``TimeoutError()`` from a timeout, a bare ``ModelError()``) is
logged with its class name, not as "reply model failed: " with an empty reason (seen with the embedded backend)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session
from reclmms.errors import ModelError, describe_error


class SilentFailures(ScriptedBackend):
    """Every model call fails with an exception whose message is empty."""

    async def stream_text(self, messages: Any, *, max_tokens: int = 256,
                          timeout_s: float | None = None) -> AsyncIterator[str]:
        raise TimeoutError
        yield ""  # an async generator, as the real backends' streams

    async def choose_tool(self, *args: Any, **kwargs: Any) -> Any:
        raise ModelError

    async def health(self) -> dict[str, Any]:
        raise RuntimeError


def test_an_error_without_a_message_is_named_by_its_class() -> None:
    assert describe_error(TimeoutError()) == "TimeoutError"
    assert describe_error(ModelError()) == "ModelError"
    assert describe_error(ModelError("the model server is down")) == "the model server is down"


async def test_model_failures_without_a_message_log_their_class(open_service: Any,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    async with open_service(SilentFailures()) as service:
        with caplog.at_level(logging.INFO, logger="agent"):
            shown = await service.ask(Session("silent"), "red dress")
            unclear = await service.ask(Session("silent-2"), "hmm what would suit a garden party")
            health = await service.health()
    assert shown.products and unclear.reply and health["error"] == "RuntimeError"
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("agent.")]
    assert "reply model failed: TimeoutError" in lines, lines
    assert "intent model failed: ModelError" in lines, lines
    assert not [line for line in lines if line.rstrip().endswith(":")], lines
