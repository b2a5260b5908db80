"""The llama.cpp OpenAI-compatible server (xllamacpp) that runs a GGUF chat model: the embedded backend's,
on a private loopback port, and `reclmms model serve`'s, for other processes or machines."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


def server_params(model_path: Path, *, threads: int, context_size: int, parallel: int, host: str, port: int,
                  api_keys: list[str]) -> Any:
    """xllamacpp's parameters for serving ``model_path``: ``parallel`` slots of ``context_size`` tokens each,
    the model's own chat template (what accepts native ``tools``), prompt caching, no web UI, no warm-up."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(model_path)
    params.n_ctx = context_size * parallel
    params.n_parallel = parallel
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.hostnames = [host]
    params.port = port
    params.api_keys = api_keys
    params.cache_prompt = True
    params.use_jinja = True
    params.warmup = False
    params.ui = False
    # llama.cpp logs every request at INFO on stderr; keep errors only unless debugging.
    params.verbosity = 3 if logger.isEnabledFor(logging.DEBUG) else 1
    return params


def start_server(params: Any) -> Any:
    """Load the model and start serving it (blocking, seconds): the running ``xllamacpp.Server``."""
    import xllamacpp

    return xllamacpp.Server(params)
