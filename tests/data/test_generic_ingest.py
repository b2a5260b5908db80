from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PIL import Image

from catalog.articles import ArticleStore
from catalog.ingest import ingest_catalog_file
from reclmms.errors import DataError


def _image(path: Path, colour: tuple[int, int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (24, 36), colour).save(path, "JPEG")


async def test_csv_with_aliases_images_and_bad_rows(tmp_path: Path, settings, db) -> None:
    shop = tmp_path / "shop"
    _image(shop / "img" / "a.jpg", (200, 0, 0))
    (shop / "img" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    rows = [
        ["SKU", "Title", "Desc", "Category", "Color", "Price", "Image", "Gender"],
        ["0000000001", "Red summer dress", "Light dress", "Dress", "Red", "29.9", "img/a.jpg", "Ladieswear"],
        ["0000000002", "Blue jeans", "Straight jeans", "Jeans", "Blue", "", "img/missing.jpg", "Menswear"],
        ["0000000003", "Cap", "", "Hat", "Black", "cheap", "", ""],  # line 4: bad price
        ["", "No id", "", "Hat", "Black", "5", "", ""],  # line 5: missing id
        ["0000000001", "Duplicate", "", "Dress", "Red", "1", "", ""],
        ["0000000004", "Knit", "Warm sweater", "Sweater", "Grey", "19", "img/broken.jpg", "Menswear"],
    ]
    with (shop / "products.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    report = await ingest_catalog_file(settings, db, shop / "products.csv", progress=False, index=False)
    assert report.articles == 3 and report.images == 1
    assert report.bad_rows == 2 and [b.line for b in report.bad_row_samples] == [4, 5]
    assert report.duplicates_skipped == 1 and report.corrupt_images == 2
    assert report.transactions == 0 and report.customers == 0
    store = ArticleStore(db)
    dress = await store.get("0000000001")
    assert dress is not None
    assert (dress.name, dress.product_type, dress.colour, dress.colour_master, dress.index_group) == (
        "Red summer dress", "Dress", "Red", "Red", "Ladieswear"
    )
    assert dress.price == 29.9 and dress.image_path == str((shop / "img" / "a.jpg").resolve())
    jeans = await store.get("0000000002")
    assert jeans is not None and jeans.price is None and jeans.image_path is None


async def test_jsonl_replaces_the_catalog(tmp_path: Path, settings, db) -> None:
    first = tmp_path / "a.csv"
    first.write_text("id,name\nx1,Old product\n", encoding="utf-8")
    await ingest_catalog_file(settings, db, first, progress=False, index=False)
    path = tmp_path / "b.jsonl"
    lines = [
        json.dumps({"id": 42, "name": "Linen shirt", "category": "Shirt", "colour": "White", "price": 25}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"article_id": "0000000043", "title": "Wool coat", "type": "Coat", "color": "Camel"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = await ingest_catalog_file(settings, db, path, progress=False, index=False)
    assert report.articles == 2 and report.bad_rows == 2
    assert [b.line for b in report.bad_row_samples] == [2, 3]
    store = ArticleStore(db)
    assert await store.get("x1") is None  # the file is the whole catalog
    shirt = await store.get("42")
    assert shirt is not None and shirt.price == 25.0 and shirt.product_type == "Shirt"
    coat = await store.get("0000000043")
    assert coat is not None and coat.colour == "Camel"


async def test_missing_required_column_and_file(tmp_path: Path, settings, db) -> None:
    path = tmp_path / "p.csv"
    path.write_text("sku,colour\n1,Red\n", encoding="utf-8")
    with pytest.raises(DataError, match="name"):
        await ingest_catalog_file(settings, db, path, progress=False, index=False)
    with pytest.raises(DataError, match="file not found"):
        await ingest_catalog_file(settings, db, tmp_path / "nope.csv", progress=False, index=False)
