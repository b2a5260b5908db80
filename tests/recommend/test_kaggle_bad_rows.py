"""``--data DIR`` (recommend, eval recs) with bad transaction rows: a row with too few or too many fields
is one error line naming the file and the line (exit code 2), whatever the file's size; rows with an
empty id, a bad date or a bad price are skipped and one stderr line counts them and names their lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from catalog.recsys.kaggle import load_kaggle
from reclmms.cli import main

from .synth import TRANSACTIONS, write_kaggle

ROOT = Path(__file__).resolve().parents[2]


def _append(root: Path, *lines: str) -> Path:
    path = root / "transactions_train.csv"
    path.write_text(path.read_text(encoding="utf-8") + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(("row", "found"), [("2020-01-01,onlythree,x", 3), ("2020-01-01,bob,0300000001,0.03,2,9", 6)])
def test_a_row_with_the_wrong_number_of_fields_is_one_line(tmp_path: Path, row: str, found: int) -> None:
    root = write_kaggle(tmp_path / "hm")
    path = _append(root, row)
    line = len(TRANSACTIONS) + 2  # the header, the rows, then this one
    expected = f"error: {path} cannot be read as CSV: line {line} has {found} fields, the header has 5"
    for args in (["recommend", "--customer", "abc", "--data", str(root), "--k", "1"], ["eval", "recs", "--data", str(root)]):
        done = subprocess.run(
            [sys.executable, "-m", "reclmms", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
            env={k: v for k, v in os.environ.items() if not k.startswith("RECLMMS_")},
        )
        assert (done.returncode, done.stdout, done.stderr) == (2, "", expected + "\n"), args


def test_rows_with_a_bad_date_price_or_id_are_counted_with_their_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = write_kaggle(tmp_path / "clean")
    root = write_kaggle(tmp_path / "bad")
    path = _append(
        root,
        "2020-13-45,alice,0700000001,0.03,2",  # no such month
        "2020-09-02,alice,0700000001,abc,2",
        "2020-09-02,,0700000001,0.03,2",
        "2020-09-02,alice,0700000001,-1,2",
        "",
        "2020-09-02,alice,0700000001,,2",
    )
    first = len(TRANSACTIONS) + 2
    expected = (
        f"warning: {path}: skipped 5 bad row(s) (1 bad t_dat, 1 empty customer_id or article_id, 3 bad price); "
        f"line {first}: bad t_dat '2020-13-45'; line {first + 1}: bad price 'abc'; "
        f"line {first + 2}: empty customer_id or article_id; ..."
    )
    answers = []
    for data in (clean, root):
        assert main(["recommend", "--customer", "alice", "--as-of", "2020-09-10", "--json", "--data", str(data)]) == 0
        out, err = capsys.readouterr()
        answers.append(json.loads(out))
        assert err == ("" if data == clean else expected + "\n")
    assert answers[0] == answers[1]  # the bad rows are not used: the belt alice never validly bought stays out
    assert main(["eval", "recs", "--data", str(root), "--json"]) == 0
    assert capsys.readouterr().err == expected + "\n"


def test_load_kaggle_hands_the_line_to_warn_and_keeps_the_good_rows(tmp_path: Path) -> None:
    root = write_kaggle(tmp_path / "hm")
    _append(root, "2020-09-02,alice,0700000001,inf,2")
    said: list[str] = []
    conn = load_kaggle(root, warn=said.append)
    try:
        row = conn.execute("SELECT count(*), count(price) FROM transactions").fetchone()
        columns = [c[0] for c in conn.execute("DESCRIBE transactions").fetchall()]
    finally:
        conn.close()
    assert row == (len(TRANSACTIONS), len(TRANSACTIONS))
    assert columns == ["t_dat", "customer_id", "article_id", "price", "sales_channel_id"]
    assert len(said) == 1 and said[0].endswith(f"line {len(TRANSACTIONS) + 2}: bad price 'inf'")
