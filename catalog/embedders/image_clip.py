"""Image (and image<->text) embeddings from a local CLIP / SigLIP checkpoint directory.

Two layouts are understood, both loaded without any hub access:

- an open_clip directory (``open_clip_config.json`` + weights; needs the ``clip`` extra);
- a transformers CLIP or SigLIP directory (``config.json`` + weights + processor files).

The same object embeds texts into the image space (``embed``), so a caption can be
matched against product photos directly.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from catalog.embedders.base import l2_normalise, resolve_device
from reclmms.errors import ModelUnavailableError

logger = logging.getLogger(__name__)


class ClipImageEmbedder:
    def __init__(self, model_dir: str | Path, device: str = "auto", batch_size: int = 32) -> None:
        self.model_dir = Path(model_dir).expanduser()
        self.device = device
        self.batch_size = batch_size
        self.name = f"clip:{self.model_dir.name}"
        self._lock = threading.Lock()
        self._kind = ""
        self._model: Any = None
        self._preprocess: Any = None
        self._tokenizer: Any = None
        self._device = "cpu"
        self._dim = 0

    def _load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            if not self.model_dir.is_dir():
                raise ModelUnavailableError(f"image_embedder: {self.model_dir} is not a directory")
            self._device = resolve_device(self.device)
            if (self.model_dir / "open_clip_config.json").exists():
                self._load_open_clip()
            elif (self.model_dir / "config.json").exists():
                self._load_transformers()
            else:
                raise ModelUnavailableError(
                    f"image_embedder: {self.model_dir} has neither open_clip_config.json nor config.json"
                )
            logger.info("loaded %s image embedder from %s on %s", self._kind, self.model_dir, self._device)

    def _load_open_clip(self) -> None:
        try:
            import open_clip
        except ImportError as exc:
            raise ModelUnavailableError("open_clip is not installed: pip install 'reclmms[clip]'") from exc
        config = json.loads((self.model_dir / "open_clip_config.json").read_text(encoding="utf-8"))
        weights = next(
            (p for p in sorted(self.model_dir.iterdir()) if p.suffix in (".bin", ".pt", ".safetensors")), None
        )
        if weights is None:
            raise ModelUnavailableError(f"image_embedder: no weights file in {self.model_dir}")
        name = config.get("model_name") or config["model_cfg"].get("name", "")
        model, _, preprocess = open_clip.create_model_and_transforms(
            name, pretrained=str(weights), device=self._device, **({} if name else {})
        )
        self._model = model.eval()
        self._preprocess = preprocess
        self._tokenizer = open_clip.get_tokenizer(name)
        self._kind = "open_clip"

    def _load_transformers(self) -> None:
        from transformers import AutoModel, AutoProcessor

        self._model = AutoModel.from_pretrained(str(self.model_dir), local_files_only=True).to(self._device).eval()
        self._preprocess = AutoProcessor.from_pretrained(str(self.model_dir), local_files_only=True)
        self._kind = "transformers"

    @property
    def dim(self) -> int:
        if not self._dim:
            self._dim = int(self.embed_images([Image.new("RGB", (32, 32), "white")]).shape[1])
        return self._dim

    def embed_images(self, images: list[Image.Image]) -> np.ndarray:
        import torch

        self._load()
        out = []
        with torch.inference_mode():
            for start in range(0, len(images), self.batch_size):
                chunk = [im.convert("RGB") for im in images[start : start + self.batch_size]]
                if self._kind == "open_clip":
                    x = torch.stack([self._preprocess(im) for im in chunk]).to(self._device)
                    feats = self._model.encode_image(x)
                else:
                    inputs = self._preprocess(images=chunk, return_tensors="pt").to(self._device)
                    feats = self._model.get_image_features(**inputs)
                out.append(_as_array(feats))
        return l2_normalise(np.concatenate(out, axis=0))

    def embed(self, texts: list[str]) -> np.ndarray:
        """Texts into the image space (text->image search)."""
        import torch

        self._load()
        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                chunk = list(texts[start : start + self.batch_size])
                if self._kind == "open_clip":
                    feats = self._model.encode_text(self._tokenizer(chunk).to(self._device))
                else:
                    inputs = self._preprocess(
                        text=chunk, return_tensors="pt", padding="max_length", truncation=True
                    ).to(self._device)
                    feats = self._model.get_text_features(**inputs)
                out.append(_as_array(feats))
        return l2_normalise(np.concatenate(out, axis=0))


def _as_array(feats: Any) -> np.ndarray:
    tensor = getattr(feats, "pooler_output", feats)
    return tensor.float().cpu().numpy()
