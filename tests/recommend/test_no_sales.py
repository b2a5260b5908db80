"""`reclmms recommend` on a store without sales to rank by: a store ingested without --transactions, and a
store with sales but none before --as-of. The warning is one stderr line that says why the list is empty
(never "showing best sellers" over an empty list), the list is empty with exit code 0, and a batch summary
counts every row without recommendations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reclmms.cli import main

from .synth import write_kaggle

PRODUCTS = "id,name,category,colour,price\np1,Red summer dress,Dress,Red,29.99\np2,Blue jeans,Trousers,Blue,39.99\n"
TRANSACTIONS = "t_dat,customer_id,article_id,price,sales_channel_id\n2020-09-01,c1,p1,0.03,2\n2020-09-02,c2,p2,0.04,2\n"
NO_TRANSACTIONS = (
    "warning: the store has no transactions, so there are no best sellers "
    "(add them with: reclmms ingest catalog FILE --transactions TX.csv)"
)


def _ingest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *extra: str) -> None:
    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(tmp_path / "store"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "products.csv").write_text(PRODUCTS, encoding="utf-8")
    (tmp_path / "tx.csv").write_text(TRANSACTIONS, encoding="utf-8")
    assert main(["ingest", "catalog", "products.csv", *extra, "--no-index"]) == 0
    capsys.readouterr()


@pytest.fixture
def no_sales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    _ingest(tmp_path, monkeypatch, capsys)
    return tmp_path


@pytest.fixture
def with_sales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    _ingest(tmp_path, monkeypatch, capsys, "--transactions", "tx.csv")
    return tmp_path


@pytest.mark.parametrize("as_of", [[], ["--as-of", "2020-01-01"]])
def test_a_store_without_transactions_says_so_and_how_to_add_them(
    no_sales: Path, capsys: pytest.CaptureFixture[str], as_of: list[str]
) -> None:
    assert main(["recommend", "--customer", "x", *as_of, "--json"]) == 0
    cap = capsys.readouterr()
    assert json.loads(cap.out)["recommendations"] == []
    assert cap.err.splitlines() == [NO_TRANSACTIONS]
    assert "showing best sellers" not in cap.err


def test_the_table_of_an_empty_list_says_there_is_none(no_sales: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "--customer", "x"]) == 0
    cap = capsys.readouterr()
    assert cap.out == "No recommendations for x.\n" and cap.err.splitlines() == [NO_TRANSACTIONS]


def test_a_batch_on_a_store_without_transactions_counts_every_empty_row(
    no_sales: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (no_sales / "b.csv").write_text("customer_id,as_of\nx,\ny,2020-01-01\n", encoding="utf-8")
    assert main(["recommend", "--batch", "b.csv"]) == 0
    cap = capsys.readouterr()
    assert [json.loads(line)["recommendations"] for line in cap.out.splitlines()] == [[], []]
    [summary] = cap.err.splitlines()
    assert summary.startswith("2 rows in ")
    assert summary.endswith("; 2 row(s) got no recommendations: the store has no transactions, so there are no "
                            "best sellers (add them with: reclmms ingest catalog FILE --transactions TX.csv)")
    assert "got best sellers" not in summary


def test_sales_only_after_as_of_warn_once_and_never_promise_best_sellers(
    with_sales: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["recommend", "--customer", "x", "--as-of", "2020-09-01", "--json"]) == 0
    cap = capsys.readouterr()
    assert json.loads(cap.out)["recommendations"] == []
    assert cap.err.splitlines() == ["warning: there is no sales data before 2020-09-01 (the first sale is on 2020-09-01)"]


def test_an_unknown_customer_with_no_recent_best_sellers_is_not_promised_any(
    with_sales: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Best sellers are those of the two weeks before --as-of: none long after the last sale."""
    assert main(["recommend", "--customer", "x", "--as-of", "2030-01-01", "--json"]) == 0
    cap = capsys.readouterr()
    assert json.loads(cap.out)["recommendations"] == []
    assert cap.err.splitlines() == ["warning: customer x is unknown and there are no best sellers as of 2030-01-01 to show"]
    assert main(["recommend", "--customer", "x", "--json"]) == 0  # as of after the last sale: best sellers
    cap = capsys.readouterr()
    assert json.loads(cap.out)["recommendations"]
    assert cap.err.splitlines() == ["warning: customer x is unknown; showing best sellers"]


def test_a_batch_counts_rows_with_best_sellers_apart_from_empty_ones(
    with_sales: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (with_sales / "b.csv").write_text(
        "customer_id,as_of\nx,\nc1,2020-01-01\nx,2030-01-01\nc1,2030-01-01\ny,2020-09-02\n", encoding="utf-8"
    )
    assert main(["recommend", "--batch", "b.csv"]) == 0
    cap = capsys.readouterr()
    counts = [len(json.loads(line)["recommendations"]) for line in cap.out.splitlines()]
    assert [bool(n) for n in counts] == [True, False, False, True, True]
    [summary] = cap.err.splitlines()
    assert summary.split("; ")[1:] == [
        "2 unknown customer(s) got best sellers",
        "2 row(s) got no recommendations",
        "1 row(s) had no sales data before their as_of (the first sale is on 2020-09-01)",
        "1 unknown customer(s) had no best sellers to show as of their as_of",
    ]


def test_kaggle_csvs_without_transactions_name_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_kaggle(tmp_path / "hm", transactions=[])
    assert main(["recommend", "--customer", "alice", "--json", "--data", str(data)]) == 0
    cap = capsys.readouterr()
    assert json.loads(cap.out)["recommendations"] == []
    assert cap.err.splitlines() == [
        "warning: the store has no transactions, so there are no best sellers "
        f"({data / 'transactions_train.csv'} has none)"
    ]


@pytest.mark.parametrize("args", [["--customer", "c1", "--json"], ["--batch", "b.csv"]], ids=["customer", "batch"])
def test_a_store_that_lost_its_sales_data_names_the_file_instead_of_saying_there_are_no_sales(
    with_sales: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    """Every ingest writes analytics.duckdb, also one without --transactions (the tests above): a store with a
    catalog and without it lost it since. Its lists would be empty as if nothing was sold: an error instead."""
    (with_sales / "b.csv").write_text("customer_id,as_of\nc1,\n", encoding="utf-8")
    path = with_sales / "store" / "analytics.duckdb"
    path.unlink()
    assert main(["recommend", *args]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    assert cap.err.splitlines() == [
        f"error: {path} is missing (the sales data that recommendations are ranked by): restore it from a backup, "
        "or run the same `reclmms ingest ...` again to build it anew"]
    assert not path.exists()  # never made anew, empty, by a command that only reads
    assert main(["ingest", "catalog", "products.csv", "--transactions", "tx.csv", "--no-index"]) == 0  # as it says
    capsys.readouterr()
    assert main(["recommend", *args]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["recommendations"]
