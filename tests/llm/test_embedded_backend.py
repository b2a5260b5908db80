"""The embedded backend (xllamacpp in-process) and the backend factory."""

from __future__ import annotations

import time
from pathlib import Path

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
        messages = [{"role": "system", "content": "You sort shopper messages."},
                    {"role": "user", "content": "hello there", "image": b"ignored: text-only model"}]
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
