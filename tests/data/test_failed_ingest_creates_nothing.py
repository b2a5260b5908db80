"""An ingest whose input check fails creates nothing: no data dir, no ``reclmms.sqlite3``; and a store an ingest
left without a catalog (one that failed after the store was opened) is "no catalog" for the commands that read,
``stats`` and ``link-code`` included, not a page of zeros."""

from __future__ import annotations

from pathlib import Path

import pytest

from reclmms.cli import main
from tests.data.fixtures import write_hm


def _config(tmp_path: Path) -> tuple[str, Path]:
    data = tmp_path / "fresh" / "data"
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndata_dir = "{data}"\n', encoding="utf-8")
    return str(config), data


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert "Traceback" not in err and len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def _inputs(tmp_path: Path) -> dict[str, list[str]]:
    empty = tmp_path / "no_csvs"
    empty.mkdir()
    bad_columns = write_hm(tmp_path / "hm_bad")
    (bad_columns / "customers.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    products = tmp_path / "products.csv"
    products.write_text("id,name,price\n1,Tee,9.99\n", encoding="utf-8")
    return {
        "missing file(s)": ["hm", str(empty)],
        "not a directory": ["hm", str(tmp_path / "nowhere")],
        "customers.csv is missing column(s)": ["hm", str(bad_columns)],
        "file not found": ["catalog", str(tmp_path / "nope.csv")],
        "tx.csv": ["catalog", str(products), "--transactions", str(tmp_path / "tx.csv")],
    }


def test_an_ingest_that_fails_its_input_check_creates_nothing(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    config, data = _config(tmp_path)
    for words, args in _inputs(tmp_path).items():
        assert main(["--config", config, "ingest", *args, "--no-index"]) == 2, args
        assert words in _err(capsys)
        assert not data.parent.exists(), (args, list(data.rglob("*")))
    assert main(["--config", config, "stats"]) == 2
    assert _err(capsys) == f"error: no catalog in {data} yet: run `reclmms ingest demo|hm|catalog` first"


@pytest.mark.parametrize("command", [["stats"], ["stats", "--json"], ["link-code", "c1"]])
def test_a_store_left_without_a_catalog_is_no_catalog(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      command: list[str]) -> None:
    """The product file passes the input check (a header with id and name) but has no usable row: the ingest
    fails after it opened the store, which holds the catalog's tables and no article."""
    config, data = _config(tmp_path)
    products = tmp_path / "products.csv"
    products.write_text("id,name,price\n,no id,1\n2,,3\n", encoding="utf-8")
    assert main(["--config", config, "ingest", "catalog", str(products), "--no-index", "--no-images"]) == 2
    assert "has no usable products" in _err(capsys)
    assert (data / "reclmms.sqlite3").is_file()
    assert main(["--config", config, *command]) == 2
    assert _err(capsys) == f"error: no catalog in {data} yet: run `reclmms ingest demo|hm|catalog` first"
    assert capsys.readouterr().out == ""


def test_stats_still_reads_a_store_with_a_catalog(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config, data = _config(tmp_path)
    products = tmp_path / "products.csv"
    products.write_text("id,name,price\n1,Tee,9.99\n", encoding="utf-8")
    assert main(["--config", config, "ingest", "catalog", str(products), "--no-index", "--no-images"]) == 0
    capsys.readouterr()
    assert main(["--config", config, "stats"]) == 0
    assert "turn latency p50 / p95" in capsys.readouterr().out
    assert not list(data.glob("reclmms.sqlite3-*"))  # the check left no WAL files behind
