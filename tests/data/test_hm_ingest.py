from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from catalog.analytics import Analytics
from catalog.articles import ArticleStore
from catalog.history import HistoryStore
from catalog.ingest import history_build, ingest_hm
from catalog.ingest.state import IngestState
from catalog.recsys.summary import is_current
from reclmms.errors import DataError
from tests.data.fixtures import A1, A2, A3, A4, A5, CUSTOMERS, GOOD_TRANSACTIONS, write_hm


async def test_ingest_counts_fields_and_bad_rows(tmp_path: Path, settings, db) -> None:
    hm = write_hm(tmp_path / "hm")
    report = await ingest_hm(settings, db, hm, progress=False, index=False)

    assert (report.articles, report.customers, report.transactions) == (5, 3, GOOD_TRANSACTIONS)
    assert report.images == 3  # A1, A2, A4
    assert report.corrupt_images == 1 and report.corrupt_image_samples[0].endswith(f"{A3}.jpg")
    lines = {(b.file, b.line) for b in report.bad_row_samples}
    assert ("articles.csv", 5) in lines
    assert {("transactions_train.csv", n) for n in (10, 11, 12, 13)} <= lines
    assert ("customers.csv", 6) in lines
    assert report.bad_rows == 6
    assert report.duplicates_skipped == 2  # one article, one customer
    assert "transactions_train.csv:11" in report.summary()

    store = ArticleStore(db)
    a1 = await store.get(A1)
    assert a1 is not None and a1.article_id == "0108775015" and a1.product_code == "0108775"
    assert (a1.name, a1.product_type, a1.colour, a1.index_group) == ("Strap top", "Vest top", "Black", "Ladieswear")
    assert a1.description == "Jersey top with straps."
    # median of 0.0169, 0.0171, 0.0170, 0.0100 = 0.01695 -> x1000 -> 16.95
    assert a1.price == pytest.approx(16.95)
    assert a1.image_path and Path(a1.image_path).is_absolute() and os.path.exists(a1.image_path)  # noqa: ASYNC240
    a3 = await store.get(A3)
    assert a3 is not None and a3.image_path is None  # corrupt image skipped
    a5 = await store.get(A5)
    assert a5 is not None and a5.price is None and a5.image_path is None  # never sold, no image


async def test_rerun_is_idempotent(tmp_path: Path, settings, db) -> None:
    hm = write_hm(tmp_path / "hm")
    first = await ingest_hm(settings, db, hm, progress=False, index=False)
    second = await ingest_hm(settings, db, hm, progress=False, index=False)
    assert (second.articles, second.customers, second.transactions, second.images) == (
        first.articles, first.customers, first.transactions, first.images
    )
    assert "transactions" in second.skipped_steps and "articles" in second.skipped_steps
    assert "sales summary" in second.skipped_steps
    history = HistoryStore(db, ArticleStore(db))
    assert await history.transaction_count() == GOOD_TRANSACTIONS
    # a changed file is re-read, replacing (not adding to) what was there
    hm2 = write_hm(tmp_path / "hm2", bad_rows=False)
    third = await ingest_hm(settings, db, hm2, progress=False, index=False)
    assert (third.articles, third.transactions, third.bad_rows) == (5, GOOD_TRANSACTIONS, 0)
    assert await history.transaction_count() == GOOD_TRANSACTIONS


async def test_interrupted_ingest_resumes_without_duplicates(tmp_path: Path, settings, db, monkeypatch) -> None:
    hm = write_hm(tmp_path / "hm")
    monkeypatch.setattr(history_build, "PART_ROWS", 3)  # several parts for 8 purchases
    real = history_build._part_rows
    calls = {"n": 0}

    def crash_on_second_part(con, lo, hi):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("interrupted")
        return real(con, lo, hi)

    monkeypatch.setattr(history_build, "_part_rows", crash_on_second_part)
    with pytest.raises(KeyboardInterrupt):
        await ingest_hm(settings, db, hm, progress=False, index=False)
    monkeypatch.setattr(history_build, "_part_rows", real)

    state = IngestState(db, "catalog")
    async with db.conn.execute("SELECT part FROM ingest_state WHERE part LIKE 'staged/history/part-%'") as cur:
        done_parts = [r[0] for r in await cur.fetchall()]
    assert len(done_parts) == 1  # the first part survived the crash
    assert state.source == "catalog"

    report = await ingest_hm(settings, db, hm, progress=False, index=False)
    assert "transactions" in report.skipped_steps and "articles" in report.skipped_steps
    assert (report.customers, report.transactions, report.history_customers) == (3, GOOD_TRANSACTIONS, 3)
    history = HistoryStore(db, ArticleStore(db))
    assert await history.transaction_count() == GOOD_TRANSACTIONS
    assert len(await history.purchases(CUSTOMERS[0])) == 4


async def test_missing_file_and_missing_column(tmp_path: Path, settings, db) -> None:
    hm = write_hm(tmp_path / "hm")
    (hm / "customers.csv").unlink()
    with pytest.raises(DataError, match="customers.csv"):
        await ingest_hm(settings, db, hm, progress=False, index=False)
    hm = write_hm(tmp_path / "hm2")
    text = (hm / "articles.csv").read_text().replace("colour_group_name", "colour_name", 1)
    (hm / "articles.csv").write_text(text)
    with pytest.raises(DataError, match="colour_group_name"):
        await ingest_hm(settings, db, hm, progress=False, index=False)
    hm = write_hm(tmp_path / "hm3")
    text = (hm / "transactions_train.csv").read_text().replace("article_id", "item", 1)
    (hm / "transactions_train.csv").write_text(text)
    with pytest.raises(DataError, match="article_id"):
        await ingest_hm(settings, db, hm, progress=False, index=False)
    with pytest.raises(DataError, match="not a directory"):
        await ingest_hm(settings, db, tmp_path / "nowhere", progress=False, index=False)


async def test_history_as_of_newest_first(tmp_path: Path, settings, db) -> None:
    await ingest_hm(settings, db, write_hm(tmp_path / "hm"), progress=False, index=False)
    history = HistoryStore(db, ArticleStore(db))
    got = await history.purchases(CUSTOMERS[0])
    assert [p.t_dat for p, _ in got] == [date(2020, 9, 15), date(2020, 9, 10), date(2020, 9, 3), date(2020, 9, 1)]
    assert [a.article_id for _, a in got] == [A1, A3, A2, A1]
    assert got[0][0].price == pytest.approx(0.0171) and got[0][0].channel == 2
    assert got[1][1].name == "OP T-shirt"
    # strictly before as_of
    before = await history.purchases(CUSTOMERS[0], as_of=date(2020, 9, 10))
    assert [p.t_dat for p, _ in before] == [date(2020, 9, 3), date(2020, 9, 1)]
    assert await history.purchases(CUSTOMERS[0], as_of=date(2020, 9, 1)) == []
    assert len(await history.purchases(CUSTOMERS[0], limit=2)) == 2
    assert await history.purchases("no-such-customer") == []
    assert await history.customer_exists(CUSTOMERS[2])
    assert not await history.customer_exists("no-such-customer")
    assert await history.customer_count() == 3
    assert await history.transaction_count() == GOOD_TRANSACTIONS


async def test_popular_windows_and_analytics_tables(tmp_path: Path, settings, db) -> None:
    await ingest_hm(settings, db, write_hm(tmp_path / "hm"), progress=False, index=False)
    analytics = Analytics(settings.duckdb_path, ArticleStore(db))
    try:
        assert await analytics.last_date() == date(2020, 9, 22)
        # default: the last 7 days of data, 2020-09-16..2020-09-22
        ranked = [(a.article_id, n) for a, n in await analytics.popular()]
        assert ranked == [(A4, 2), (A1, 1)]
        early = [(a.article_id, n) for a, n in await analytics.popular(date(2020, 9, 1), date(2020, 9, 4))]
        assert early == [(A1, 2), (A2, 1)]
        assert len(await analytics.popular(k=1)) == 1
        co = [(a.article_id, n) for a, n in await analytics.co_purchased(A1, as_of=date(2020, 9, 16))]
        assert co == [(A2, 1), (A3, 1)]
        cur = analytics.connect()
        assert cur.execute("SELECT article_id FROM transactions WHERE t_dat = DATE '2020-09-01'").fetchall() == [
            (A1,)
        ]
        assert cur.execute("SELECT count(*) FROM articles").fetchall() == [(5,)]
        row = cur.execute("SELECT age, club_member_status FROM customers WHERE customer_id = ?",
                          [CUSTOMERS[1]]).fetchall()
        assert row == [(21, "ACTIVE")]
        # the daily sales summary the recommender reads is built from the same tables
        assert is_current(cur)
        days = cur.execute("SELECT sum(n) FROM article_days").fetchall()
        assert days == cur.execute("SELECT count(*) FROM transactions").fetchall()
        assert cur.execute("SELECT first FROM article_first_sale WHERE article_id = ?", [A1]).fetchall() == [
            (date(2020, 9, 1),)
        ]
        cur.close()
    finally:
        analytics.close()


async def test_analytics_without_a_duckdb_file(tmp_path: Path, db) -> None:
    analytics = Analytics(tmp_path / "missing.duckdb", ArticleStore(db))
    assert await analytics.last_date() is None
    assert await analytics.popular() == []
    assert await analytics.co_purchased(A1) == []
    assert analytics.connect().execute("SELECT count(*) FROM transactions").fetchall() == [(0,)]
    analytics.close()
    assert not (tmp_path / "missing.duckdb").exists()


async def test_no_images_flag(tmp_path: Path, settings, db) -> None:
    report = await ingest_hm(settings, db, write_hm(tmp_path / "hm"), images=False, progress=False, index=False)
    assert report.images == 0 and report.corrupt_images == 0
    assert A4 in {a.article_id for a in await ArticleStore(db).get_many([A4])}


async def test_crash_after_loading_transactions_reloads_without_duplicates(
    tmp_path: Path, settings, db, monkeypatch
) -> None:
    from catalog.ingest import duck, pipeline

    hm = write_hm(tmp_path / "hm")
    real = duck.load_transactions

    async def load_then_crash(*args, **kwargs):
        await real(*args, **kwargs)
        raise KeyboardInterrupt("interrupted before the step was recorded")

    monkeypatch.setattr(pipeline.duck, "load_transactions", load_then_crash)
    with pytest.raises(KeyboardInterrupt):
        await ingest_hm(settings, db, hm, progress=False, index=False)
    monkeypatch.setattr(pipeline.duck, "load_transactions", real)
    report = await ingest_hm(settings, db, hm, progress=False, index=False)
    assert "articles" in report.skipped_steps and "transactions" not in report.skipped_steps
    assert report.transactions == GOOD_TRANSACTIONS
    analytics = Analytics(settings.duckdb_path, ArticleStore(db))
    try:
        assert [(a.article_id, n) for a, n in await analytics.popular(date(2020, 9, 1), date(2020, 9, 2))] == [
            (A1, 1)
        ]
    finally:
        analytics.close()


async def test_analytics_picks_up_a_file_created_after_it_opened(tmp_path: Path, settings, db) -> None:
    analytics = Analytics(settings.duckdb_path, ArticleStore(db))
    try:
        assert await analytics.popular() == []
        await ingest_hm(settings, db, write_hm(tmp_path / "hm"), progress=False, index=False)
        assert await analytics.last_date() == date(2020, 9, 22)
    finally:
        analytics.close()


async def test_text_checks_and_transaction_prices(tmp_path: Path, settings, db) -> None:
    hm = write_hm(tmp_path / "hm", bad_rows=False)
    articles = (hm / "articles.csv").read_bytes()
    (hm / "articles.csv").write_bytes(articles.replace(b"Baby shorts", b"Baby \xe9 shorts"))
    with pytest.raises(DataError, match=r"articles.csv is not UTF-8 text \(a byte that is not UTF-8 on line 6\)"):
        await ingest_hm(settings, db, hm, progress=False, index=False)
    (hm / "articles.csv").write_bytes(articles)
    (hm / "customers.csv").write_text((hm / "customers.csv").read_text(), encoding="utf-16")
    with pytest.raises(DataError, match="customers.csv is not UTF-8 text"):
        await ingest_hm(settings, db, hm, progress=False, index=False)
    async with db.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'articles'") as cur:
        assert tuple(await cur.fetchone()) == (0,)  # checked before anything was written, even the schema
    write_hm(hm, bad_rows=False)
    with (hm / "transactions_train.csv").open("a", encoding="utf-8") as fh:
        fh.write(f"2020-09-05,{CUSTOMERS[1]},{A5},inf,1\n2020-09-05,{CUSTOMERS[1]},{A5},nan,1\n")
        fh.write(f"2020-09-05,{CUSTOMERS[1]},{A5},-0.5,1\n")
    report = await ingest_hm(settings, db, hm, progress=False, index=False)
    assert report.transactions == GOOD_TRANSACTIONS and report.bad_rows == 3
    assert "3 row(s): a price that is negative, infinite or not a number" in report.summary()
    a5 = await ArticleStore(db).get(A5)
    assert a5 is not None and a5.price is None  # never sold at a real price
