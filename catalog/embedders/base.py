"""Embedder protocols and small helpers shared by the concrete embedders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from PIL import Image


@runtime_checkable
class TextEmbedder(Protocol):
    """Maps texts (any language) to L2-normalised float32 vectors of shape (n, dim)."""

    name: str

    @property
    def dim(self) -> int: ...

    def embed(self, texts: list[str]) -> np.ndarray: ...


@runtime_checkable
class ImageEmbedder(Protocol):
    """Maps RGB images to L2-normalised float32 vectors of shape (n, dim)."""

    name: str

    @property
    def dim(self) -> int: ...

    def embed_images(self, images: list[Image.Image]) -> np.ndarray: ...


def l2_normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(x / norms, dtype=np.float32)


def resolve_device(device: str) -> str:
    """``auto`` means CUDA when present, else CPU; anything else is passed through."""
    if device != "auto":
        return device
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:  # pragma: no cover - torch is a dependency
        return "cpu"
