"""index_catalog: idempotent and resumable, corrupt images counted, the metadata kept."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.embedders import build_image_embedder, build_text_embedder
from catalog.indexing import article_text, index_catalog
from catalog.models import Article
from catalog.schema import ensure_catalog_schema
from catalog.search_index import VectorMatrix
from catalog.vectors import VectorStore
from reclmms.settings import Settings

COLOURS = {"Red": (200, 30, 40), "Dark Blue": (20, 30, 110), "Black": (15, 15, 15), "Yellow": (230, 210, 40)}


def make_articles(folder: Path) -> list[Article]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, (colour, rgb) in enumerate(COLOURS.items()):
        for j, kind in enumerate(("Dress", "Trousers")):
            article_id = f"09{i}{j}000001"
            path = folder / f"{article_id}.jpg"
            image = Image.new("RGB", (128, 192), "white")
            draw = ImageDraw.Draw(image)
            if kind == "Dress":
                draw.polygon([(40, 20), (88, 20), (110, 180), (18, 180)], fill=rgb)
            else:
                draw.rectangle([30, 20, 60, 180], fill=rgb)
                draw.rectangle([68, 20, 98, 180], fill=rgb)
            image.save(path, "JPEG")
            out.append(
                Article(
                    article_id=article_id,
                    name=f"{colour} {kind.lower()}",
                    product_type=kind,
                    colour=colour,
                    colour_master=colour.split()[-1],
                    index_group="Ladieswear" if kind == "Dress" else "Menswear",
                    description=f"A {colour.lower()} {kind.lower()}.",
                    price=10.0 + i,
                    image_path=str(path),
                )
            )
    return out


async def test_index_is_resumable_and_counts_corrupt_images(demo_settings_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings: Settings = demo_settings_factory()
    articles = make_articles(tmp_path / "images")
    broken = tmp_path / "images" / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    articles.append(Article(article_id="0999999999", name="Broken picture top", image_path=str(broken)))
    models = {"text_embedder": build_text_embedder(settings), "image_embedder": build_image_embedder(settings)}
    async with Database(settings.sqlite_path) as db:
        await ensure_catalog_schema(db)
        store = ArticleStore(db)
        await store.upsert_many(articles[:5])
        first = await index_catalog(settings, db, store, progress=False, **models)
        assert (first.text_indexed, first.images_indexed, first.corrupt_images) == (5, 5, 0)

        await store.upsert_many(articles[5:])  # "interrupted" run: more articles arrive
        second = await index_catalog(settings, db, store, progress=False, **models)
        assert (second.text_indexed, second.images_indexed, second.corrupt_images) == (4, 3, 1)
        assert second.skipped_existing == 10

        again = await index_catalog(settings, db, store, progress=False, **models)
        assert (again.text_indexed, again.images_indexed) == (0, 0)
        assert again.skipped_existing == 9 + 8
        assert again.corrupt_images == 1

    vectors = VectorStore(settings, "use-m3", "efficientnet-lite0")
    assert vectors.text.count() == 9 and vectors.image.count() == 8
    assert vectors.text.raw._embedding_function is None  # never Chroma's own (downloading) model
    got = vectors.text.raw.get(ids=[articles[0].article_id], include=["metadatas"])
    assert got["metadatas"][0]["colour_master"] == "Red" and got["metadatas"][0]["price"] == 10.0


def test_article_text_has_the_searchable_fields() -> None:
    article = Article(
        article_id="1", name="Strap top", product_type="Vest top", colour="Black", index_group="Ladieswear",
        section="Womens Everyday Basics", garment_group="Jersey Basic", description="Narrow straps.",
    )
    text = article_text(article)
    for word in ("Strap top", "Vest top", "Black", "Ladieswear", "Womens Everyday Basics", "Narrow straps."):
        assert word in text


async def test_reindex_follows_changed_and_removed_articles(demo_settings_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings: Settings = demo_settings_factory()
    articles = make_articles(tmp_path / "images")[:6]
    models = {"text_embedder": build_text_embedder(settings), "image_embedder": build_image_embedder(settings)}
    async with Database(settings.sqlite_path) as db:
        await ensure_catalog_schema(db)
        store = ArticleStore(db)
        await store.upsert_many(articles)
        first = await index_catalog(settings, db, store, progress=False, **models)
        assert (first.text_indexed, first.images_indexed, first.removed) == (6, 6, 0)
        vectors = VectorStore(settings, "use-m3", "efficientnet-lite0")
        before = vectors.text.get_vectors([articles[0].article_id])[articles[0].article_id]
        cache = VectorMatrix.cache_files(vectors.text, settings.chroma_path)
        for path in cache:  # the search's copy of the vectors, as a running search leaves it
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"stale")

        changed = replace(articles[0], description="A quilted winter coat with a hood.")
        await store.upsert_many([changed])  # a new description; the price alone of another
        await store.upsert_many([replace(articles[1], price=99.0)])
        await db.conn.execute("DELETE FROM articles WHERE article_id = ?", (articles[5].article_id,))
        await db.conn.commit()
        second = await index_catalog(settings, db, store, progress=False, **models)
        assert second.text_indexed == 1 and second.images_indexed == 0
        assert second.removed == 2  # its text vector and its image vector
        after = vectors.text.get_vectors([articles[0].article_id])[articles[0].article_id]
        assert float(before @ after) < 0.999  # embedded again from the new text
        assert vectors.text.count() == 5 and vectors.image.count() == 5
        assert articles[5].article_id not in vectors.text.all_ids()
        assert not any(path.exists() for path in cache)

        again = await index_catalog(settings, db, store, progress=False, **models)
        assert (again.text_indexed, again.images_indexed, again.removed) == (0, 0, 0)


async def test_an_index_without_fingerprints_records_them_and_then_sees_changes(demo_settings_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings: Settings = demo_settings_factory()
    articles = make_articles(tmp_path / "images")[:3]
    models = {"text_embedder": build_text_embedder(settings), "image_embedder": build_image_embedder(settings)}
    async with Database(settings.sqlite_path) as db:
        await ensure_catalog_schema(db)
        store = ArticleStore(db)
        await store.upsert_many(articles)
        await index_catalog(settings, db, store, images=False, progress=False, **models)
        vectors = VectorStore(settings, "use-m3", "efficientnet-lite0")
        ids = [a.article_id for a in articles]
        stored = vectors.text.get_vectors(ids)
        vectors.text.delete(ids)  # written again as an older index left them: no fingerprint
        vectors.text.add(ids, np.stack([stored[i] for i in ids]), [{"name": a.name} for a in articles])
        assert set(vectors.text.sources(ids).values()) == {None}

        upgraded = await index_catalog(settings, db, store, images=False, progress=False, **models)
        assert upgraded.text_indexed == 0 and None not in vectors.text.sources(ids).values()
        await store.upsert_many([replace(articles[0], description="A long wool coat.")])
        changed = await index_catalog(settings, db, store, images=False, progress=False, **models)
        assert changed.text_indexed == 1
