"""Text embeddings from a local sentence-transformers model directory (no hub access)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np

from catalog.embedders.base import l2_normalise, resolve_device
from reclmms.errors import ModelUnavailableError

logger = logging.getLogger(__name__)


class SentenceTransformerTextEmbedder:
    def __init__(self, model_dir: str | Path, device: str = "auto", batch_size: int = 64) -> None:
        self.model_dir = Path(model_dir).expanduser()
        self.device = device
        self.batch_size = batch_size
        self.name = f"st:{self.model_dir.name}"
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                if not (self.model_dir / "modules.json").exists() and not (
                    self.model_dir / "config.json"
                ).exists():
                    raise ModelUnavailableError(
                        f"text_embedder: {self.model_dir} is not a sentence-transformers model directory"
                    )
                from sentence_transformers import SentenceTransformer

                device = resolve_device(self.device)
                logger.info("loading sentence-transformers model %s on %s", self.model_dir, device)
                self._model = SentenceTransformer(str(self.model_dir), device=device, local_files_only=True)
        return self._model

    @property
    def dim(self) -> int:
        model = self._model or self._load()
        get_dim = getattr(model, "get_sentence_embedding_dimension", None)
        return int(get_dim()) if get_dim else int(model.encode(["x"]).shape[1])

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._model or self._load()
        vectors = model.encode(
            list(texts), batch_size=self.batch_size, convert_to_numpy=True, normalize_embeddings=True
        )
        return l2_normalise(vectors)
