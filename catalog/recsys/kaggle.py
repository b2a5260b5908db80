"""Load the Kaggle H&M CSV layout into an in-memory DuckDB with the analytics table shapes.

Tables (the same as ``catalog.analytics`` keeps in its DuckDB file)::

    transactions(t_dat DATE, customer_id VARCHAR, article_id VARCHAR, price DOUBLE, sales_channel_id TINYINT)
    articles(article_id VARCHAR, product_code VARCHAR, name VARCHAR, product_type VARCHAR,
             product_group VARCHAR, colour VARCHAR, colour_master VARCHAR, index_group VARCHAR,
             section VARCHAR, garment_group VARCHAR, department VARCHAR)
    customers(customer_id VARCHAR, age INTEGER, club_member_status VARCHAR,
              fashion_news_frequency VARCHAR, postal_code VARCHAR)

Ids are read as VARCHAR so article ids keep their leading zero.
"""

from __future__ import annotations

import csv
import logging
import math
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from catalog.ingest.line_endings import duckdb_readable
from catalog.recsys.summary import build_summary
from reclmms.errors import DataError

logger = logging.getLogger(__name__)

# file -> {kaggle column: (our column, DuckDB type)}
_ARTICLES = {
    "article_id": ("article_id", "VARCHAR"),
    "product_code": ("product_code", "VARCHAR"),
    "prod_name": ("name", "VARCHAR"),
    "product_type_name": ("product_type", "VARCHAR"),
    "product_group_name": ("product_group", "VARCHAR"),
    "colour_group_name": ("colour", "VARCHAR"),
    "perceived_colour_master_name": ("colour_master", "VARCHAR"),
    "index_group_name": ("index_group", "VARCHAR"),
    "section_name": ("section", "VARCHAR"),
    "garment_group_name": ("garment_group", "VARCHAR"),
    "department_name": ("department", "VARCHAR"),
}
_CUSTOMERS = {
    "customer_id": ("customer_id", "VARCHAR"),
    "age": ("age", "INTEGER"),
    "club_member_status": ("club_member_status", "VARCHAR"),
    "fashion_news_frequency": ("fashion_news_frequency", "VARCHAR"),
    "postal_code": ("postal_code", "VARCHAR"),
}
_TRANSACTIONS = {
    "t_dat": ("t_dat", "DATE"),
    "customer_id": ("customer_id", "VARCHAR"),
    "article_id": ("article_id", "VARCHAR"),
    "price": ("price", "DOUBLE"),
    "sales_channel_id": ("sales_channel_id", "TINYINT"),
}
FILES = {"articles.csv": _ARTICLES, "customers.csv": _CUSTOMERS, "transactions_train.csv": _TRANSACTIONS}


def _header(path: Path) -> list[str]:
    # utf-8-sig: a byte-order mark is not part of the first column's name
    with path.open("r", encoding="utf-8-sig", errors="replace") as fh:
        return [c.strip().strip('"') for c in fh.readline().rstrip("\r\n").split(",")]


def _csv_error(path: Path, exc: duckdb.Error) -> DataError:
    """One line naming the file and the line DuckDB stopped at (and, for a short or long row, its fields)."""
    lines = str(exc).splitlines()
    reason = lines[0].removeprefix("Invalid Input Error: ") if lines else type(exc).__name__
    line = re.search(r"CSV Error on Line: (\d+)", reason)
    fields = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", str(exc))
    if line and fields:
        reason = f"line {line.group(1)} has {fields.group(2)} fields, the header has {fields.group(1)}"
    return DataError(f"{path} cannot be read as CSV: {reason}")


# Why a transaction row is skipped: checked in this order over the raw text of its fields, here in SQL
# (what DuckDB keeps) and in ``_why_bad`` (Python, to name the first few lines).
_BAD_TRANSACTION = """CASE
    WHEN coalesce(customer_id, '') = '' OR coalesce(article_id, '') = '' THEN 'id'
    WHEN TRY_CAST(t_dat AS DATE) IS NULL THEN 'date'
    WHEN NOT coalesce(isfinite(TRY_CAST(price AS DOUBLE)) AND TRY_CAST(price AS DOUBLE) >= 0, false) THEN 'price'
END"""
_REASONS = {  # a bad price: empty, negative, infinite or not a number
    "id": "empty customer_id or article_id",
    "date": "bad t_dat",
    "price": "bad price",
}
_DATE = re.compile(r"\s*(\d{1,4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T].*)?\s*")
BAD_LINES_NAMED = 3


def _why_bad(row: dict[str, str]) -> str | None:
    """The ``_BAD_TRANSACTION`` rule in Python (DuckDB's date and number forms, near enough to name lines)."""
    if not row.get("customer_id") or not row.get("article_id"):
        return "id"
    found = _DATE.fullmatch(row.get("t_dat") or "")
    try:
        if found is None:
            return "date"
        date(*(int(part) for part in found.groups()))
    except ValueError:
        return "date"
    try:
        price = float(row.get("price") or "")
    except ValueError:
        return "price"
    return None if math.isfinite(price) and price >= 0 else "price"


def _bad_lines(path: Path, wanted: int) -> list[str]:
    """'line N: why' for the first ``wanted`` bad rows of a transactions CSV."""
    found: list[str] = []
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv.DictReader(fh)
        reader.fieldnames = [f.strip() for f in reader.fieldnames or []]
        for row in reader:
            why = _why_bad(row)
            if why is not None:
                value = {"date": row.get("t_dat"), "price": row.get("price")}.get(why)
                found.append(f"line {reader.line_num}: {_REASONS[why]}" + (f" {value!r}" if value else ""))
                if len(found) >= wanted:
                    break
    return found


def _drop_bad_transactions(conn: duckdb.DuckDBPyConnection, path: Path, source: Path) -> str | None:
    """Delete the rows marked bad; a one-line account of them (how many, why, the first lines), or None."""
    counts = dict(conn.execute("SELECT bad, count(*) FROM transactions WHERE bad IS NOT NULL GROUP BY bad").fetchall())
    conn.execute("DELETE FROM transactions WHERE bad IS NOT NULL")
    conn.execute("ALTER TABLE transactions DROP COLUMN bad")
    total = sum(int(n) for n in counts.values())
    if not total:
        return None
    why = ", ".join(f"{int(n):,} {_REASONS[kind]}" for kind, n in sorted(counts.items()))
    lines = _bad_lines(source, min(total, BAD_LINES_NAMED))
    named = f"; {'; '.join(lines)}" + ("; ..." if total > len(lines) else "") if lines else ""
    return f"{path}: skipped {total:,} bad row(s) ({why}){named}"


def _load(
    conn: duckdb.DuckDBPyConnection, path: Path, table: str, columns: dict[str, tuple[str, str]]
) -> str | None:
    """Fill ``table`` from ``path``; for transactions, what was skipped (``_drop_bad_transactions``)."""
    header = _header(path)
    missing = [c for c in columns if c not in header]
    if missing:
        raise DataError(f"{path} lacks column(s): {', '.join(missing)}")
    exprs = []
    for src, (dst, typ) in columns.items():
        if typ == "VARCHAR":
            exprs.append(f"coalesce(\"{src}\", '') AS {dst}")
        else:
            exprs.append(
                f'TRY_CAST(TRY_CAST("{src}" AS DOUBLE) AS {typ}) AS {dst}'
                if typ in ("INTEGER", "TINYINT")
                else f'TRY_CAST("{src}" AS {typ}) AS {dst}'
            )
    if table == "transactions":
        exprs.append(f"{_BAD_TRANSACTION} AS bad")
    # the header's columns, all text: a row with too few or too many fields is an error naming its line
    # (a sniffed dialect would take such a file for one column, and fail on the names)
    names = ", ".join("'{}': 'VARCHAR'".format(name.replace("'", "''")) for name in header)
    with duckdb_readable(path) as source:  # CR CR LF line ends (line_endings.py)
        try:
            conn.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT {', '.join(exprs)} "
                "FROM read_csv(?, header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
                f"columns = {{{names}}})",
                [str(source)],
            )
        except (duckdb.InvalidInputException, duckdb.BinderException) as exc:
            raise _csv_error(path, exc) from None
        if table == "transactions":
            return _drop_bad_transactions(conn, path, source)
    return None


def load_kaggle(
    data_dir: str | Path, conn: duckdb.DuckDBPyConnection | None = None,
    warn: Callable[[str], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Read ``articles.csv``, ``customers.csv`` and ``transactions_train.csv`` from ``data_dir``.

    Returns an in-memory connection (or fills ``conn``); transactions are stored in date order,
    with their daily sales summary (catalog/recsys/summary.py).
    Raises DataError naming any missing file or column, or the line of a row that is not CSV
    (too few or too many fields). Transactions with an empty id, a bad date or a bad price are
    skipped, as ``reclmms ingest hm`` skips them; ``warn`` (default: a logged warning) gets one
    line saying how many, why, and the first few line numbers.
    """
    root = Path(data_dir)
    if not root.is_dir():
        raise DataError(f"data directory not found: {root}")
    missing = [name for name in FILES if not (root / name).is_file()]
    if missing:
        raise DataError(f"{root} lacks file(s): {', '.join(missing)}")
    conn = conn or duckdb.connect(":memory:")
    for name, columns in FILES.items():
        table = name.split("_")[0].removesuffix(".csv")
        skipped = _load(conn, root / name, table, columns)
        if skipped is not None:
            (warn or logger.warning)(skipped)
    conn.execute(
        "CREATE OR REPLACE TABLE transactions AS SELECT * FROM transactions ORDER BY t_dat, customer_id"
    )
    build_summary(conn)
    n = conn.execute("SELECT count(*) FROM transactions").fetchone()
    logger.info("loaded %s transactions from %s", n[0] if n else 0, root)
    return conn
