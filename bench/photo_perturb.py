"""The photo perturbation the image benches share: a random crop, rescale, brightness change and
JPEG re-encode, so that "same article" retrieval is measured on photos unlike the indexed ones."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageEnhance


def perturb(image: Image.Image, rng: random.Random) -> bytes:
    """JPEG bytes of ``image`` cropped to 85-100%, scaled 0.6-2x, brightness +-20%, quality 35-80."""
    w, h = image.size
    f = rng.uniform(0.85, 1.0)
    cw, ch = int(w * f), int(h * f)
    x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
    image = image.crop((x, y, x + cw, y + ch))
    s = rng.uniform(0.6, 2.0)
    image = image.resize((max(16, int(cw * s)), max(16, int(ch * s))))
    image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.8, 1.2))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=rng.randint(35, 80))
    return buf.getvalue()
