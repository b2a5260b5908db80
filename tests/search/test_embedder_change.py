"""Changing ``[catalog] text_embedder`` / ``image_embedder`` after an ingest: a search of the vectors the other
embedder computed says so (``EmbedderChangedError``: a ``DataError`` naming both embedders and what to do), as
does ``check_search`` (``stale``); the same ingest again drops those collections and embeds every article with
the configured embedders, says so in its report, and search works again. An interrupted re-embed is a partial
index (the collection already records the new embedder), finished by the next run."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import catalog.indexing as indexing
from catalog.db import Database
from catalog.demo import generate_demo_catalog
from catalog.embedders import ImageEmbedder, TextEmbedder
from catalog.ingest.generic import ingest_catalog_file
from catalog.ingest.report import IngestReport
from catalog.models import SearchFilters
from catalog.search_health import check_search
from catalog.vectors import VectorStore
from reclmms.app import open_catalog
from reclmms.errors import DataError, EmbedderChangedError
from reclmms.settings import Settings
from tests.data.spelling_embedder import SpellingEmbedder
from tests.search.fake_embedders import ThumbnailEmbedder, WordsEmbedder

PRODUCTS = 40
BATCH = 8
ANY_PRICE = SearchFilters(max_price=10_000.0)
BEFORE: tuple[TextEmbedder, ImageEmbedder] = (SpellingEmbedder(), ThumbnailEmbedder("thumbnail-8-test", 8))
AFTER = (WordsEmbedder("words-test", 48), ThumbnailEmbedder("thumbnail-6-test", 6))
TEXT_SAID = ("the search index's text vectors were computed with the embedder spelling-test, but [catalog] "
             "text_embedder is now words-test: run the same `reclmms ingest ...` again to re-embed the catalog with "
             "words-test, or set [catalog] text_embedder back to what gives spelling-test")
IMAGE_SAID = ("the search index's image vectors were computed with the embedder thumbnail-8-test, but [catalog] "
              "image_embedder is now thumbnail-6-test: run the same `reclmms ingest ...` again to re-embed the "
              "catalog with thumbnail-6-test, or set [catalog] image_embedder back to what gives thumbnail-8-test")


def configure(monkeypatch: pytest.MonkeyPatch, text: object, image: object) -> None:
    """The embedders ``[catalog] text_embedder`` and ``image_embedder`` give, to the ingest and the search."""
    for module in ("catalog.indexing", "catalog.factory"):
        monkeypatch.setattr(f"{module}.build_text_embedder", lambda settings: text)
        monkeypatch.setattr(f"{module}.build_image_embedder", lambda settings: image)


class StopsAfter:
    """``real``, stopped with Ctrl-C at its call after ``batches`` calls (texts or images)."""

    def __init__(self, real: WordsEmbedder | ThumbnailEmbedder, batches: int) -> None:
        self.real, self.batches, self.calls = real, batches, 0
        self.name, self.dim = real.name, real.dim

    def _call(self) -> None:
        self.calls += 1
        if self.calls > self.batches:
            raise KeyboardInterrupt("interrupted")

    def embed(self, texts: list[str]) -> np.ndarray:
        self._call()
        assert isinstance(self.real, WordsEmbedder)
        return self.real.embed(texts)

    def embed_images(self, images: list[Image.Image]) -> np.ndarray:
        self._call()
        assert isinstance(self.real, ThumbnailEmbedder)
        return self.real.embed_images(images)


@pytest.fixture
def demo_files(demo_settings_factory) -> tuple[Settings, Path]:  # type: ignore[no-untyped-def]
    settings: Settings = demo_settings_factory()
    return settings, generate_demo_catalog(settings.data_dir / "demo", PRODUCTS)


async def ingest(settings: Settings, path: Path, *, index: bool = True) -> IngestReport:
    out = path.parent
    async with Database(settings.sqlite_path) as db:
        return await ingest_catalog_file(settings, db, path, progress=False, index=index,
                                         transactions=out / "transactions.csv", customers=out / "customers.csv")


def photos(path: Path) -> list[Path]:
    return sorted((path.parent / "images").rglob("*.jpg"), key=lambda p: p.stem)


def indexed_ids(settings: Settings) -> tuple[set[str], set[str]]:
    """The article ids with a text vector, and with an image vector (the collections opened as configured)."""
    store = VectorStore(settings, AFTER[0].name, AFTER[1].name)
    return set(store.text.all_ids()), set(store.image.all_ids())


async def test_a_changed_embedder_is_said_until_the_same_ingest_re_embeds_the_catalog(  # type: ignore[no-untyped-def]
    demo_files, monkeypatch
) -> None:
    settings, path = demo_files
    configure(monkeypatch, *BEFORE)
    await ingest(settings, path)
    async with open_catalog(settings) as (_, catalog):
        first = (await catalog.search_text("dress", ANY_PRICE, 3))[0].article  # the filtered search's vector copy
        assert list(settings.chroma_path.glob("article_text-spelling-test*.npy"))

    configure(monkeypatch, *AFTER)
    photo = photos(path)[8]  # (the demo drawings of [7] and [35] are alike)
    async with open_catalog(settings) as (_, catalog):
        for filters in (SearchFilters(), ANY_PRICE):  # one Chroma query; the cached vectors
            with pytest.raises(EmbedderChangedError) as said:
                await catalog.search_text(first.name, filters, 5)
            assert str(said.value) == TEXT_SAID and isinstance(said.value, DataError)
            with pytest.raises(EmbedderChangedError, match=f"^{re.escape(IMAGE_SAID)}$"):
                await catalog.search_photo(photo.read_bytes(), filters, 5)
        both = f"^{re.escape(IMAGE_SAID)}; {re.escape(TEXT_SAID)}$"  # a caption is compared with text vectors
        with pytest.raises(EmbedderChangedError, match=both):
            await catalog.search_photo(photo.read_bytes(), None, 5, text="a dress")
        with pytest.raises(EmbedderChangedError, match=both):
            await catalog.search.photo_and_text(photo.read_bytes(), "a dress", SearchFilters(), 5)
        with pytest.raises(EmbedderChangedError, match=both):  # by its image, else by its text
            await catalog.similar_to(first.article_id, None, 5)
        health = await check_search(catalog)
        assert (health.status, health.ok, health.detail) == ("stale", False, f"{TEXT_SAID}; {IMAGE_SAID}")
        assert health.line() == f"stale ({TEXT_SAID}; {IMAGE_SAID})"
        assert health.warning() == f"{TEXT_SAID}; {IMAGE_SAID}; until then product search is unavailable (the bot " \
                                   "answers the rest)"

    report = await ingest(settings, path)  # the same ingest again: nothing new to load, every vector anew
    counts = {key: report.indexed[key] for key in ("text_indexed", "images_indexed", "text_reembedded",
                                                   "images_reembedded", "skipped_existing", "removed")}
    assert counts == {"text_indexed": PRODUCTS, "images_indexed": PRODUCTS, "text_reembedded": PRODUCTS,
                      "images_reembedded": PRODUCTS, "skipped_existing": 0, "removed": 0}
    summary = report.summary()
    assert f"    text vectors re-computed for a new embedder: {PRODUCTS}\n" in summary
    assert f"    image vectors re-computed for a new embedder: {PRODUCTS}\n" in summary
    assert not list(settings.chroma_path.glob("article_text-spelling-test*"))  # no copy of the old vectors is left
    store = VectorStore(settings, *(e.name for e in AFTER))
    assert (store.text.built_with, store.image.built_with) == ("words-test", "thumbnail-6-test")

    async with open_catalog(settings) as (_, catalog):
        for filters in (SearchFilters(), ANY_PRICE):
            assert (await catalog.search_text(first.name, filters, 5))[0].article.name == first.name
            assert (await catalog.search_photo(photo.read_bytes(), filters, 1))[0].article.article_id == photo.stem
        similar = await catalog.similar_to(first.article_id, ANY_PRICE, 5)
        assert len(similar) == 5 and first.article_id not in {h.article.article_id for h in similar}
        assert (await check_search(catalog)).line() == f"ok · {PRODUCTS} articles (the embedded index)"
    assert (await ingest(settings, path)).indexed["skipped_existing"] == 2 * PRODUCTS  # and it stays done


async def test_an_interrupted_re_embed_is_searched_as_a_partial_index_and_finished_next_time(  # type: ignore[no-untyped-def]
    demo_files, monkeypatch
) -> None:
    settings, path = demo_files
    configure(monkeypatch, *BEFORE)
    await ingest(settings, path)
    monkeypatch.setattr(indexing, "TEXT_BATCH", BATCH)
    monkeypatch.setattr(indexing, "IMAGE_BATCH", BATCH)
    text, image = AFTER

    configure(monkeypatch, StopsAfter(text, 2), image)  # stopped in the text pass
    with pytest.raises(KeyboardInterrupt):
        await ingest(settings, path)
    texts, _ = indexed_ids(settings)
    assert len(texts) == 2 * BATCH
    configure(monkeypatch, text, image)
    async with open_catalog(settings) as (_, catalog):
        named = (await catalog.get_articles([sorted(texts)[3]]))[0]
        for filters in (SearchFilters(), ANY_PRICE):  # the texts done are searched, not a mismatch
            hits = await catalog.search_text(named.name, filters, 5)
            assert hits[0].article.name == named.name and {h.article.article_id for h in hits} <= texts
        with pytest.raises(EmbedderChangedError, match=f"^{re.escape(IMAGE_SAID)}$"):  # not re-embedded yet
            await catalog.search_photo(photos(path)[3].read_bytes(), None, 5)
        health = await check_search(catalog)
        assert (health.status, health.detail) == ("stale", IMAGE_SAID)

    configure(monkeypatch, text, StopsAfter(image, 2))  # the texts finished, stopped in the image pass
    with pytest.raises(KeyboardInterrupt):
        await ingest(settings, path)
    texts, pictured = indexed_ids(settings)
    assert (len(texts), len(pictured)) == (PRODUCTS, 2 * BATCH)
    configure(monkeypatch, text, image)
    done = [p for p in photos(path) if p.stem in pictured]
    not_done = [p for p in photos(path) if p.stem not in pictured]
    async with open_catalog(settings) as (_, catalog):
        for photo in (done[3], not_done[5]):
            for filters in (SearchFilters(), ANY_PRICE):
                hits = await catalog.search_photo(photo.read_bytes(), filters, 5)
                assert hits and {h.article.article_id for h in hits} <= pictured
        assert (await catalog.search_photo(done[3].read_bytes(), None, 1))[0].article.article_id == done[3].stem
        health = await check_search(catalog)
        assert health.ok and health.detail.startswith(f"image vectors for {2 * BATCH} of {PRODUCTS} articles")

    report = await ingest(settings, path)
    assert (report.indexed["text_indexed"], report.indexed["images_indexed"]) == (0, PRODUCTS - 2 * BATCH)
    assert "re-computed for a new embedder" not in report.summary()  # the run that began it said so
    async with open_catalog(settings) as (_, catalog):
        hits = await catalog.search_photo(not_done[5].read_bytes(), ANY_PRICE, 1)
        assert hits[0].article.article_id == not_done[5].stem
        assert (await check_search(catalog)).line() == f"ok · {PRODUCTS} articles (the embedded index)"


async def test_a_stopped_text_pass_is_told_by_the_health_check(demo_files, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings, path = demo_files
    await ingest(settings, path, index=False)  # the catalog is live; its vectors come with the next run
    monkeypatch.setattr(indexing, "TEXT_BATCH", BATCH)
    text, image = AFTER
    configure(monkeypatch, StopsAfter(text, 2), image)
    with pytest.raises(KeyboardInterrupt):
        await ingest(settings, path)
    configure(monkeypatch, text, image)
    async with open_catalog(settings) as (_, catalog):
        health = await check_search(catalog)
    assert health.ok and health.articles == 2 * BATCH
    assert health.detail == (
        f"text vectors for {2 * BATCH} of {PRODUCTS} articles: a search looks among those only until the same "
        f"`reclmms ingest ...` is run again to finish them; image vectors for 0 of {PRODUCTS} articles with an image: "
        "a photo search looks among those only until the same `reclmms ingest ...` with images is run again to "
        "finish them")
