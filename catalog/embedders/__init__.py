"""Text and image embedders, chosen by ``[catalog] text_embedder`` / ``image_embedder``.

Every embedder loads its weights lazily (on the first call) and returns L2-normalised
float32 arrays, so cosine similarity is a dot product. None of them reach the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from catalog.embedders.base import ImageEmbedder, TextEmbedder, l2_normalise, resolve_device
from reclmms.errors import ConfigError

if TYPE_CHECKING:
    from reclmms.settings import Settings

__all__ = [
    "ImageEmbedder",
    "TextEmbedder",
    "build_image_embedder",
    "build_text_embedder",
    "l2_normalise",
    "resolve_device",
]


def _model_dir(settings: Settings, value: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_absolute() and not path.exists():
        path = settings.models_dir / value
    return path


def build_text_embedder(settings: Settings) -> TextEmbedder:
    """``use`` (default) or a path to a local sentence-transformers model directory."""
    choice = settings.catalog.text_embedder.strip()
    if choice.lower() in ("use", "usem3", "use-m3"):
        from catalog.embedders.text_use import UseTextEmbedder

        return UseTextEmbedder(threads=settings.catalog.cpu_threads)
    path = _model_dir(settings, choice)
    if not path.is_dir():
        raise ConfigError(
            f"catalog.text_embedder: '{choice}' is neither 'use' nor a sentence-transformers model directory"
        )
    from catalog.embedders.text_st import SentenceTransformerTextEmbedder

    return SentenceTransformerTextEmbedder(path, device=settings.catalog.device)


def build_image_embedder(settings: Settings) -> ImageEmbedder:
    """``efficientnet`` (default) or a path to a local open_clip / SigLIP checkpoint directory."""
    choice = settings.catalog.image_embedder.strip()
    if choice.lower() in ("efficientnet", "efficientnet-lite0"):
        from catalog.embedders.image_efficientnet import EfficientNetImageEmbedder

        return EfficientNetImageEmbedder(threads=settings.catalog.cpu_threads, device=settings.catalog.device)
    path = _model_dir(settings, choice)
    if not path.is_dir():
        raise ConfigError(
            f"catalog.image_embedder: '{choice}' is neither 'efficientnet' nor a CLIP/SigLIP checkpoint directory"
        )
    from catalog.embedders.image_clip import ClipImageEmbedder

    return ClipImageEmbedder(path, device=settings.catalog.device)
