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
    folder = tmp_path / "products.csv"
    folder.mkdir()
    with pytest.raises(DataError, match="products.csv is not a regular file"):
        await ingest_catalog_file(settings, db, folder, progress=False, index=False)


async def test_prices_must_be_finite_and_not_negative(tmp_path: Path, settings, db) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,name,price\n1,Tee,inf\n2,Cap,nan\n3,Hat,-5\n4,Scarf,1e400\n5,Sock,0\n6,Belt,12.499\n",
                    encoding="utf-8")
    report = await ingest_catalog_file(settings, db, path, progress=False, index=False)
    assert report.articles == 2 and report.bad_rows == 4
    assert [(b.line, b.reason) for b in report.bad_row_samples] == [
        (2, "price is not a finite number >= 0: 'inf'"),
        (3, "price is not a finite number >= 0: 'nan'"),
        (4, "price is not a finite number >= 0: '-5'"),
        (5, "price is not a finite number >= 0: '1e400'"),
    ]
    store = ArticleStore(db)
    assert [(a.article_id, a.price) for a in await store.get_many(["1", "2", "3", "4", "5", "6"])] == [
        ("5", 0.0), ("6", 12.5)
    ]
    # JSON's own NaN/Infinity literals are caught the same way
    lines = ['{"id": "7", "name": "A", "price": NaN}', '{"id": "8", "name": "B", "price": -Infinity}',
             '{"id": "9", "name": "C", "price": 3}']
    (tmp_path / "p.jsonl").write_text("\n".join(lines), encoding="utf-8")
    report = await ingest_catalog_file(settings, db, tmp_path / "p.jsonl", progress=False, index=False)
    assert report.articles == 1 and [b.line for b in report.bad_row_samples] == [1, 2]


async def test_json_values_that_are_not_text_are_bad_rows(tmp_path: Path, settings, db) -> None:
    lines = [
        '{"id": {"x": 1}, "name": ["a"]}',
        '{"id": "2", "name": ["a", "b"]}',
        '{"id": "3", "name": "Tee", "colour": {"r": 1}}',
        '{"id": "4", "name": "Cap", "price": [1]}',
        '{"id": "5", "name": true}',
        '{"id": 6, "name": "Hat", "description": null, "price": 2.0}',
    ]
    (tmp_path / "p.jsonl").write_text("\n".join(lines), encoding="utf-8")
    report = await ingest_catalog_file(settings, db, tmp_path / "p.jsonl", progress=False, index=False)
    assert report.articles == 1
    assert [(b.line, b.reason) for b in report.bad_row_samples] == [
        (1, "id is an object, not text or a number"),
        (2, "name is an array, not text or a number"),
        (3, "colour is an object, not text or a number"),
        (4, "price is an array, not text or a number"),
        (5, "name is true/false, not text or a number"),
    ]
    hat = await ArticleStore(db).get("6")
    assert hat is not None and (hat.name, hat.description, hat.price) == ("Hat", "", 2.0)


async def test_json_array_file(tmp_path: Path, settings, db) -> None:
    products = [{"id": "1", "name": "Tee", "price": 5}, {"id": "2"}, "text", {"id": "3", "name": "Cap"}]
    (tmp_path / "arr.json").write_text(json.dumps(products, indent=2), encoding="utf-8")
    report = await ingest_catalog_file(settings, db, tmp_path / "arr.json", progress=False, index=False)
    assert report.articles == 2
    assert [(b.line, b.reason) for b in report.bad_row_samples] == [
        (7, "missing name"), (10, "not a JSON object (a string)")
    ]
    (tmp_path / "broken.json").write_text('[{"id": "1", "name": "Tee"},\n{"id": ]', encoding="utf-8")
    with pytest.raises(DataError, match=r"broken.json is not valid JSON \(line 2: Expecting value\)"):
        await ingest_catalog_file(settings, db, tmp_path / "broken.json", progress=False, index=False)
    (tmp_path / "nothing.json").write_text('[["a"], {"name": "no id"}]', encoding="utf-8")
    with pytest.raises(DataError, match=r"no usable products \(2 bad rows; line 1: not a JSON object \(an array\); "
                                        r"line 1: missing id\)"):
        await ingest_catalog_file(settings, db, tmp_path / "nothing.json", progress=False, index=False)
    assert {a.article_id for a in await ArticleStore(db).get_many(["1", "3"])} == {"1", "3"}


async def test_text_encodings(tmp_path: Path, settings, db) -> None:
    (tmp_path / "u16.csv").write_text("id,name,colour\n1,Tee,Grün\n2,Café shirt,\n", encoding="utf-16")
    report = await ingest_catalog_file(settings, db, tmp_path / "u16.csv", progress=False, index=False)
    assert report.articles == 2 and report.bad_rows == 0
    tee = await ArticleStore(db).get("1")
    assert tee is not None and tee.colour == "Grün"
    (tmp_path / "u16.jsonl").write_text('{"id": "3", "name": "Мяч"}\n', encoding="utf-16")
    report = await ingest_catalog_file(settings, db, tmp_path / "u16.jsonl", progress=False, index=False)
    ball = await ArticleStore(db).get("3")
    assert report.articles == 1 and ball is not None and ball.name == "Мяч"

    cases = {
        "bin.csv": (bytes(range(256)) * 4, "is not UTF-8 text (it holds NUL bytes"),
        "latin1.csv": ("id,name\n1,Caf\xe9\n".encode("latin-1"), "is not UTF-8 text (a byte that is not UTF-8 on line 2)"),
        "u16nobom.csv": ("id,name\n1,Tee\n".encode("utf-16-le"), "is not UTF-8 text (it holds NUL bytes"),
        "u32.jsonl": ('{"id": "1", "name": "Tee"}\n'.encode("utf-32"), "is not UTF-8 text (it is UTF-32)"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(DataError) as caught:
            await ingest_catalog_file(settings, db, tmp_path / name, progress=False, index=False)
        assert str(caught.value).startswith(f"{tmp_path / name} {message}"), caught.value
    # a byte that is not UTF-8 beyond the first MiB is found while parsing, before anything is written
    late = tmp_path / "late.csv"
    late.write_bytes(b"id,name\n" + b"".join(b"%d,Tee\n" % i for i in range(200_000)) + b"9,Caf\xe9\n")
    with pytest.raises(DataError, match=r"late.csv is not UTF-8 text \(a byte that is not UTF-8 on line 200002\)"):
        await ingest_catalog_file(settings, db, late, progress=False, index=False)
    assert (await ArticleStore(db).get("3")) is not None and await ArticleStore(db).count() == 1
    # the Kaggle-format files go to DuckDB: UTF-8 only
    (tmp_path / "c16.csv").write_text("customer_id,age\nc1,30\n", encoding="utf-16")
    with pytest.raises(DataError, match="c16.csv is not UTF-8 text \\(it is UTF-16\\): save it as UTF-8"):
        await ingest_catalog_file(settings, db, tmp_path / "u16.csv", customers=tmp_path / "c16.csv",
                                  progress=False, index=False)
