"""Embedders for tests about changing the configured embedder: deterministic, no model, each with its own
``name`` and dimension (a vector of one means nothing to the other, and Chroma refuses it).

``WordsEmbedder`` hashes lower-cased words, so a text is closest to itself and to texts sharing its words;
``ThumbnailEmbedder`` is an image's centred pixels at a few pixels a side, so a photo is closest to itself.
"""

from __future__ import annotations

import zlib

import numpy as np
from PIL import Image

from catalog.embedders import l2_normalise


class WordsEmbedder:
    """Unit vectors of hashed words."""

    def __init__(self, name: str = "words-test", dim: int = 48) -> None:
        self.name = name
        self._dim = dim

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().replace(".", " ").replace(",", " ").split():
                out[row, zlib.crc32(word.encode()) % self._dim] += 1.0
        return l2_normalise(out)


class ThumbnailEmbedder:
    """Unit vectors of an image's pixels at ``side`` x ``side`` (RGB), less their mean."""

    def __init__(self, name: str = "thumbnail-test", side: int = 8) -> None:
        self.name = name
        self._side = side

    @property
    def dim(self) -> int:
        return 3 * self._side * self._side

    def embed_images(self, images: list[Image.Image]) -> np.ndarray:
        rows = []
        for image in images:
            pixels = np.asarray(image.convert("RGB").resize((self._side, self._side)), dtype=np.float32).reshape(-1)
            rows.append(pixels - pixels.mean())
        return l2_normalise(np.stack(rows)) if rows else np.zeros((0, self.dim), dtype=np.float32)
