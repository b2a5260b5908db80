"""A data dir that is moved or copied keeps its product images: paths inside it are stored
relative to it, and absolute paths written by older versions are found again under the new dir."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from PIL import Image

from catalog.db import Database
from catalog.demo import generate_demo_catalog
from catalog.image_paths import ImagePaths, to_stored
from catalog.indexing import image_source
from catalog.ingest.generic import ingest_catalog_file
from catalog.models import Article
from reclmms.app import open_catalog
from tests.conftest import settings_for


async def _stored_paths(sqlite: Path) -> dict[str, str]:
    async with Database(sqlite) as db, db.conn.execute(
        "SELECT article_id, image_path FROM articles WHERE image_path IS NOT NULL"
    ) as cur:
        return {str(a): str(p) for a, p in await cur.fetchall()}


def test_a_moved_data_dir_keeps_its_images(tmp_path: Path) -> None:
    old = settings_for(tmp_path / "old")
    outside = tmp_path / "elsewhere"
    outside.mkdir()

    async def ingest() -> None:
        products = await asyncio.to_thread(generate_demo_catalog, old.data_dir / "demo", 8)
        # one product whose picture lies outside the data dir: that one keeps its absolute path
        Image.new("RGB", (64, 96), (20, 200, 40)).save(outside / "green.jpg")
        with products.open("a", encoding="utf-8") as fh:
            fh.write(f'{{"id": "0999999999", "name": "Green tee", "image": "{outside / "green.jpg"}"}}\n')
        async with Database(old.sqlite_path) as db:
            await ingest_catalog_file(old, db, products, progress=False, index=True, images=True)

    asyncio.run(ingest())
    stored = asyncio.run(_stored_paths(old.sqlite_path))
    assert stored.pop("0999999999") == str(outside / "green.jpg")
    assert stored and all(p.startswith("demo/images/") for p in stored.values()), stored

    new = settings_for(tmp_path / "new")
    shutil.move(old.data_dir, new.data_dir)
    some_id, some_path = next(iter(stored.items()))

    async def use() -> None:
        async with open_catalog(new) as (_, catalog):
            article = await catalog.articles.get(some_id)
            assert article is not None and article.image_path == str(new.data_dir / some_path)
            photo = await asyncio.to_thread(Path(article.image_path).read_bytes)  # it is there
            green = await catalog.articles.get("0999999999")
            assert green is not None and green.image_path == str(outside / "green.jpg")
            hits = await catalog.search_photo(photo, None, 3)
            assert hits[0].article.article_id == some_id
            assert hits[0].article.image_path == article.image_path

    asyncio.run(use())


def test_absolute_paths_of_an_old_location_are_found_under_the_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "demo" / "images" / "051").mkdir(parents=True)
    (data_dir / "demo" / "images" / "051" / "0510000001.jpg").write_bytes(b"x")
    kept = tmp_path / "shop" / "pics"
    kept.mkdir(parents=True)
    paths = ImagePaths(data_dir)
    # a store written before paths were relative, in a data dir since moved from /gone/old
    assert paths.resolve("/gone/old/demo/images/051/0510000001.jpg") == str(
        data_dir / "demo" / "images" / "051" / "0510000001.jpg"
    )
    assert paths.resolve(str(kept / "a.jpg")) == str(kept / "a.jpg")  # still there: used as it is
    assert paths.resolve("/gone/elsewhere/nothing/a.jpg") == "/gone/elsewhere/nothing/a.jpg"
    assert paths.resolve("demo/images/051/0510000001.jpg") == str(data_dir / "demo/images/051/0510000001.jpg")
    assert paths.resolve(None) is None
    assert to_stored(str(data_dir / "demo" / "x.jpg"), data_dir) == "demo/x.jpg"
    assert to_stored(str(kept / "a.jpg"), data_dir) == str(kept / "a.jpg")


def test_image_fingerprints_do_not_depend_on_where_the_data_dir_is(tmp_path: Path) -> None:
    inside = Article(article_id="1", name="Tee", image_path=str(tmp_path / "data" / "demo" / "1.jpg"))
    assert image_source(inside, tmp_path / "data") == "demo/1.jpg"
    outside = Article(article_id="2", name="Cap", image_path="/srv/pics/2.jpg")
    assert image_source(outside, tmp_path / "data") == "/srv/pics/2.jpg"
