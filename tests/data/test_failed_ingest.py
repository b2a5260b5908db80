"""A failed ingest, early or late, leaves the catalog, customers, transactions and histories as they were."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from catalog.ingest import ingest_catalog_file, ingest_demo, ingest_hm, state
from catalog.ingest.history_build import _part_rows
from reclmms.cli import main
from reclmms.errors import DataError, StoreError
from tests.data.fixtures import write_hm
from tests.data.snapshot import counts, snapshot

DEMO = {"sqlite.articles": 400, "sqlite.customers": 40, "sqlite.purchase_history": 40,
        "duckdb.customers": 40, "duckdb.articles": 400}


@pytest.fixture
async def demo(settings, db) -> dict:
    await ingest_demo(settings, db, progress=False, index=False)
    before = await snapshot(settings, db)
    assert {k: counts(before)[k] for k in DEMO} == DEMO and counts(before)["duckdb.transactions"] > 100
    return before


def _bad_hm(root: Path) -> Path:
    hm = write_hm(root)
    (hm / "transactions_train.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    return hm


async def test_bad_inputs_change_nothing(tmp_path: Path, settings, db, demo) -> None:
    new = tmp_path / "new.csv"
    new.write_text("id,name,price\n1,Tee,9.99\n", encoding="utf-8")
    bad_tx = tmp_path / "tx.csv"
    bad_tx.write_text("foo,bar\n1,2\n", encoding="utf-8")
    binary = tmp_path / "customers.csv"
    binary.write_bytes(b"customer_id,age\n\xff\xfe\x00\x81bad,3\n")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(b"customer_id,age\nJos\xe9,3\n")

    with pytest.raises(DataError, match="transactions_train.csv is missing column"):
        await ingest_hm(settings, db, _bad_hm(tmp_path / "hm"), progress=False, index=False)
    with pytest.raises(DataError, match="tx.csv is missing column"):
        await ingest_catalog_file(settings, db, new, transactions=bad_tx, progress=False, index=False)
    with pytest.raises(DataError, match="customers.csv is not UTF-8 text"):
        await ingest_catalog_file(settings, db, new, customers=binary, progress=False, index=False)
    with pytest.raises(DataError, match=r"latin1.csv is not UTF-8 text \(a byte that is not UTF-8 on line 2\)"):
        await ingest_catalog_file(settings, db, new, customers=latin1, progress=False, index=False)
    with pytest.raises(DataError, match="file not found"):
        await ingest_catalog_file(settings, db, new, customers=tmp_path / "nope.csv", progress=False, index=False)
    assert await snapshot(settings, db) == demo


def test_cli_failed_ingest_is_one_line_and_keeps_the_store(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    assert main(["ingest", "demo", "--no-index"]) == 0
    capsys.readouterr()
    hm = _bad_hm(tmp_path / "hm")
    assert main(["ingest", "hm", str(hm), "--no-index"]) == 2
    err = capsys.readouterr().err
    assert "transactions_train.csv is missing column(s)" in err and "removing" not in err
    (tmp_path / "bin.csv").write_bytes(bytes(range(256)) * 4)
    assert main(["ingest", "catalog", str(tmp_path / "state" / "demo" / "catalog.jsonl"), "--customers",
                 str(tmp_path / "bin.csv"), "--no-index"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [f"error: {tmp_path / 'bin.csv'} is not UTF-8 text (it holds NUL bytes: "
                                        "a binary file, or UTF-16 without a byte-order mark)"]
    assert main(["ingest", "catalog", str(tmp_path / "bin.csv"), "--no-index"]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert main(["ingest", "demo", "--no-index"]) == 0  # nothing to redo: the store is the demo's
    out = capsys.readouterr().out
    assert "articles:      400" in out and "customers:     40" in out
    assert "already done by an earlier run: articles, transactions, customers, sales summary" in out


async def test_crash_while_staging_keeps_the_stores_and_resumes(
    tmp_path: Path, settings, db, demo, monkeypatch
) -> None:
    from catalog.ingest import history_build

    hm = write_hm(tmp_path / "hm")
    monkeypatch.setattr(history_build, "PART_ROWS", 3)  # several parts for 8 purchases
    calls = {"n": 0}

    def crash_on_second_part(con, lo, hi):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("interrupted")
        return _part_rows(con, lo, hi)

    monkeypatch.setattr(history_build, "_part_rows", crash_on_second_part)
    with pytest.raises(KeyboardInterrupt):
        await ingest_hm(settings, db, hm, progress=False, index=False)
    assert await snapshot(settings, db) == demo  # articles, customers and transactions were staged, not live

    monkeypatch.setattr(history_build, "_part_rows", _part_rows)
    report = await ingest_hm(settings, db, hm, progress=False, index=False)
    assert {"articles", "transactions"} <= set(report.skipped_steps)  # resumed from the staged ones
    after = counts(await snapshot(settings, db))
    assert (after["sqlite.articles"], after["sqlite.customers"], after["sqlite.purchase_history"]) == (5, 3, 3)
    assert (after["duckdb.transactions"], after["duckdb.articles"]) == (8, 5)


async def test_crash_during_the_swap_undoes_it(tmp_path: Path, settings, db, demo, monkeypatch) -> None:
    hm = write_hm(tmp_path / "hm")
    real = state.IngestState.mark_done

    async def fail_inside_the_swap(self, part, signature, *, commit=True):  # type: ignore[no-untyped-def]
        if not commit:  # the steps recorded in the swap's transaction, after the tables were renamed
            raise OSError("disk full")
        await real(self, part, signature, commit=commit)

    monkeypatch.setattr(state.IngestState, "mark_done", fail_inside_the_swap)
    with pytest.raises(StoreError, match="is full .*: the ingest changed nothing"):
        await ingest_hm(settings, db, hm, progress=False, index=False)
    assert await snapshot(settings, db) == demo  # SQLite rolled back, DuckDB's renames undone

    monkeypatch.setattr(state.IngestState, "mark_done", real)
    report = await ingest_hm(settings, db, hm, progress=False, index=False)
    assert (report.articles, report.customers, report.transactions) == (5, 3, 8)
    assert "articles" in report.skipped_steps  # staged by the failed run


async def test_a_staged_file_that_changed_is_read_again(tmp_path: Path, settings, db, demo, monkeypatch) -> None:
    """An interrupted ingest's staged tables are used only for the same input files."""
    from catalog.ingest import history_build

    hm = write_hm(tmp_path / "hm")

    def crash(con, lo, hi):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt("interrupted")

    monkeypatch.setattr(history_build, "_part_rows", crash)
    with pytest.raises(KeyboardInterrupt):
        await ingest_hm(settings, db, hm, progress=False, index=False)
    monkeypatch.setattr(history_build, "_part_rows", _part_rows)
    other = write_hm(tmp_path / "other", bad_rows=False)
    shutil.copy(other / "transactions_train.csv", hm / "transactions_train.csv")
    report = await ingest_hm(settings, db, hm, progress=False, index=False)
    assert "articles" in report.skipped_steps and "transactions" not in report.skipped_steps
    assert (report.transactions, report.history_customers) == (8, 3)


async def test_a_successful_ingest_leaves_no_staged_tables(tmp_path: Path, settings, db, demo, monkeypatch) -> None:
    import duckdb

    from catalog.ingest import history_build

    def crash(con, lo, hi):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt("interrupted")

    monkeypatch.setattr(history_build, "_part_rows", crash)
    with pytest.raises(KeyboardInterrupt):
        await ingest_hm(settings, db, write_hm(tmp_path / "hm"), progress=False, index=False)
    monkeypatch.setattr(history_build, "_part_rows", _part_rows)
    # another input: the staged tables of the failed run are of no more use once it is swapped in
    (tmp_path / "p.csv").write_text("id,name\n1,Tee\n", encoding="utf-8")
    await ingest_catalog_file(settings, db, tmp_path / "p.csv", progress=False, index=False)
    async with db.conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'staged%' OR name LIKE 'replaced%'") as cur:
        assert list(await cur.fetchall()) == []
    con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    try:
        assert con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'staged%' "
                           "OR table_name LIKE 'replaced%'").fetchall() == []
    finally:
        con.close()
    async with db.conn.execute("SELECT part FROM ingest_state WHERE part LIKE 'staged/%'") as cur:
        assert list(await cur.fetchall()) == []
