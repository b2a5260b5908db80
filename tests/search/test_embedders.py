"""The default embedders really load (no network) and give sane similarities."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from catalog.embedders import build_image_embedder, build_text_embedder
from reclmms.settings import Settings


def test_use_is_multilingual_and_normalised() -> None:
    emb = build_text_embedder(Settings())
    v = emb.embed(["red dress", "红色连衣裙", "black leather boots", "robe rouge"])
    assert v.shape == (4, emb.dim) == (4, 512)
    assert v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    same, other, french = v[0] @ v[1], v[0] @ v[2], v[0] @ v[3]
    assert same > 0.7, same
    assert same > other + 0.2
    assert french > other
    assert emb.embed([]).shape == (0, 512)


def _garment(colour: str, wide: bool) -> Image.Image:
    image = Image.new("RGB", (128, 192), "white")
    draw = ImageDraw.Draw(image)
    if wide:
        draw.polygon([(20, 30), (108, 30), (120, 180), (8, 180)], fill=colour)
    else:
        draw.rectangle([50, 20, 78, 180], fill=colour)
        draw.ellipse([40, 10, 88, 60], fill=colour)
    return image


def test_efficientnet_prefers_the_same_picture() -> None:
    emb = build_image_embedder(Settings())
    base = _garment("darkred", wide=True)
    shifted = base.resize((160, 240)).crop((8, 10, 152, 230))
    different = _garment("navy", wide=False)
    v = emb.embed_images([base, shifted, different])
    assert v.shape == (3, emb.dim)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.05


def test_alternative_embedders_need_a_local_model_directory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from reclmms.errors import ConfigError, ModelUnavailableError
    from reclmms.settings import CatalogSettings, StorageSettings

    def settings(**kw: str) -> Settings:
        return Settings(storage=StorageSettings(data_dir=tmp_path), catalog=CatalogSettings(**kw))

    with pytest.raises(ConfigError, match="text_embedder"):
        build_text_embedder(settings(text_embedder=str(tmp_path / "missing")))
    with pytest.raises(ConfigError, match="image_embedder"):
        build_image_embedder(settings(image_embedder=str(tmp_path / "missing")))
    empty = tmp_path / "empty-model"
    empty.mkdir()
    text = build_text_embedder(settings(text_embedder=str(empty)))
    with pytest.raises(ModelUnavailableError, match="sentence-transformers"):
        text.embed(["x"])
    image = build_image_embedder(settings(image_embedder=str(empty)))
    with pytest.raises(ModelUnavailableError, match="open_clip_config.json"):
        image.embed_images([Image.new("RGB", (8, 8))])
