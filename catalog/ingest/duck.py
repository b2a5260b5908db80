"""Loading the analytics store (DuckDB): transactions, customers and articles tables.

DuckDB parses the CSVs itself (typed ``read_csv`` with a rejects table, so bad rows come back
with their line numbers) straight into the analytics file. Each table is written in one
transaction, under the name the caller gives: the ingest loads ``staged_*`` tables and swaps them
in at the end (staging.py), so a failed load leaves the live tables as they were.

Measured (bench/ingest.py): a persistent DuckDB table with the default per-column compression
analysis took ~5x longer to write than the parse itself, so the loader forces dictionary
compression (bigger file, same query speed for our scans).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import logging
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb
from tqdm import tqdm

from catalog.ingest.ages import clean_ages
from catalog.ingest.inputs import check_csv
from catalog.ingest.line_endings import duckdb_readable
from catalog.ingest.report import MAX_BAD_ROWS_KEPT, IngestReport, duplicate_reason
from reclmms.errors import DataError

logger = logging.getLogger(__name__)

TRANSACTION_TYPES = {
    "t_dat": "DATE",
    "customer_id": "VARCHAR",
    "article_id": "VARCHAR",
    "price": "DOUBLE",
    "sales_channel_id": "TINYINT",
}
CUSTOMER_TYPES = {
    "customer_id": "VARCHAR",
    "age": "VARCHAR",  # read as written: a bad age is reported, and its customer kept without one
    "club_member_status": "VARCHAR",
    "fashion_news_frequency": "VARCHAR",
    "postal_code": "VARCHAR",
}
REQUIRED_TRANSACTION_COLUMNS = ("t_dat", "customer_id", "article_id", "price")
REQUIRED_CUSTOMER_COLUMNS = ("customer_id",)

DUCK_ARTICLE_COLUMNS = (
    "article_id",
    "product_code",
    "name",
    "product_type",
    "product_group",
    "colour",
    "colour_master",
    "index_group",
    "section",
    "garment_group",
    "department",
)

# article ids: zero-pad short numeric ids to 10 characters (H&M ids lose their leading zero in Excel)
_PAD_ID = "CASE WHEN length({c}) < 10 AND regexp_full_match({c}, '[0-9]+') THEN lpad({c}, 10, '0') ELSE {c} END"


def open_writer(path: Path, memory_limit: str = "2GB", threads: int = 2) -> duckdb.DuckDBPyConnection:
    """The one read-write connection of an ingest (fails clearly if another process holds the file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as exc:
        raise DataError(
            f"cannot open {path} for writing ({exc}); stop other reclmms processes that use it and retry"
        ) from None
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET threads = {max(1, threads)}")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET force_compression = 'dictionary'")
    con.execute(f"SET temp_directory = '{path.parent / (path.name + '.tmp')}'")
    return con


async def run_sql(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None, *,
    desc: str = "", progress: bool = True,
) -> None:
    """Run a long DuckDB statement in a worker thread, with a percentage progress bar."""
    await run_with_progress(con, lambda c: c.execute(sql, params or []), desc=desc, progress=progress)


async def run_with_progress(
    con: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], object], *,
    desc: str = "", progress: bool = True,
) -> None:
    """Run ``work(con)`` (DuckDB statements) in a worker thread, showing the running statement's
    progress; Ctrl-C or cancellation interrupts it."""
    done = threading.Event()

    def run() -> None:
        try:
            work(con)
        finally:
            done.set()

    task = asyncio.create_task(asyncio.to_thread(run))
    with tqdm(total=100, desc=desc, unit="%", disable=not progress, leave=False,
              bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}") as bar:
        try:
            while not done.is_set():
                await asyncio.sleep(0.25)
                pct = con.query_progress()
                if pct and pct > bar.n:
                    bar.update(int(pct) - bar.n)
            await task
        except BaseException:
            # Ctrl-C or cancellation: stop the statement so the caller can roll back promptly
            con.interrupt()
            await asyncio.to_thread(done.wait, 60)
            task.add_done_callback(lambda t: t.cancelled() or t.exception())  # already reported
            raise
        bar.update(100 - bar.n)


@contextlib.asynccontextmanager
async def _readable(con: duckdb.DuckDBPyConnection, path: Path) -> AsyncIterator[Path]:
    """``path``, or an LF copy of a CR CR LF file (line_endings.py) beside the analytics file."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    scratch = Path(str(row[0])).parent if row and row[0] else None
    with contextlib.ExitStack() as stack:
        yield await asyncio.to_thread(stack.enter_context, duckdb_readable(path, scratch))


async def _load_csv(con: duckdb.DuckDBPyConnection, path: Path, sql: str, *, progress: bool) -> None:
    """Run the ``sql`` that reads ``path`` (a file DuckDB cannot parse at all is a one-line DataError)."""
    try:
        await run_sql(con, sql, desc=f"loading {path.name}", progress=progress)
    except duckdb.InvalidInputException as exc:
        reason = str(exc).splitlines()[0].removeprefix("Invalid Input Error: ")
        raise DataError(f"{path} cannot be read as CSV: {reason}") from None


def _read_csv_sql(path: Path, header: Sequence[str], types: dict[str, str]) -> str:
    columns = ", ".join(f"'{h}': '{types.get(h, 'VARCHAR')}'" for h in header)
    return (
        f"read_csv('{_quote(path)}', header = true, delim = ',', quote = '\"', escape = '\"', "
        f"auto_detect = false, columns = {{{columns}}}, store_rejects = true, "
        "rejects_table = 'rejects', rejects_scan = 'rejects_scan', max_line_size = 1048576)"
    )


def find_empty_field_lines(path: Path, columns: Sequence[str], expected: int) -> list[int]:
    """Line numbers of the first rows (at most MAX_BAD_ROWS_KEPT) with an empty value in ``columns``.

    DuckDB counts such rows but cannot say where they are; this scan runs only when there are some,
    and stops as soon as it has found them (or enough of them)."""
    wanted = min(expected, MAX_BAD_ROWS_KEPT)
    found: list[int] = []
    # lines that are not UTF-8 were rejected by DuckDB already; here they only need to be skipped
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        positions = [header.index(c) for c in columns if c in header]
        for row in reader:
            if len(row) == len(header) and any(not row[i].strip() for i in positions):
                found.append(reader.line_num)
                if len(found) >= wanted:
                    break
    return found


# how many of the repeated customer ids the file scan looks for
LOOKED_FOR_DUPLICATES = 1000


def find_duplicate_lines(path: Path, column: str, wanted: set[str], limit: int) -> list[tuple[int, str, int]]:
    """(line, value, line of its first row) of the first rows (at most ``limit``) of CSV ``path``
    whose ``column`` repeats a value of ``wanted`` that an earlier row has."""
    first: dict[str, int] = {}
    found: list[tuple[int, str, int]] = []
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        if column not in header:
            return found
        position = header.index(column)
        for row in reader:
            if len(row) != len(header) or row[position] not in wanted:
                continue
            value = row[position]
            if value not in first:
                first[value] = reader.line_num
                continue
            found.append((reader.line_num, value, first[value]))
            if len(found) >= limit:
                break
    return found


async def _add_duplicate_customers(
    con: duckdb.DuckDBPyConnection, source: Path, header: Sequence[str], name: str, count: int,
    report: IngestReport,
) -> None:
    """Count ``count`` rows of a customers CSV that repeat a customer_id, with the lines of the first few."""
    ids = con.execute(
        f"SELECT customer_id FROM {_read_csv_sql(source, header, CUSTOMER_TYPES)} WHERE customer_id != '' "
        f"GROUP BY customer_id HAVING count(*) > 1 LIMIT {LOOKED_FOR_DUPLICATES}"
    ).fetchall()
    wanted = {str(r[0]) for r in ids}
    lines = await asyncio.to_thread(find_duplicate_lines, source, "customer_id", wanted, MAX_BAD_ROWS_KEPT)
    for line, value, first in lines:
        report.add_duplicate(name, line, duplicate_reason("customer_id", value, first, first_kept=False))
    report.duplicates_skipped += count - len(lines)


def _add_empty_rows(report: IngestReport, name: str, count: int, lines: list[int], reason: str) -> None:
    for line in lines:
        report.add_bad_row(name, line, reason)
    report.add_bad_rows(name, count - len(lines), reason)


def _reset_rejects(con: duckdb.DuckDBPyConnection) -> None:
    """Reject tables accumulate over a connection's scans: start each load with empty ones."""
    con.execute("DROP TABLE IF EXISTS rejects")
    con.execute("DROP TABLE IF EXISTS rejects_scan")


def _quote(path: Path) -> str:
    return str(path.resolve()).replace("'", "''")


def _collect_rejects(con: duckdb.DuckDBPyConnection, name: str, report: IngestReport) -> None:
    rows = con.execute(
        "SELECT line, error_type, coalesce(column_name, ''), error_message FROM rejects ORDER BY line"
    ).fetchall()
    seen: set[int] = set()
    for line, etype, column, message in rows:
        if line in seen:  # one report per line even when several of its fields are bad
            continue
        seen.add(line)
        reason = f"{etype}" + (f" in {column}" if column else "") + f": {message}"
        report.add_bad_row(name, int(line), reason[:200])


_EMPTY_TX = (
    "t_dat IS NULL OR customer_id IS NULL OR customer_id = '' OR article_id IS NULL OR article_id = '' "
    "OR price IS NULL"
)


def _delete_counted(con: duckdb.DuckDBPyConnection, table: str, where: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()
    n = int(row[0]) if row else 0
    if n:
        con.execute(f"DELETE FROM {table} WHERE {where}")
    return n


async def load_transactions(
    con: duckdb.DuckDBPyConnection, path: Path, report: IngestReport, *, progress: bool = True,
    table: str = "transactions",
) -> int:
    """Replace ``table`` with the rows of a Kaggle-format transactions CSV; return its row count."""
    header = check_csv(path, REQUIRED_TRANSACTION_COLUMNS)
    channel = "sales_channel_id" if "sales_channel_id" in header else "CAST(NULL AS TINYINT)"
    async with _readable(con, path) as source:
        sql = (
            f"CREATE OR REPLACE TABLE {table} AS SELECT t_dat, customer_id, "
            f"{_PAD_ID.format(c='article_id')} AS article_id, price, {channel} AS sales_channel_id "
            f"FROM {_read_csv_sql(source, header, TRANSACTION_TYPES)}"
        )
        _reset_rejects(con)
        con.execute("BEGIN TRANSACTION")
        try:
            await _load_csv(con, path, sql, progress=progress)
            n_empty = _delete_counted(con, table, _EMPTY_TX)
            n_bad_price = _delete_counted(con, table, "NOT isfinite(price) OR price < 0")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        _collect_rejects(con, path.name, report)
        if n_empty:
            lines = await asyncio.to_thread(find_empty_field_lines, source, REQUIRED_TRANSACTION_COLUMNS, n_empty)
            _add_empty_rows(report, path.name, n_empty, lines, "an empty t_dat, customer_id, article_id or price")
    report.add_bad_rows(path.name, n_bad_price, "a price that is negative, infinite or not a number")
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


async def load_customers(
    con: duckdb.DuckDBPyConnection, path: Path, report: IngestReport, *, progress: bool = True,
    required: Sequence[str] = REQUIRED_CUSTOMER_COLUMNS, table: str = "customers",
) -> int:
    """Replace ``table`` with a Kaggle-format customers CSV (duplicate ids kept once); return its row count."""
    header = check_csv(path, required)
    ages = IngestReport()  # the bad ages, reported once the load is committed

    def col(name: str) -> str:
        return name if name in header else f"CAST(NULL AS VARCHAR) AS {name}"

    select = ", ".join(
        [col("customer_id"), col("age"), col("club_member_status"), col("fashion_news_frequency"), col("postal_code")]
    )
    async with _readable(con, path) as source:
        sql = (
            f"CREATE OR REPLACE TABLE {table} AS SELECT {select} FROM {_read_csv_sql(source, header, CUSTOMER_TYPES)} "
            "WHERE customer_id IS NOT NULL AND customer_id != '' "
            "QUALIFY row_number() OVER (PARTITION BY customer_id) = 1"
        )
        _reset_rejects(con)
        con.execute("BEGIN TRANSACTION")
        try:
            await _load_csv(con, path, sql, progress=progress)
            await clean_ages(con, table, source, path.name, ages)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        _collect_rejects(con, path.name, report)
        report.add_findings(ages)
        scan = con.execute(
            f"SELECT count(*), count(DISTINCT customer_id) FILTER (WHERE customer_id != ''), "
            f"count(*) FILTER (WHERE customer_id IS NULL OR customer_id = '') "
            f"FROM {_read_csv_sql(source, header, CUSTOMER_TYPES)}"
        ).fetchone()
        if scan:
            total, distinct, empty = (int(x) for x in scan)
            if empty:
                lines = await asyncio.to_thread(find_empty_field_lines, source, REQUIRED_CUSTOMER_COLUMNS, empty)
                _add_empty_rows(report, path.name, empty, lines, "an empty customer_id")
            duplicates = max(0, total - empty - distinct)
            if duplicates:
                await _add_duplicate_customers(con, source, header, path.name, duplicates, report)
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def write_articles_table(
    con: duckdb.DuckDBPyConnection, rows: Iterable[Sequence[Any]], table: str = "articles"
) -> int:
    """Replace the analytics ``table`` with article rows (values of DUCK_ARTICLE_COLUMNS, via a temporary CSV)."""
    n = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "articles.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(DUCK_ARTICLE_COLUMNS)
            for row in rows:
                writer.writerow(row)
                n += 1
        cols = ", ".join(f"'{c}': 'VARCHAR'" for c in DUCK_ARTICLE_COLUMNS)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv("
                f"'{_quote(path)}', header = true, auto_detect = false, columns = {{{cols}}}, "
                "quote = '\"', escape = '\"')"
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return n


def ensure_empty_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create empty ``transactions``/``customers``/``articles`` tables where they do not exist yet."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS transactions (t_dat DATE, customer_id VARCHAR, article_id VARCHAR, "
        "price DOUBLE, sales_channel_id TINYINT)"
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS customers (customer_id VARCHAR, age INTEGER, club_member_status VARCHAR, "
        "fashion_news_frequency VARCHAR, postal_code VARCHAR)"
    )
    cols = ", ".join(f"{c} VARCHAR" for c in DUCK_ARTICLE_COLUMNS)
    con.execute(f"CREATE TABLE IF NOT EXISTS articles ({cols})")


def median_prices(con: duckdb.DuckDBPyConnection, table: str = "transactions") -> list[tuple[str, float]]:
    """Article price = median sale price x 1000, rounded to 2 decimals (H&M prices are scaled)."""
    rows = con.execute(
        f"SELECT article_id, round(median(price) * 1000, 2) FROM {table} GROUP BY article_id"
    ).fetchall()
    return [(str(a), float(p)) for a, p in rows if p is not None]
