"""Transactions that name an article the catalog does not have: kept, counted and reported.

A shop's history may hold purchases of articles it no longer lists (delisted, or left out of an
``articles.csv`` export), so such transactions are not bad rows: they stay in the transactions and
the purchase histories, where they are listed by article id, and they are never recommended
(candidates come from the catalog). The ingest report counts them, with the line numbers of the
first few when the transactions file is known (else their article ids and how often each occurs).
"""

from __future__ import annotations

import asyncio
import csv
import re
from pathlib import Path

import duckdb

from catalog.ingest.line_endings import csv_lines
from catalog.ingest.report import MAX_BAD_ROWS_KEPT, IngestReport

# how many of the unknown article ids the file scan looks for (the most frequent ones)
LOOKED_FOR_IDS = 1000

_UNKNOWN = "FROM transactions t WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = t.article_id)"
_DIGITS = re.compile(r"[0-9]+")


def unknown_article_counts(con: duckdb.DuckDBPyConnection, limit: int = LOOKED_FOR_IDS) -> tuple[int, list[tuple[str, int]]]:
    """How many live transactions name an article that the live catalog lacks, and the most
    frequent such ids with their counts (at most ``limit``)."""
    row = con.execute(f"SELECT count(*) {_UNKNOWN}").fetchone()
    total = int(row[0]) if row else 0
    if not total:
        return 0, []
    ids = con.execute(
        f"SELECT t.article_id, count(*) AS n {_UNKNOWN} GROUP BY t.article_id ORDER BY n DESC, t.article_id "
        f"LIMIT {int(limit)}"
    ).fetchall()
    return total, [(str(a), int(n)) for a, n in ids]


def _loaded_id(raw: str) -> str:
    """An article id as the transactions loader stores it (duck.py: short numeric ids zero-padded)."""
    return raw.zfill(10) if len(raw) < 10 and _DIGITS.fullmatch(raw) else raw


def find_lines(path: Path, wanted: set[str], limit: int = MAX_BAD_ROWS_KEPT) -> list[tuple[int, str]]:
    """(line number, article id) of the first rows of transactions CSV ``path`` naming one of ``wanted``."""
    found: list[tuple[int, str]] = []
    with csv_lines(path, "utf-8-sig", errors="replace") as lines:
        reader = csv.reader(lines)
        header = [h.strip() for h in next(reader, [])]
        if "article_id" not in header:
            return found
        position = header.index("article_id")
        for row in reader:
            if len(row) != len(header):  # a bad row, counted as such by the loader
                continue
            article_id = _loaded_id(row[position])
            if article_id in wanted:
                found.append((reader.line_num, article_id))
                if len(found) >= limit:
                    break
    return found


async def report_unknown_articles(
    con: duckdb.DuckDBPyConnection, report: IngestReport, transactions: Path | None
) -> None:
    """Count the live transactions whose article the live catalog lacks into ``report``; with the
    line numbers of the first few when ``transactions`` (the file they were loaded from) is given."""
    total, counts = await asyncio.to_thread(unknown_article_counts, con)
    report.unknown_article_rows = total
    if not total:
        return
    lines = []
    if transactions is not None:
        lines = await asyncio.to_thread(find_lines, transactions, {a for a, _ in counts})
    if lines:
        for line, article_id in lines:
            report.add_unknown_article(transactions.name if transactions else "", line, article_id)
    else:
        for article_id, n in counts[:MAX_BAD_ROWS_KEPT]:
            report.add_unknown_article("transactions", None, f"{article_id} ({n:,} purchase(s))")
