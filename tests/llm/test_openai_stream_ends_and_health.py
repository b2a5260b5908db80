"""The openai backend's stream endings and health, against a fake server on loopback."""

from __future__ import annotations

import time

import pytest

from agent.llm.base import NoFinishReason, TokenLimitReached, UnfinishedEnd
from agent.llm.openai_backend import OpenAIBackend
from tests.llm.conftest import completion
from tests.llm.sse_server import chunk, sse_server, words

HI = [{"role": "user", "content": "hi"}]


def backend_on(base_url: str, model: str = "m", timeout_s: float = 5.0) -> OpenAIBackend:
    return OpenAIBackend(base_url=base_url, model=model, timeout_s=timeout_s)


async def test_a_stream_that_breaks_off_says_so_last() -> None:
    with sse_server(("stream", words("The Shirt dress is lovely and the Maxi dress", finish=None), "cut")) as server:
        backend = backend_on(server.base_url)
        try:
            got = [piece async for piece in backend.stream_text(HI)]
        finally:
            await backend.aclose()
    assert "".join(got).startswith("The Shirt dress") and isinstance(got[-1], NoFinishReason) and got[-1] == ""
    assert not any(isinstance(c, UnfinishedEnd) for c in got[:-1])


async def test_a_stream_without_a_finish_reason_ends_with_the_marker_even_with_done() -> None:
    with sse_server(("stream", [chunk("Nice "), chunk("dress.")], "done")) as server:
        backend = backend_on(server.base_url)
        try:
            got = [c async for c in backend.stream_text(HI)]
        finally:
            await backend.aclose()
    assert "".join(got) == "Nice dress." and isinstance(got[-1], NoFinishReason)


async def test_a_reply_that_max_tokens_ended_says_so_last() -> None:
    with sse_server(("stream", words("The Shirt dress is", finish="length"), "done")) as server:
        backend = backend_on(server.base_url)
        try:
            chunks = [c async for c in backend.stream_text(HI, max_tokens=4)]
        finally:
            await backend.aclose()
    assert isinstance(chunks[-1], TokenLimitReached) and chunks[-1] == ""
    assert not any(isinstance(c, TokenLimitReached) for c in chunks[:-1])
    assert "".join(chunks) == "The Shirt dress is "


async def test_a_finished_stream_is_the_whole_text() -> None:
    with sse_server(("stream", words("A lovely dress."), "done")) as server:
        backend = backend_on(server.base_url)
        try:
            chunks = [c async for c in backend.stream_text(HI)]
        finally:
            await backend.aclose()
    assert "".join(chunks) == "A lovely dress. "
    assert not any(isinstance(c, TokenLimitReached) for c in chunks)


# -- health ----------------------------------------------------------------------------------------------

async def test_health_is_ok_when_the_model_is_listed_and_answers() -> None:
    with sse_server(("json", 200, completion("H"))) as server:
        backend = backend_on(server.base_url)
        try:
            health = await backend.health()
        finally:
            await backend.aclose()
    assert health["ok"] is True and "error" not in health and health["models"] == ["m"]
    probe = server.requests[-1]
    assert probe["max_tokens"] == 1 and probe["model"] == "m" and not probe.get("stream")


async def test_health_names_the_models_when_the_configured_one_is_missing() -> None:
    models = [{"id": "llava:13b", "object": "model", "owned_by": "library"},
              {"id": "qwen2.5:7b", "object": "model", "owned_by": "library"}]
    with sse_server(("json", 200, completion("H")), models=models) as server:
        backend = backend_on(server.base_url, model="openbmb/MiniCPM-Llama3-V-2_5")
        try:
            health = await backend.health()
        finally:
            await backend.aclose()
    assert health["ok"] is False
    assert health["error"] == "the server has no model 'openbmb/MiniCPM-Llama3-V-2_5' (it has: llava:13b, qwen2.5:7b)"
    assert server.requests == []  # no test completion for a model the server does not have


@pytest.mark.parametrize(("model", "listed", "owner"), [
    ("llava", "llava:latest", "library"),  # Ollama's short name
    ("local", "/models/qwen.gguf", "llamacpp"),  # a one-model llama.cpp server answers to any name
])
async def test_health_accepts_the_names_a_server_answers_to(model: str, listed: str, owner: str) -> None:
    with sse_server(("json", 200, completion("H")), models=[{"id": listed, "object": "model", "owned_by": owner}]) as server:
        backend = backend_on(server.base_url, model=model)
        try:
            health = await backend.health()
        finally:
            await backend.aclose()
    assert health["ok"] is True, health


async def test_health_is_not_ok_when_completions_fail() -> None:
    error = {"error": {"message": "boom", "type": "server_error"}}
    with sse_server(("json", 500, error)) as server:
        backend = backend_on(server.base_url)
        try:
            health = await backend.health()
        finally:
            await backend.aclose()
    assert health["ok"] is False and "(500)" in health["error"] and health["models"] == ["m"]


async def test_health_is_not_ok_and_quick_when_completions_hang() -> None:
    with sse_server(("hang",)) as server:
        backend = backend_on(server.base_url, timeout_s=0.5)
        started = time.monotonic()
        try:
            health = await backend.health()
        finally:
            await backend.aclose()
    assert time.monotonic() - started < 2.0
    assert health["ok"] is False and "did not answer within 0.5 s" in health["error"]
    assert health["last_error"] is None  # a health check is not a failed turn


async def test_health_without_probe_only_reads_the_model_list() -> None:
    with sse_server(("hang",)) as server:
        backend = backend_on(server.base_url)
        try:
            health = await backend.health(probe=False)
        finally:
            await backend.aclose()
    assert health["ok"] is True and server.requests == []


async def test_a_slow_test_completion_is_ok_within_the_configured_health_timeout(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from reclmms.settings import load_settings
    from tests.llm.conftest import completion

    def slow(_body: dict) -> tuple:  # type: ignore[type-arg]
        time.sleep(1.0)  # a CPU server busy with turns
        return ("json", 200, completion("Hi"))

    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    with sse_server(slow) as server:
        settings = load_settings(tmp_path / "config.toml", env={
            "RECLMMS_LLM_BASE_URL": server.base_url, "RECLMMS_LLM_MODEL": "m", "RECLMMS_LLM_HEALTH_TIMEOUT_S": "4"})
        patient = OpenAIBackend.from_settings(settings)
        hasty = backend_on(server.base_url)  # the default 3 s is enough here; 0.5 s is not
        hasty.health_timeout_s = 0.5
        try:
            assert patient.health_timeout_s == 4.0
            failed = await hasty.health()  # first: its abandoned request ends while the patient one runs
            assert (await patient.health())["ok"] is True
        finally:
            await patient.aclose()
            await hasty.aclose()
    assert failed["ok"] is False and "did not answer within 0.5 s" in failed["error"]
