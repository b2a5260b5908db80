"""A text embedder for tests that need vectors but not a model: texts that share letter pairs are close.

Loading the real multilingual model costs seconds per ingest; tests about what the stores do with
vectors (not about their quality) give this one to the ingest and the search instead.
"""

from __future__ import annotations

import zlib

import numpy as np

DIM = 128


class SpellingEmbedder:
    """Unit vectors of hashed, lower-cased letter pairs (with word edges)."""

    name = "spelling-test"
    dim = DIM

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                edged = f"^{word}$"
                for i in range(len(edged) - 1):
                    out[row, zlib.crc32(edged[i : i + 2].encode()) % DIM] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


def use_spelling_embedder(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Make the ingest's indexing and the catalog's search embed texts with ``SpellingEmbedder``."""
    for where in ("catalog.indexing.build_text_embedder", "catalog.factory.build_text_embedder"):
        monkeypatch.setattr(where, lambda settings: SpellingEmbedder())
