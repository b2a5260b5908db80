from __future__ import annotations

from pathlib import Path

import pytest

from reclmms.cli import main
from tests.data.fixtures import write_hm


def test_cli_ingest_hm_prints_counts(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("RECLMMS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    hm = write_hm(tmp_path / "hm")
    assert main(["ingest", "hm", str(hm), "--no-index"]) == 0
    out = capsys.readouterr().out
    assert "articles:      5" in out and "customers:     3" in out and "transactions:  8" in out
    assert "images:        3" in out and "transactions_train.csv:10" in out
    assert (tmp_path / "state" / "analytics.duckdb").exists()


def test_cli_ingest_missing_dir_is_a_clear_error(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    assert main(["ingest", "hm", str(tmp_path / "nowhere"), "--no-index"]) == 2
    assert "not a directory" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["catalog"])
def test_cli_ingest_catalog(tmp_path: Path, monkeypatch, capsys, kind: str) -> None:
    monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.csv").write_text("id,name,price\n1,Tee,9.99\n2,Cap,4\n", encoding="utf-8")
    assert main(["ingest", kind, str(tmp_path / "p.csv"), "--no-index"]) == 0
    assert "articles:      2" in capsys.readouterr().out
