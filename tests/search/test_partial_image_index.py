"""An image pass stopped part-way (Ctrl-C after some batches): the search uses only the image vectors it has
(a filtered photo search scored them without indexing past them), ``stats --health`` says how many articles
have one, and the next ingest with images computes only the rest. An ingest without images after it keeps
those vectors for later, and a photo search then says no images are indexed rather than use the leftovers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import catalog.indexing as indexing
from catalog.db import Database
from catalog.demo import generate_demo_catalog
from catalog.embedders import ImageEmbedder, build_image_embedder
from catalog.ingest.generic import ingest_catalog_file
from catalog.ingest.report import IngestReport
from catalog.models import SearchFilters
from catalog.search_health import check_search
from reclmms.app import open_catalog
from reclmms.errors import NoImageIndexError
from reclmms.settings import Settings

PRODUCTS = 40
BATCH = 8
DONE = 2 * BATCH  # image vectors written before the stop
ANY_PRICE = SearchFilters(max_price=10_000.0)


class StopsAfter:
    """The real image embedder, stopped with Ctrl-C at its call after ``batches`` calls."""

    def __init__(self, real: ImageEmbedder, batches: int) -> None:
        self.real, self.batches, self.calls = real, batches, 0
        self.name = real.name

    def embed_images(self, images: list[Image.Image]) -> np.ndarray:
        self.calls += 1
        if self.calls > self.batches:
            raise KeyboardInterrupt("interrupted")
        return self.real.embed_images(images)


@pytest.fixture
def demo_files(demo_settings_factory) -> tuple[Settings, Path]:  # type: ignore[no-untyped-def]
    settings: Settings = demo_settings_factory()
    out = settings.data_dir / "demo"
    return settings, generate_demo_catalog(out, PRODUCTS)


async def _ingest(settings: Settings, path: Path, *, images: bool = True, index: bool = True) -> IngestReport:
    out = path.parent
    async with Database(settings.sqlite_path) as db:
        return await ingest_catalog_file(settings, db, path, progress=False, images=images, index=index,
                                         transactions=out / "transactions.csv", customers=out / "customers.csv")


async def _stopped_image_pass(settings: Settings, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indexing, "IMAGE_BATCH", BATCH)
    real = build_image_embedder(settings)
    monkeypatch.setattr(indexing, "build_image_embedder", lambda _settings: StopsAfter(real, DONE // BATCH))
    with pytest.raises(KeyboardInterrupt):
        await _ingest(settings, path)
    monkeypatch.setattr(indexing, "build_image_embedder", lambda _settings: real)


def _photos(path: Path) -> list[Path]:
    """The demo images in article id order (the order the image pass embeds them)."""
    return sorted((path.parent / "images").rglob("*.jpg"), key=lambda p: p.stem)


async def test_a_stopped_image_pass_is_searched_as_far_as_it_went_then_resumed(  # type: ignore[no-untyped-def]
    demo_files, monkeypatch
) -> None:
    settings, path = demo_files
    await _ingest(settings, path, index=False)  # the catalog is live; its index is built by the next run
    await _stopped_image_pass(settings, path, monkeypatch)
    photos = _photos(path)
    done, not_done = photos[:DONE], photos[DONE:]
    async with open_catalog(settings) as (_, catalog):
        for photo in (done[3], not_done[5]):
            hits = await catalog.search_photo(photo.read_bytes(), ANY_PRICE, k=5)  # was an IndexError
            assert hits and {h.article.article_id for h in hits} <= {p.stem for p in done}
        assert (await catalog.search_photo(done[3].read_bytes(), ANY_PRICE, k=1))[0].article.article_id == done[3].stem
        similar = await catalog.similar_to(done[2].stem, ANY_PRICE, k=5)
        assert {h.article.article_id for h in similar} <= {p.stem for p in done}
        health = await check_search(catalog)
        assert health.ok and health.line().startswith(f"ok · {PRODUCTS} articles (the embedded index) · image "
                                                      f"vectors for {DONE} of {PRODUCTS} articles with an image")
        assert health.warning() == health.detail

    report = await _ingest(settings, path)  # the same ingest again: only the images not done
    assert (report.indexed["images_indexed"], report.indexed["text_indexed"]) == (PRODUCTS - DONE, 0)
    async with open_catalog(settings) as (_, catalog):
        hits = await catalog.search_photo(not_done[5].read_bytes(), ANY_PRICE, k=1)
        assert hits[0].article.article_id == not_done[5].stem
        health = await check_search(catalog)
        assert health.line() == f"ok · {PRODUCTS} articles (the embedded index)" and health.warning() is None


async def test_an_ingest_without_images_after_a_stopped_image_pass_keeps_them_for_later(  # type: ignore[no-untyped-def]
    demo_files, monkeypatch
) -> None:
    settings, path = demo_files
    await _stopped_image_pass(settings, path, monkeypatch)  # stopped while embedding the staged catalog
    report = await _ingest(settings, path, images=False)
    assert report.images == 0 and report.indexed["images_kept"] == DONE and report.indexed["removed"] == 0
    photos = _photos(path)
    async with open_catalog(settings) as (_, catalog):
        for filters in (SearchFilters(), ANY_PRICE):  # the catalog has no images: not the leftovers, an error
            with pytest.raises(NoImageIndexError, match="no article images are indexed"):
                await catalog.search_photo(photos[3].read_bytes(), filters, k=5)
        # a caption is searched by its words alone
        captioned = await catalog.search_photo(photos[3].read_bytes(), SearchFilters(), k=3, text="a dress")
        assert [h.article.article_id for h in captioned] == [
            h.article.article_id for h in await catalog.search_text("a dress", SearchFilters(), 3)]
        similar = await catalog.similar_to(photos[3].stem, ANY_PRICE, k=5)  # by its text, not a kept image vector
        assert similar and photos[3].stem not in {h.article.article_id for h in similar}
        health = await check_search(catalog)
        assert health.line() == f"ok · {PRODUCTS} articles (the embedded index)"

    report = await _ingest(settings, path)  # with images: the kept vectors are used, the rest computed
    assert report.images == PRODUCTS and report.indexed["images_indexed"] == PRODUCTS - DONE
    async with open_catalog(settings) as (_, catalog):
        for photo in (photos[3], photos[DONE + 3]):
            hits = await catalog.search_photo(photo.read_bytes(), ANY_PRICE, k=1)
            assert hits[0].article.article_id == photo.stem
