"""Transactions naming an article the catalog lacks are kept, not bad rows, and the report counts
them with line numbers (a shop's history may hold purchases of delisted articles)."""

from __future__ import annotations

from pathlib import Path

from catalog.articles import ArticleStore
from catalog.history import HistoryStore
from catalog.ingest import ingest_catalog_file, ingest_hm
from tests.data.fixtures import A1, CUSTOMERS, GOOD_TRANSACTIONS, write_hm


def _with_unknown_articles(root: Path) -> Path:
    """write_hm's files (no bad rows) and three purchases of two articles not in articles.csv."""
    write_hm(root, bad_rows=False)
    with (root / "transactions_train.csv").open("a", encoding="utf-8") as fh:
        fh.write(f"2020-09-04,{CUSTOMERS[1]},12345,0.0169,2\n")  # line 10: stored as 0000012345
        fh.write(f"2020-09-05,{CUSTOMERS[1]},0999999998,0.02,1\n")  # line 11
        fh.write(f"2020-09-06,{CUSTOMERS[2]},12345,0.0169,2\n")  # line 12
    return root


async def test_hm_transactions_of_unknown_articles_are_kept_and_reported(tmp_path: Path, settings, db) -> None:
    report = await ingest_hm(settings, db, _with_unknown_articles(tmp_path / "hm"), progress=False, index=False)

    assert report.bad_rows == 0 and report.transactions == GOOD_TRANSACTIONS + 3
    assert report.unknown_article_rows == 3
    assert [(b.file, b.line, b.reason) for b in report.unknown_article_samples] == [
        ("transactions_train.csv", 10, "article 0000012345"),
        ("transactions_train.csv", 11, "article 0999999998"),
        ("transactions_train.csv", 12, "article 0000012345"),
    ]
    summary = report.summary()
    assert "transactions naming an article not in the catalog: 3 (kept" in summary
    assert "transactions_train.csv:10: article 0000012345" in summary
    history = HistoryStore(db, ArticleStore(db))
    ids = [p.article_id for p, _ in await history.purchases(CUSTOMERS[1])]
    assert "0000012345" in ids and "0999999998" in ids


async def test_a_clean_ingest_reports_none(tmp_path: Path, settings, db) -> None:
    report = await ingest_hm(settings, db, write_hm(tmp_path / "hm", bad_rows=False), progress=False, index=False)
    assert report.unknown_article_rows == 0 and report.unknown_article_samples == []
    assert "not in the catalog" not in report.summary()


async def test_kept_history_of_removed_products_is_reported_by_id(tmp_path: Path, settings, db) -> None:
    root = write_hm(tmp_path / "hm", bad_rows=False)
    await ingest_hm(settings, db, root, progress=False, index=False)
    products = tmp_path / "products.csv"  # A1 (bought 4 times) is gone; no new transactions file
    products.write_text("id,name\n0108775044,Strap top\n0110065001,Bra\n0111565001,Hoodie\n", encoding="utf-8")
    report = await ingest_catalog_file(settings, db, products, progress=False, index=False, images=False)
    assert report.unknown_article_rows == 4  # the four purchases of A1
    assert [(b.file, b.line, b.reason) for b in report.unknown_article_samples] == [
        ("transactions", None, f"article {A1} (4 purchase(s))")]
