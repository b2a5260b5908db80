"""Re-running a completed ingest reads nothing, and reports again what the run that read the files
found (bad rows, duplicate rows, corrupt images) and when, instead of a clean "bad rows: 0".
Duplicate rows are reported like bad rows: file, line, the repeated id and the line kept."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from catalog.ingest import history_build, ingest_catalog_file, ingest_hm
from catalog.ingest.report import IngestReport
from tests.data.fixtures import A1, CUSTOMERS, write_hm

ROOT = Path(__file__).resolve().parents[2]

CATALOG = """id,name,price,colour,category
A1,Red dress,19.99,Red,Dress
A2,Blue shirt,abc,Blue,Shirt
,No id,5,Black,Top
A3,Green coat,-5,Green,Coat
A4,Grey hat,inf,Grey,Hat
A5,White tee,9.5,White,T-shirt
A1,Red dress again,25,Red,Dress
A6,Black jeans,39,Black,Trousers
"""
CATALOG_FINDINGS = [
    "  bad rows:      4",
    "    cat.csv:3: price is not a number: 'abc'",
    "    cat.csv:4: missing id",
    "    cat.csv:5: price is not a finite number >= 0: '-5'",
    "    cat.csv:6: price is not a finite number >= 0: 'inf'",
    "  duplicate rows skipped: 1",
    "    cat.csv:8: id 'A1' again (line 2 has it first and is kept)",
]
HM_FINDINGS = [
    "  bad rows:      6",
    "    articles.csv:5: expected 25 fields, found 5",
    "    transactions_train.csv:13: an empty t_dat, customer_id, article_id or price",
    "    customers.csv:6: an empty customer_id",
    "  corrupt images skipped: 1",
    "  duplicate rows skipped: 2",
    f"    articles.csv:8: article_id '{A1}' again (line 2 has it first and is kept)",
    f"    customers.csv:5: customer_id '{CUSTOMERS[0][:39]}…' again (line 2 has it first; one of its rows is kept)",
]


def _ingest(store: Path, *args: str) -> list[str]:
    env = {**os.environ, "RECLMMS_STORAGE_DATA_DIR": str(store)}
    env.pop("RECLMMS_CONFIG", None)
    done = subprocess.run([sys.executable, "-m", "reclmms", "ingest", *args, "--no-index"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def _in_order(lines: list[str], wanted: list[str]) -> bool:
    """Whether ``wanted`` are lines of ``lines``, in that order."""
    found = [lines.index(w) if w in lines else -1 for w in wanted]
    return -1 not in found and found == sorted(found)


def test_rerun_of_a_catalog_file_reports_its_bad_rows_and_duplicates_again(tmp_path: Path) -> None:
    products, store = tmp_path / "cat.csv", tmp_path / "store"
    products.write_text(CATALOG, encoding="utf-8")
    first = _ingest(store, "catalog", str(products))
    assert first[0].startswith(f"ingested catalog file {products}")
    assert _in_order(first, CATALOG_FINDINGS), first

    again = _ingest(store, "catalog", str(products))
    assert again[0].startswith(f"nothing new to load: catalog file {products} was already ingested on "), again
    assert again[0].endswith(" (bad rows then: 4, duplicate rows skipped: 1)")
    assert _in_order(again, CATALOG_FINDINGS), again
    assert "  already done by an earlier run: articles, sales summary" in again
    assert any(line.startswith("  the bad rows, duplicate rows and corrupt images of articles: as found when they "
                               "were read, on ") for line in again)
    with sqlite3.connect(store / "reclmms.sqlite3") as conn:  # the first row of a repeated id is kept
        assert conn.execute("SELECT name, price FROM articles WHERE article_id = 'A1'").fetchone() == ("Red dress", 19.99)

    # a changed file is read again, and reports what it has now
    products.write_text(CATALOG.replace("A2,Blue shirt,abc", "A2,Blue shirt,12") + "A7,Pink scarf,7,Pink,Scarf\n",
                        encoding="utf-8")
    changed = _ingest(store, "catalog", str(products))
    assert changed[0].startswith(f"ingested catalog file {products}"), changed
    assert "  articles:      5" in changed and "  bad rows:      3" in changed
    assert "    cat.csv:3: price is not a number: 'abc'" not in changed
    assert not any("as found when they were read" in line for line in changed)


def test_rerun_of_the_hm_layout_reports_its_findings_again(tmp_path: Path) -> None:
    hm, store = write_hm(tmp_path / "hm"), tmp_path / "store"
    first = _ingest(store, "hm", str(hm))
    assert _in_order(first, HM_FINDINGS), first
    again = _ingest(store, "hm", str(hm))
    assert again[0].startswith(f"nothing new to load: H&M data from {hm} was already ingested on "), again
    assert again[0].endswith(" (bad rows then: 6, duplicate rows skipped: 2)")
    assert _in_order(again, HM_FINDINGS), again
    assert [line for line in again if line.startswith("    ")] == [line for line in first if line.startswith("    ")]


async def test_resumed_ingest_reports_what_the_interrupted_run_found(tmp_path: Path, settings, db, monkeypatch) -> None:
    hm = write_hm(tmp_path / "hm")
    real = history_build._part_rows

    def crash(con, lo, hi):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt("interrupted")

    monkeypatch.setattr(history_build, "_part_rows", crash)
    try:
        await ingest_hm(settings, db, hm, progress=False, index=False)
    except KeyboardInterrupt:
        pass
    monkeypatch.setattr(history_build, "_part_rows", real)
    report = await ingest_hm(settings, db, hm, progress=False, index=False)
    assert {"articles", "transactions"} <= set(report.skipped_steps)  # staged by the interrupted run
    assert (report.bad_rows, report.duplicates_skipped, report.corrupt_images) == (6, 2, 1)
    assert set(report.earlier) == {"articles", "transactions"} and all(report.earlier.values())
    assert not report.already_ingested and report.summary().startswith("ingested H&M data")
    again = await ingest_hm(settings, db, hm, progress=False, index=False)  # kept once swapped in
    assert (again.bad_rows, again.duplicates_skipped, again.already_ingested) == (6, 2, True)
    assert set(again.earlier) == {"articles", "transactions", "customers"}


async def test_findings_an_earlier_version_did_not_keep_are_not_called_clean(tmp_path: Path, settings, db) -> None:
    products = tmp_path / "cat.csv"
    products.write_text(CATALOG, encoding="utf-8")
    await ingest_catalog_file(settings, db, products, progress=False, index=False)
    await db.conn.execute("DELETE FROM ingest_state WHERE part LIKE 'findings/%'")
    await db.conn.commit()
    text = (await ingest_catalog_file(settings, db, products, progress=False, index=False)).summary()
    assert text.startswith(f"nothing new to load: catalog file {products} was already ingested (its bad rows and "
                           "duplicates are not known)"), text
    assert "the bad rows, duplicate rows and corrupt images of articles: not known" in text


async def test_many_duplicates_list_the_first_few_and_count_the_rest(tmp_path: Path, settings, db) -> None:
    products = tmp_path / "dups.jsonl"
    products.write_text("".join(f'{{"id": "P{i % 3}", "name": "Tee {i}"}}\n' for i in range(30)), encoding="utf-8")
    report = await ingest_catalog_file(settings, db, products, progress=False, index=False)
    assert report.articles == 3 and report.duplicates_skipped == 27
    lines = report.summary().splitlines()
    assert "    dups.jsonl:4: id 'P0' again (line 1 has it first and is kept)" in lines
    assert "    dups.jsonl:23: id 'P1' again (line 2 has it first and is kept)" in lines
    assert "    dups.jsonl:24: id 'P2' again (line 3 has it first and is kept)" not in lines  # the 21st
    assert "    ... (7 more not listed)" in lines


def test_findings_of_steps_add_up_to_the_sample_limit() -> None:
    one, two = IngestReport(), IngestReport()
    for line in range(15):
        one.add_duplicate("a.csv", line, "x")
        two.add_duplicate("b.csv", line, "y")
    total = IngestReport()
    total.add_findings(one)
    total.add_findings(two)
    assert total.duplicates_skipped == 30 and len(total.duplicate_samples) == 20
    assert [b.file for b in total.duplicate_samples] == ["a.csv"] * 15 + ["b.csv"] * 5
