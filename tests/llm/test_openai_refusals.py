"""The openai backend tells a server's refusal of a feature from a fault of one call, and tries a refused
feature again after a while (``agent/llm/server_refusals.py``), against the fake OpenAI server."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from typing import Any

import pytest

from agent.llm.openai_backend import OpenAIBackend
from agent.llm.server_refusals import RETRY_AFTER_S
from agent.tool_specs import router_tool_specs
from reclmms.errors import ModelError
from tests.llm.conftest import completion

PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
SCHEMA = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
PHOTO_TURN = [{"role": "user", "content": "like this", "image": PIXEL}]
TOOLS = router_tool_specs()


def has_photo(body: dict[str, Any]) -> bool:
    return any(isinstance(m.get("content"), list) and any(p.get("type") == "image_url" for p in m["content"])
               for m in body["messages"])


def error(status: int, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"code": status, "message": message, "type": "server_error"}}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_server_error_about_one_photo_is_that_calls_fault(fake_server) -> None:  # type: ignore[no-untyped-def]
    """Ollama's 500 for one shopper's corrupt photo: that turn falls back; the next shopper's photo still goes."""
    def ollama(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if has_photo(body) and len(server.requests) == 1:  # this request is the first
            return error(500, "failed to process image")
        return 200, completion('{"ok": true}')

    backend, server = fake_server(ollama)
    try:
        with pytest.raises(ModelError, match="failed \\(500\\)"):
            await backend.complete_json(PHOTO_TURN, SCHEMA)
        assert backend.supports_images is True
        assert await backend.complete_json(PHOTO_TURN, SCHEMA) == {"ok": True}
    finally:
        await backend.aclose()
    assert [has_photo(r) for r in server.requests] == [True, True]


async def test_a_server_error_naming_tools_is_no_refusal_of_tools(fake_server) -> None:  # type: ignore[no-untyped-def]
    def flaky(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if len(calls) == 0:
            calls.append(body)
            return error(500, "error while handling the tool call: out of memory")
        calls.append(body)
        return 200, completion(None, [("purchase_history", "{}")])

    calls: list[dict[str, Any]] = []
    backend, _ = fake_server(flaky)
    try:
        with pytest.raises(ModelError):
            await backend.choose_tool([{"role": "user", "content": "my orders"}], TOOLS)
        assert backend.tool_mode == "auto"
        choice = await backend.choose_tool([{"role": "user", "content": "my orders"}], TOOLS)
    finally:
        await backend.aclose()
    assert choice.name == "purchase_history" and choice.path == "native"
    assert ["tools" in body for body in calls] == [True, True]


def _backend(base_url: str, clock: Clock) -> OpenAIBackend:
    return OpenAIBackend(base_url=base_url, model="m", timeout_s=5, clock=clock)


async def test_refused_photos_are_tried_again_after_a_while(
    fake_server, caplog: pytest.LogCaptureFixture  # type: ignore[no-untyped-def]
) -> None:
    refusing = [True]

    def text_only_then_vision(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if has_photo(body) and refusing[0]:
            return error(400, "image input is not supported - hint: you may need to provide the mmproj")
        return 200, completion('{"ok": true}')

    _, server = fake_server(text_only_then_vision)
    clock = Clock()
    backend = _backend(server.base_url, clock)
    try:
        with caplog.at_level(logging.INFO, logger="agent.llm.server_refusals"):
            assert await backend.complete_json(PHOTO_TURN, SCHEMA) == {"ok": True}  # retried without the photo
            assert backend.supports_images is False
            assert "server refused photos (400" in caplog.text and "sending text only" in caplog.text
            clock.now += RETRY_AFTER_S / 2
            await backend.complete_json(PHOTO_TURN, SCHEMA)
            refusing[0] = False  # e.g. the server was restarted with its vision projector
            clock.now += RETRY_AFTER_S / 2
            assert await backend.complete_json(PHOTO_TURN, SCHEMA) == {"ok": True}
            assert "trying photos again" in caplog.text
    finally:
        await backend.aclose()
    assert backend.supports_images is True
    assert [has_photo(r) for r in server.requests] == [True, False, False, True]


async def test_refused_tools_and_json_schema_are_tried_again_after_a_while(fake_server) -> None:  # type: ignore[no-untyped-def]
    def plain_server(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if "tools" in body:
            return error(500, "tools param requires --jinja flag")
        if "response_format" in body:
            return error(400, "response_format is not supported")
        return 200, completion('{"tool": "purchase_history", "arguments": {}}')

    _, server = fake_server(plain_server)
    clock = Clock()
    backend = _backend(server.base_url, clock)
    ask: Callable[[], Any] = lambda: backend.choose_tool([{"role": "user", "content": "my orders"}], TOOLS)  # noqa: E731
    try:
        assert (await ask()).name == "purchase_history"
        assert (backend.tool_mode, backend.json_mode) == ("json", "prompt")
        assert set((await backend.health())["downgraded"]) == {"native tool calls", "response_format json_schema"}
        sent = len(server.requests)
        clock.now += RETRY_AFTER_S
        assert (await ask()).name == "purchase_history"
    finally:
        await backend.aclose()
    later = server.requests[sent:]
    # tried again: tools once, then response_format once, then the prompt protocol answers
    assert [("tools" in r, "response_format" in r) for r in later] == [(True, False), (False, True), (False, False)]


async def test_a_refused_api_key_is_one_warning_for_the_operator(fake_server, caplog) -> None:  # type: ignore[no-untyped-def]
    """A wrong RECLMMS_LLM_API_KEY is a configuration mistake: said once as a warning (what `ask` and `chat`
    print on stderr), not only as the shopper's "unavailable" note; said again after the key worked."""
    refuse = [True]

    def guarded(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return error(401, "Invalid API Key") if refuse[0] else (200, completion('{"ok": true}'))

    backend, _ = fake_server(guarded)
    try:
        with caplog.at_level(logging.WARNING, logger="agent.llm.openai_backend"):
            for _ in range(3):
                with pytest.raises(ModelError, match="refused the API key"):
                    await backend.complete_json([{"role": "user", "content": "hi"}], SCHEMA)
            refuse[0] = False
            assert await backend.complete_json([{"role": "user", "content": "hi"}], SCHEMA) == {"ok": True}
            refuse[0] = True
            with pytest.raises(ModelError):
                await backend.complete_json([{"role": "user", "content": "hi"}], SCHEMA)
    finally:
        await backend.aclose()
    warned = [r.getMessage() for r in caplog.records if "API key" in r.getMessage()]
    assert warned == ["the language model server refused the API key (RECLMMS_LLM_API_KEY)"] * 2
