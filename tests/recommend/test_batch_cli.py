"""`reclmms recommend --batch`: a reader that goes away stops the batch, and rows the batch file cannot
mean as written are one-line errors naming the line or column (exit code 2), before any output."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from catalog.recommend import Recommender
from reclmms.cli import main

from .synth import write_kaggle

CUSTOMERS = ("alice", "bob", "carol", "dave", "newbie")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_kaggle(tmp_path_factory.mktemp("batch_cli") / "hm")


class HeadOne:
    """Standard output read by ``head -1``: what is flushed reaches the reader, who takes the first line and goes
    away; a write after that is a broken pipe."""

    def __init__(self) -> None:
        self.pending = ""
        self.read = ""
        self.gone = False

    def write(self, text: str) -> int:
        if self.gone:
            raise BrokenPipeError(32, "Broken pipe")
        self.pending += text
        return len(text)

    def flush(self) -> None:
        if self.gone and self.pending:
            raise BrokenPipeError(32, "Broken pipe")
        self.read, self.pending = self.pending.split("\n", 1)[0], ""
        self.gone = bool(self.read)


def test_a_reader_that_goes_away_stops_the_batch(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = tmp_path / "rows.csv"
    batch.write_text("customer_id,as_of\n" + "".join(f"{CUSTOMERS[i % 5]},2020-09-0{1 + i % 9}\n" for i in range(600)))
    ranked: list[int] = []
    recommend_many = Recommender.recommend_many

    async def counted(self: Recommender, requests: list[Any], k: int = 12) -> list[Any]:
        ranked.append(len(requests))
        return await recommend_many(self, requests, k)

    monkeypatch.setattr(Recommender, "recommend_many", counted)
    reader = HeadOne()
    monkeypatch.setattr(sys, "stdout", reader)
    assert main(["recommend", "--batch", str(batch), "--k", "3", "--data", str(data)]) == 0
    assert json.loads(reader.read)["customer_id"] == "alice"
    assert sum(ranked) <= 150, ranked  # the first chunk, and the one whose write found the reader gone
    assert capsys.readouterr().err == ""  # quietly: no summary that claims 600 rows


def _batch_error(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str) -> str:
    batch = tmp_path / "rows.csv"
    batch.write_text(content, encoding="utf-8")
    assert main(["recommend", "--batch", str(batch), "--data", str(data)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("error: "), err
    return err.strip().removeprefix(f"error: {batch}")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("customer_id,as_of\nalice,2020-09-01\nbob\n", ", line 3: 1 field, the header has 2"),
        ("as_of,customer_id,note\n2020-09-01,alice,x\n2020-09-01,bob\n", ", line 3: 2 fields, the header has 3"),
    ],
)
def test_a_row_with_too_few_fields_is_an_error(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    """Not a row whose as_of is missing, and so ranked with all data (later purchases too)."""
    assert _batch_error(data, tmp_path, capsys, content) == message


def test_an_empty_as_of_field_is_all_data(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "rows.csv"
    batch.write_text("customer_id,as_of\nalice,\nbob, \n", encoding="utf-8")
    assert main(["recommend", "--batch", str(batch), "--k", "3", "--data", str(data)]) == 0
    assert [json.loads(line)["as_of"] for line in capsys.readouterr().out.splitlines()] == [None, None]


@pytest.mark.parametrize(
    ("header", "column"),
    [("customer_id,customer_id,as_of", "customer_id"), ("customer_id,as_of,As_Of ", "As_Of"),
     ("note,customer_id,as_of,note", "note")],
)
def test_a_column_named_twice_is_an_error(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str, column: str
) -> None:
    """Not one of them read and the other dropped."""
    content = f"{header}\n" + ",".join(["alice"] * header.count(",")) + ",\n"
    assert _batch_error(data, tmp_path, capsys, content) == f": the header names the column '{column}' more than once"


def test_empty_column_names_may_repeat(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Trailing commas of a spreadsheet's export: columns without a name, never read."""
    batch = tmp_path / "rows.csv"
    batch.write_text("customer_id,as_of,,\nalice,2020-09-01,,\n", encoding="utf-8")
    assert main(["recommend", "--batch", str(batch), "--k", "3", "--data", str(data)]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2020-09-01"


@pytest.mark.parametrize("day", ["20200901", "2020-W36-2", "2020-245", "2020-9-1", "２０２０-０９-０１"])
def test_as_of_is_yyyy_mm_dd_only(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], day: str) -> None:
    assert main(["recommend", "--customer", "alice", "--as-of", day, "--data", str(data)]) == 2
    assert capsys.readouterr().err == f"error: --as-of: '{day}' is not a date (expected YYYY-MM-DD)\n"
    message = f", line 2: '{day}' is not a date (expected YYYY-MM-DD)"
    assert _batch_error(data, tmp_path, capsys, f"customer_id,as_of\nalice,{day}\n") == message


def test_as_of_on_the_command_line(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Spaces around the day are dropped; an empty one is an error (leaving --as-of out means all the data)."""
    args = ["recommend", "--customer", "alice", "--json", "--data", str(data)]
    assert main([*args, "--as-of", " 2020-09-01 "]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2020-09-01"
    for empty in ("", "  "):
        assert main([*args, "--as-of", empty]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err == "error: --as-of must not be empty (leave it out to use all the data)\n"
