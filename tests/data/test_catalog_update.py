"""Replacing the catalog keeps customers, transactions and histories unless new ones are given."""

from __future__ import annotations

import json
from pathlib import Path

from bot.rendering import card_caption, history_text
from catalog.articles import ArticleStore
from catalog.demo import demo_customer_id
from catalog.history import HistoryStore
from catalog.ingest import ingest_catalog_file, ingest_demo
from reclmms.cli import main
from reclmms.settings import Settings
from tests.data.snapshot import snapshot

ACTIVITY = ("sqlite.customers", "sqlite.purchase_history", "sqlite.history_articles", "duckdb.transactions",
            "duckdb.customers", "duckdb.customer_codes", "duckdb.article_codes", "duckdb.purchases_coded",
            "duckdb.article_days")


def _bought(demo_dir: Path, customer: str) -> set[str]:
    lines = (demo_dir / "transactions.csv").read_text(encoding="utf-8").splitlines()[1:]
    return {line.split(",")[2] for line in lines if line.split(",")[1] == customer}


def _write_catalog(demo_dir: Path, name: str, keep: set[str] | None = None, prices: dict[str, float] | None = None) -> Path:
    """A copy of the demo catalog in the same folder (so its relative image paths still work)."""
    out = []
    for line in (demo_dir / "catalog.jsonl").read_text(encoding="utf-8").splitlines():
        product = json.loads(line)
        if keep is not None and product["id"] not in keep:
            continue
        product["price"] = (prices or {}).get(product["id"], product["price"])
        out.append(json.dumps(product))
    path = demo_dir / name
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


async def test_price_update_keeps_customers_and_histories(settings: Settings, db) -> None:
    await ingest_demo(settings, db, progress=False, index=False)
    demo_dir = settings.data_dir / "demo"
    before = await snapshot(settings, db)
    first = json.loads((demo_dir / "catalog.jsonl").read_text(encoding="utf-8").splitlines()[0])["id"]

    report = await ingest_catalog_file(settings, db, _write_catalog(demo_dir, "v2.jsonl", prices={first: 1.5}),
                                       progress=False, index=False)
    assert (report.articles, report.customers, report.history_customers) == (400, 40, 40)
    assert report.transactions == len(before["duckdb.transactions"]) > 100
    assert "customers" in report.kept and "transactions and purchase histories" in report.kept
    assert "kept as they were (no new file given): transactions and purchase histories, customers" in report.summary()
    after = await snapshot(settings, db)
    assert {k: after[k] for k in ACTIVITY} == {k: before[k] for k in ACTIVITY}
    article = await ArticleStore(db).get(first)
    assert article is not None and article.price == 1.5

    # new customers alone replace the customers and keep the transactions
    (demo_dir / "few.csv").write_text("customer_id,age\nnew-1,30\nnew-2,41\n", encoding="utf-8")
    report = await ingest_catalog_file(settings, db, demo_dir / "v2.jsonl", customers=demo_dir / "few.csv",
                                       progress=False, index=False)
    assert report.customers == 2 and report.history_customers == 40
    assert report.kept == ["transactions and purchase histories"]
    after = await snapshot(settings, db)
    assert after["duckdb.transactions"] == before["duckdb.transactions"]
    assert [r[0] for r in after["sqlite.customers"]] == ["new-1", "new-2"]


async def test_history_of_products_no_longer_sold(settings: Settings, db) -> None:
    await ingest_demo(settings, db, progress=False, index=False)
    demo_dir = settings.data_dir / "demo"
    customer = demo_customer_id(0)
    history = HistoryStore(db, ArticleStore(db))
    bought_rows = await history.purchases(customer)
    gone = _bought(demo_dir, customer)
    all_ids = {json.loads(line)["id"] for line in (demo_dir / "catalog.jsonl").read_text().splitlines()}
    report = await ingest_catalog_file(settings, db, _write_catalog(demo_dir, "smaller.jsonl", all_ids - gone),
                                       progress=False, index=False)
    assert report.articles == 400 - len(gone) and report.history_customers == 40

    rows = await history.purchases(customer)
    assert [(p.article_id, p.t_dat, p.price) for p, _ in rows] == [
        (p.article_id, p.t_dat, p.price) for p, _ in bought_rows
    ]
    assert all(a.name == f"article {a.article_id}" and a.price is None and a.image_path is None for _, a in rows)
    text = history_text([(p.t_dat.isoformat(), a.name, p.price, a.article_id) for p, a in rows], "en")
    assert all(f"<code>{p.article_id}</code>" in text for p, _ in rows)
    assert rows[0][1].article_id in card_caption(rows[0][1], "en")


def test_cli_recommend_and_ask_after_products_left_the_catalog(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("RECLMMS_LLM_BACKEND", "scripted")
    monkeypatch.chdir(tmp_path)
    assert main(["ingest", "demo", "--no-index"]) == 0
    demo_dir = tmp_path / "state" / "demo"
    customer = demo_customer_id(0)
    gone = _bought(demo_dir, customer)
    all_ids = {json.loads(line)["id"] for line in (demo_dir / "catalog.jsonl").read_text().splitlines()}
    smaller = _write_catalog(demo_dir, "smaller.jsonl", all_ids - gone)
    assert main(["ingest", "catalog", str(smaller), "--no-index"]) == 0
    out = capsys.readouterr().out
    assert "customers:     40" in out and "customers with a purchase history: 40" in out

    assert main(["recommend", "--customer", customer, "--json"]) == 0
    recs = json.loads(capsys.readouterr().out)
    assert recs["customer_id"] == customer and recs["recommendations"]
    assert not {r["article_id"] for r in recs["recommendations"]} & gone  # only products still sold
    assert all(r["name"] and r["price"] is not None for r in recs["recommendations"])
    assert main(["ask", "what did I buy?", "--customer", customer, "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["intent"] == "history" and answer["products"]
    assert {p["article_id"] for p in answer["products"]} <= gone
