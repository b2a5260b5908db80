"""The embedded backend (xllamacpp in-process) and the backend factory."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import pytest
from jsonschema import validate

from agent.llm import gguf_models
from agent.llm.embedded import EmbeddedBackend
from agent.llm.factory import build_backend, embedded_model_path
from agent.llm.minicpm import MiniCPMBackend
from agent.llm.openai_backend import OpenAIBackend
from reclmms.errors import ModelUnavailableError
from reclmms.settings import load_settings

SCHEMA = {
    "type": "object",
    "properties": {"intent": {"type": "string", "enum": ["search", "greeting"]}},
    "required": ["intent"],
    "additionalProperties": False,
}


def settings_for(tmp_path: Path, **env: str):  # type: ignore[no-untyped-def]
    base = {"RECLMMS_STORAGE_DATA_DIR": str(tmp_path / "data")}
    base.update(env)
    config = tmp_path / "config.toml"
    config.write_text("")
    return load_settings(config, env=base)


def test_factory_builds_each_backend_without_loading_anything(tmp_path: Path) -> None:
    openai = build_backend(settings_for(tmp_path, RECLMMS_LLM_BACKEND="openai", RECLMMS_LLM_API_KEY="k"))
    assert isinstance(openai, OpenAIBackend) and openai._api_key == "k"
    minicpm = build_backend(settings_for(tmp_path, RECLMMS_LLM_BACKEND="minicpm", RECLMMS_LLM_MODEL_PATH="/nowhere"))
    assert isinstance(minicpm, MiniCPMBackend) and not minicpm.chat_model.loaded
    scripted = build_backend(settings_for(tmp_path, RECLMMS_LLM_BACKEND="scripted"))
    assert scripted.name == "scripted"


def test_missing_embedded_model_is_never_downloaded_silently(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, RECLMMS_LLM_BACKEND="embedded", RECLMMS_LLM_EMBEDDED_MODEL="qwen2.5-coder-0.5b")
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError, match="reclmms model pull"):
        build_backend(settings)
    assert time.monotonic() - started < 1
    assert not embedded_model_path(settings).exists()


def test_embedded_backend_is_built_lazily_when_the_model_is_there(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, RECLMMS_LLM_BACKEND="embedded", RECLMMS_LLM_EMBEDDED_MODEL="qwen2.5-coder-0.5b")
    model = gguf_models.get_model("qwen2.5-coder-0.5b")
    path = embedded_model_path(settings)
    path.parent.mkdir(parents=True)
    with open(path, "wb") as fh:  # a sparse stand-in with the pinned size; nothing reads it here
        fh.truncate(model.size)
    path.with_name(path.name + ".sha256").write_text(model.sha256 + "\n")
    backend = build_backend(settings)
    assert isinstance(backend, EmbeddedBackend) and not backend.loaded
    assert backend.model_path == path


@pytest.mark.slow
@pytest.mark.server
async def test_embedded_backend_loads_on_first_use_and_answers(small_gguf: Path) -> None:
    backend = EmbeddedBackend(small_gguf, model_name="qwen2.5-coder-0.5b", threads=1, timeout_s=120, temperature=0.0)
    before = await backend.health()
    assert before["loaded"] is False and before["ok"] is True
    try:
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": "You sort shopper messages."},
            {"role": "user", "content": "hello there", "image": b"ignored: text-only model"},
        ]
        result = await backend.complete_json(messages, SCHEMA, max_tokens=16)
        validate(result, SCHEMA)
        text = "".join([c async for c in backend.stream_text(messages, max_tokens=4)])
        assert text.strip()
        after = await backend.health()
        assert after["loaded"] is True and after["ok"] is True and after["load_seconds"] > 0
    finally:
        await backend.aclose()
    assert backend.loaded is False


async def test_embedded_backend_reports_a_missing_file(tmp_path: Path) -> None:
    backend = EmbeddedBackend(tmp_path / "none.gguf")
    assert (await backend.health())["ok"] is False
    with pytest.raises(ModelUnavailableError, match="reclmms model pull"):
        await backend.complete_json([{"role": "user", "content": "x"}], SCHEMA)
    await backend.aclose()


class FakeServer:
    """Stands in for xllamacpp's server (the backend only holds it, and lets it go at close)."""


async def test_close_does_not_wait_for_a_load_in_progress(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf"
    path.write_bytes(b"GGUF")
    loading, release, made = threading.Event(), threading.Event(), []

    def slow_server(port: int) -> Any:
        loading.set()
        release.wait(10)  # a load that takes its time (and, unlike xllamacpp's, lets the event loop run)
        server = FakeServer()
        made.append(weakref.ref(server))
        return server

    backend = EmbeddedBackend(path, load_timeout_s=10, server_factory=slow_server)
    start = asyncio.create_task(backend.start())  # as the service's background start does
    assert await asyncio.to_thread(loading.wait, 5)
    started = time.monotonic()
    await backend.aclose()
    assert time.monotonic() - started < 1
    with pytest.raises(ModelUnavailableError, match="closed"):
        await start
    release.set()  # the load ends after the close: it drops its server itself
    for _ in range(200):
        gc.collect()
        if made and made[0]() is None:
            break
        await asyncio.sleep(0.01)
    assert made and made[0]() is None and not backend.loaded


async def test_a_port_taken_meanwhile_gets_a_new_client_and_the_old_one_is_closed(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf"
    path.write_bytes(b"GGUF")
    ports: list[int] = []

    def server_on(port: int) -> Any:
        ports.append(port)
        if len(ports) == 1:
            raise OSError("address already in use")
        return FakeServer()

    backend = EmbeddedBackend(path, server_factory=server_on)
    first = backend._client
    await backend.start()
    try:
        assert backend.loaded and ports[1] != ports[0]
        assert backend._client is not first and backend._client.base_url == f"http://127.0.0.1:{ports[1]}/v1"
        assert first._client.is_closed()
    finally:
        await backend.aclose()
    assert backend._client._client.is_closed() and not backend.loaded
