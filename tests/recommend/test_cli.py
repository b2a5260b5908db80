import json
import os
from pathlib import Path

import pytest

from reclmms.cli import main

from .synth import write_kaggle


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_kaggle(tmp_path / "hm")


def test_recommend_json_shape(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        [
            "recommend",
            "--customer",
            "alice",
            "--as-of",
            "2020-09-01",
            "--k",
            "5",
            "--json",
            "--data",
            str(data),
        ]
    )
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["customer_id"] == "alice"
    recs = out["recommendations"]
    assert 1 <= len(recs) <= 5
    for r in recs:
        assert (
            isinstance(r["article_id"], str)
            and len(r["article_id"]) == 10
            and r["article_id"].startswith("0")
        )
        assert isinstance(r["score"], float)
        assert r["sources"] and r["reason"] and r["name"]
    assert recs[0]["article_id"] == "0400000001"


def test_recommend_text_and_unknown_customer_warns(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "--customer", "zed", "--data", str(data)]) == 0
    cap = capsys.readouterr()
    assert "unknown" in cap.err
    assert "Recommendations for zed" in cap.out and "popular" in cap.out


def test_batch_writes_one_line_per_row(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "b.csv"
    batch.write_text("customer_id,as_of\nalice,2020-09-01\nbob,2020-08-25\nnewbie,2020-09-01\ndave,\n")
    assert main(["recommend", "--batch", str(batch), "--k", "4", "--data", str(data)]) == 0
    cap = capsys.readouterr()
    lines = [json.loads(x) for x in cap.out.splitlines()]
    assert [x["customer_id"] for x in lines] == ["alice", "bob", "newbie", "dave"]
    assert [x["as_of"] for x in lines] == ["2020-09-01", "2020-08-25", "2020-09-01", None]
    assert all(1 <= len(x["recommendations"]) <= 4 for x in lines)
    assert all({"article_id", "score"} <= set(r) for x in lines for r in x["recommendations"])
    assert "1 unknown customer" in cap.err
    # bob as of 2020-08-25 must not see his socks of that day as "bought on 25 Aug"
    bob = lines[1]["recommendations"]
    assert all("2020-08-25" not in r["reason"] for r in bob)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("customer,as_of\nalice,2020-09-01\n", "lacks column(s): customer_id"),
        ("customer_id,as_of\nalice,01/09/2020\n", "line 2: '01/09/2020' is not a date"),
        ("customer_id,as_of\nalice,2020-09-01\n,2020-09-01\n", "line 3: empty customer_id"),
        ("customer_id,as_of\nalice,2020-09-01\n\nbob,2020-09-01,extra\n", "line 4: 3 fields, the header has 2"),
        ("customer_id,as_of\nalice,2020-09-01\n" + "x" * 200_000 + ",\n", "line 3: not a readable CSV row"),
    ],
)
def test_batch_bad_input(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    batch = tmp_path / "b.csv"
    batch.write_text(content)
    assert main(["recommend", "--batch", str(batch), "--data", str(data)]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "content",
    [
        "customer_id,as_of\nalice,2020-09-01\n".encode("utf-16"),
        bytes(range(256)) * 4,
    ],
    ids=["utf-16", "binary"],
)
def test_batch_that_is_not_utf8(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    batch = tmp_path / "b.csv"
    batch.write_bytes(content)
    assert main(["recommend", "--batch", str(batch), "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {batch} is not UTF-8 text: save it as a UTF-8 CSV\n"


def test_batch_output_to_a_bad_path(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "b.csv"
    batch.write_text("customer_id,as_of\nalice,2020-09-01\n")
    missing = tmp_path / "nowhere" / "out.jsonl"
    assert main(["recommend", "--batch", str(batch), "--output", str(missing), "--data", str(data)]) == 2
    cap = capsys.readouterr()
    assert cap.err == f"error: {missing}: the folder {missing.parent} does not exist\n"
    assert "rows in" not in cap.err  # it stops before the work
    assert main(["recommend", "--batch", str(batch), "--output", str(tmp_path), "--data", str(data)]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path}: Is a directory\n"
    out = tmp_path / "out.jsonl"
    assert main(["recommend", "--batch", str(batch), "--output", str(out), "--data", str(data)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["customer_id"] == "alice"


def test_batch_that_is_not_a_regular_file(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "rows.csv"
    os.mkfifo(fifo)  # reading it would wait for a writer forever
    for path in (tmp_path, fifo, Path("/dev/zero")):
        assert main(["recommend", "--batch", str(path), "--data", str(data)]) == 2
        assert capsys.readouterr().err == f"error: batch file {path} is not a regular file\n"


def test_bad_arguments(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "--batch", str(tmp_path / "nope.csv"), "--data", str(data)]) == 2
    assert "batch file not found" in capsys.readouterr().err
    assert main(["recommend", "--customer", "alice", "--as-of", "2020-13-01", "--data", str(data)]) == 2
    assert "is not a date" in capsys.readouterr().err
    assert main(["recommend", "--customer", "  ", "--data", str(data)]) == 2
    assert "must not be empty" in capsys.readouterr().err
    assert main(["recommend", "--customer", "alice", "--data", str(tmp_path / "missing")]) == 2
    assert "not found" in capsys.readouterr().err


def test_eval_recs_json(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "recs", "--data", str(data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    primary = report["primary"]
    assert primary["users"] == 4
    assert set(primary["methods"]) == {
        "palr (ours)",
        "palr, hand-set weights",
        "repurchase + 14-day popularity",
        "other colours of past items",
        "14-day popularity",
    }
    for m in primary["methods"].values():
        assert 0.0 <= m["map12"] <= 1.0 and 0.0 <= m["hr12"] <= 1.0
    versus = primary["vs_best_baseline"]
    best = max((m for m in primary["methods"] if m.startswith(("repurchase", "other", "14-day"))),
               key=lambda m: primary["methods"][m]["map12"])
    assert versus["baseline"] == best
    if primary["methods"][best]["map12"] > 0:
        ratio = primary["methods"]["palr (ours)"]["map12"] / primary["methods"][best]["map12"]
        assert versus["ratio"] == pytest.approx(ratio, abs=0.05)
        assert versus["ratio_ci95"] is None or versus["ratio_ci95"][0] <= versus["ratio"] <= versus["ratio_ci95"][1]
    else:
        assert versus["ratio"] is None and versus["ratio_ci95"] is None
    assert report["final_week"]["users"] == 0


def test_eval_recs_missing_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "articles.csv").write_text("article_id\n")
    assert main(["eval", "recs", "--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "customers.csv" in err and "transactions_train.csv" in err


def test_eval_recs_missing_column(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tx = data / "transactions_train.csv"
    tx.write_text(tx.read_text().replace("t_dat,", "day,", 1))
    assert main(["eval", "recs", "--data", str(data)]) == 2
    assert "lacks column(s): t_dat" in capsys.readouterr().err


def test_as_of_before_any_sale_warns(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "--customer", "alice", "--as-of", "1990-01-01", "--json", "--data", str(data)]) == 0
    cap = capsys.readouterr()
    assert json.loads(cap.out) == {"customer_id": "alice", "as_of": "1990-01-01", "recommendations": []}
    lines = cap.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: there is no sales data before 1990-01-01 (the first sale is on ")
    # a date with sales before it: no such warning
    assert main(["recommend", "--customer", "alice", "--as-of", "2020-09-01", "--json", "--data", str(data)]) == 0
    assert capsys.readouterr().err == ""
    batch = tmp_path / "b.csv"
    batch.write_text("customer_id,as_of\nalice,1990-01-01\nbob,2020-09-01\n")
    assert main(["recommend", "--batch", str(batch), "--data", str(data)]) == 0
    assert "1 row(s) had no sales data before their as_of (the first sale is on " in capsys.readouterr().err


@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-02"])
def test_as_of_in_the_first_year_of_the_calendar_is_before_any_sale(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], day: str
) -> None:
    """The look-back windows start before year 1 there: they are cut at the calendar's first day."""
    assert main(["recommend", "--customer", "alice", "--as-of", day, "--json", "--data", str(data)]) == 0
    assert json.loads(capsys.readouterr().out) == {"customer_id": "alice", "as_of": day, "recommendations": []}
    batch = tmp_path / "b.csv"
    batch.write_text(f"customer_id,as_of\nalice,{day}\nbob,2020-09-01\n")
    assert main(["recommend", "--batch", str(batch), "--data", str(data)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [x["customer_id"] for x in lines] == ["alice", "bob"] and lines[1]["recommendations"]


def test_customer_output_writes_the_json_to_the_file(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "alice.json"
    args = ["recommend", "--customer", "alice", "--as-of", "2020-09-01", "--k", "3", "--data", str(data)]
    assert main([*args, "--output", str(out)]) == 0
    assert capsys.readouterr().out == ""
    written = json.loads(out.read_text(encoding="utf-8"))
    assert main([*args, "--json"]) == 0
    assert written == json.loads(capsys.readouterr().out)
    assert written["customer_id"] == "alice" and len(written["recommendations"]) == 3
    missing = tmp_path / "nowhere" / "x.json"
    assert main([*args, "--output", str(missing)]) == 2
    assert capsys.readouterr().err == f"error: {missing}: the folder {missing.parent} does not exist\n"


def test_batch_header_is_case_and_space_insensitive(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = []
    for header in ("customer_id,as_of", "Customer_ID,AS_OF", " CUSTOMER_ID , As_Of "):
        batch = tmp_path / "b.csv"
        batch.write_text(f"{header}\nalice,2020-09-01\nbob,\n")
        assert main(["recommend", "--batch", str(batch), "--k", "3", "--data", str(data)]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0].count("\n") == 2 and outputs[0] == outputs[1] == outputs[2]
    assert [json.loads(line)["as_of"] for line in outputs[1].splitlines()] == ["2020-09-01", None]
