"""``--data DIR`` (recommend, eval recs) reads Kaggle CSVs saved on Windows like LF files: CRLF or
CR CR LF line ends, and a UTF-8 byte-order mark before the header."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from catalog.recsys.kaggle import FILES, load_kaggle
from reclmms.cli import main

from .synth import write_kaggle

BOM = b"\xef\xbb\xbf"


def windows_copy(root: Path, kinds: tuple[str, ...]) -> Path:
    for name in FILES:
        path = root / name
        data = path.read_bytes()
        if "crcrlf" in kinds:
            data = data.replace(b"\n", b"\r\r\n")
        if "crlf" in kinds:
            data = data.replace(b"\n", b"\r\n")
        if "bom" in kinds:
            data = BOM + data
        path.write_bytes(data)
    return root


def tables(root: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = load_kaggle(root)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("articles", "customers", "transactions")}
    finally:
        conn.close()


@pytest.mark.parametrize("kinds", [("crcrlf",), ("crlf",), ("bom",), ("bom", "crcrlf")])
def test_load_kaggle_reads_windows_files_like_lf_files(tmp_path: Path, kinds: tuple[str, ...]) -> None:
    expected = tables(write_kaggle(tmp_path / "lf"))
    assert len(expected["transactions"]) == 11
    assert tables(windows_copy(write_kaggle(tmp_path / "win"), kinds)) == expected


def _without_timings(text: str) -> str:
    return re.sub(r'"(seconds|load_seconds|total_seconds|data)": [^,}]*', "", text)


def test_eval_and_recommend_give_the_same_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = []
    for root in (write_kaggle(tmp_path / "lf"), windows_copy(write_kaggle(tmp_path / "win"), ("bom", "crcrlf"))):
        assert main(["eval", "recs", "--data", str(root), "--json"]) == 0
        report = _without_timings(capsys.readouterr().out)
        assert main(["recommend", "--customer", "alice", "--as-of", "2020-09-01", "--json", "--data", str(root)]) == 0
        outputs.append((report, json.loads(capsys.readouterr().out)))
    assert outputs[0] == outputs[1]
    assert outputs[0][1]["recommendations"]
