"""Bad ages in customers.csv (not a number, negative, over 120) are bad rows in the ingest report,
with their line numbers, and their customers are kept without an age; empty ages are no error."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from reclmms.cli import main
from tests.core.conftest import PRODUCTS, write_config

CUSTOMERS = """customer_id,FN,Active,club_member_status,fashion_news_frequency,age,postal_code
c-ok,,,ACTIVE,Regularly,31,p1
c-text,,,ACTIVE,Regularly,abc,p2
c-negative,,,ACTIVE,Regularly,-5,p3
c-old,,,ACTIVE,Regularly,150,p4
c-empty,,,ACTIVE,Regularly,,p5
c-fraction,,,ACTIVE,Regularly,31.6,p6
c-infinite,,,ACTIVE,Regularly,1e400,p7
c-zero,,,ACTIVE,Regularly,0,p8
c-oldest,,,ACTIVE,Regularly,120,p9
"""
TRANSACTIONS = """t_dat,customer_id,article_id,price,sales_channel_id
2020-09-01,c-ok,0100000002,0.0495,2
"""
KEPT = " is not a number from 0 to 120 (the customer is kept, without an age)"


def test_bad_ages_are_reported_with_their_lines_and_their_customers_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [n for n in os.environ if n.startswith("RECLMMS_")]:
        monkeypatch.delenv(name)
    for name, text in (("products.csv", PRODUCTS), ("customers.csv", CUSTOMERS), ("transactions.csv", TRANSACTIONS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    config = write_config(tmp_path / "config.toml", tmp_path / "data")
    args = ["--config", config, "ingest", "catalog", str(tmp_path / "products.csv"), "--customers",
            str(tmp_path / "customers.csv"), "--transactions", str(tmp_path / "transactions.csv"),
            "--no-index", "--no-images"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "  customers:     9" in out and "  bad rows:      4" in out, out
    bad = [line.strip() for line in out.splitlines() if KEPT in line]
    assert bad == [f"customers.csv:{line}: age {value!r}{KEPT}"
                   for line, value in ((3, "abc"), (4, "-5"), (5, "150"), (8, "1e400"))], out
    with sqlite3.connect(tmp_path / "data" / "reclmms.sqlite3") as db:
        ages = dict(db.execute("SELECT customer_id, age FROM customers").fetchall())
    assert ages == {"c-ok": 31, "c-text": None, "c-negative": None, "c-old": None, "c-empty": None,
                    "c-fraction": 32, "c-infinite": None, "c-zero": 0, "c-oldest": 120}
    assert main(args) == 0  # nothing new to load: the bad ages are those the first run found
    again = capsys.readouterr().out
    assert "(bad rows then: 4," in again and [line.strip() for line in again.splitlines() if KEPT in line] == bad
