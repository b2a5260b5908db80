"""Customers' ages in a customers CSV: whole years from 0 to ``MAX_AGE``, or empty.

The customers table is loaded with each age as written (``duck.load_customers``); ``clean_ages``
then turns it into whole years. A value that is not a number from 0 to ``MAX_AGE`` (text, a
negative number, 150, ``inf``) becomes empty and is reported as a bad row, with the line numbers of
the first few (found by a scan of the file for those customers and values); the customer is kept.
An empty age is no error: many shops do not know their customers' ages.
"""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import duckdb

from catalog.ingest.report import MAX_BAD_ROWS_KEPT, IngestReport

MAX_AGE = 120
LOOKED_FOR = 1000  # how many of the bad ages the file scan looks for
_AGE_NUMBER = "TRY_CAST(age AS DOUBLE)"
_GOOD_AGE = f"coalesce(isfinite({_AGE_NUMBER}) AND round({_AGE_NUMBER}) BETWEEN 0 AND {MAX_AGE}, false)"
_BAD_AGE = f"age IS NOT NULL AND trim(age) != '' AND NOT {_GOOD_AGE}"
_AGE = f"CASE WHEN {_GOOD_AGE} THEN CAST(round({_AGE_NUMBER}) AS INTEGER) END"


def find_pair_lines(path: Path, columns: tuple[str, str], wanted: set[tuple[str, str]], limit: int) -> list[tuple[int, str]]:
    """(line, second value) of the first rows (at most ``limit``) of CSV ``path`` whose values in
    ``columns`` are a pair of ``wanted`` (each pair's first row only)."""
    found: list[tuple[int, str]] = []
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        if not all(c in header for c in columns):
            return found
        first, second = (header.index(c) for c in columns)
        left = set(wanted)
        for row in reader:
            if len(row) != len(header) or (row[first], row[second]) not in left:
                continue
            left.discard((row[first], row[second]))
            found.append((reader.line_num, row[second]))
            if len(found) >= limit or not left:
                break
    return found


def age_reason(value: str) -> str:
    shown = value if len(value) <= 20 else value[:19] + "…"
    return f"age {shown!r} is not a number from 0 to {MAX_AGE} (the customer is kept, without an age)"


async def clean_ages(
    con: duckdb.DuckDBPyConnection, table: str, source: Path, name: str, report: IngestReport
) -> None:
    """Turn ``table``'s ages, as written, into whole years: a value that is not a number from 0 to
    MAX_AGE becomes empty (its customer is kept) and is a bad row, with the lines of the first few."""
    row = con.execute(f"SELECT count(*) FROM {table} WHERE {_BAD_AGE}").fetchone()
    count = int(row[0]) if row else 0
    lines: list[tuple[int, str]] = []
    if count:
        pairs = con.execute(
            f"SELECT customer_id, age FROM {table} WHERE {_BAD_AGE} LIMIT {LOOKED_FOR}"
        ).fetchall()
        wanted = {(str(c), str(a)) for c, a in pairs}
        lines = await asyncio.to_thread(find_pair_lines, source, ("customer_id", "age"), wanted, MAX_BAD_ROWS_KEPT)
    con.execute(f"ALTER TABLE {table} ALTER age SET DATA TYPE INTEGER USING ({_AGE})")
    for line, value in sorted(lines):
        report.add_bad_row(name, line, age_reason(value))
    report.add_bad_rows(name, count - len(lines), f"an age that is not a number from 0 to {MAX_AGE} "
                        "(the customers are kept, without an age)")
