from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from catalog.articles import ArticleStore
from catalog.demo import demo_customer_id, generate_demo_catalog
from catalog.history import HistoryStore
from catalog.ingest import ingest_demo
from catalog.ingest.images import image_ok


def test_demo_catalog_is_varied_and_deterministic(tmp_path: Path) -> None:
    started = time.monotonic()
    path = generate_demo_catalog(tmp_path / "a", n=400, seed=7)
    assert time.monotonic() - started < 10
    products = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(products) == 400 and len({p["id"] for p in products}) == 400
    assert all(len(p["id"]) == 10 and p["id"].isdigit() for p in products)
    assert set(Counter(p["index_group"] for p in products)) >= {"Ladieswear", "Menswear", "Kids", "Sport"}
    assert len({p["category"] for p in products}) >= 15 and len({p["colour"] for p in products}) >= 12
    assert len({p["name"] for p in products}) >= 60 and len({p["description"] for p in products}) >= 350
    assert all(isinstance(p["price"], float) and p["price"] > 0 for p in products)
    assert all(image_ok(path.parent / p["image"]) for p in products[:50])

    again = generate_demo_catalog(tmp_path / "b", n=400, seed=7)
    assert again.read_bytes() == path.read_bytes()
    some = products[123]["image"]
    assert (again.parent / some).read_bytes() == (path.parent / some).read_bytes()
    assert (again.parent / "transactions.csv").read_bytes() == (path.parent / "transactions.csv").read_bytes()
    other = generate_demo_catalog(tmp_path / "c", n=400, seed=8)
    assert other.read_bytes() != path.read_bytes()
    # a second call with the same parameters keeps the files as they are
    mtime = path.stat().st_mtime_ns
    generate_demo_catalog(tmp_path / "a", n=400, seed=7)
    assert path.stat().st_mtime_ns == mtime


async def test_ingest_demo_with_customers(settings, db) -> None:
    report = await ingest_demo(settings, db, progress=False, index=False)
    assert (report.articles, report.images, report.customers, report.bad_rows) == (400, 400, 40, 0)
    assert report.transactions > 100 and report.history_customers == 40
    history = HistoryStore(db, ArticleStore(db))
    got = await history.purchases(demo_customer_id(0))
    assert got and all(a.name and a.image_path for _, a in got)
    dates = [p.t_dat for p, _ in got]
    assert dates == sorted(dates, reverse=True)
    again = await ingest_demo(settings, db, progress=False, index=False)
    assert again.transactions == report.transactions and "articles" in again.skipped_steps
