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

import logging
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


def _load(
    conn: duckdb.DuckDBPyConnection, path: Path, table: str, columns: dict[str, tuple[str, str]]
) -> None:
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
    with duckdb_readable(path) as source:  # CR CR LF line ends (line_endings.py)
        try:
            conn.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT {', '.join(exprs)} "
                "FROM read_csv(?, header = true, all_varchar = true, quote = '\"')",
                [str(source)],
            )
        except duckdb.InvalidInputException as exc:
            reason = str(exc).splitlines()[0].removeprefix("Invalid Input Error: ")
            raise DataError(f"{path} cannot be read as CSV: {reason}") from None
    if table == "transactions":
        conn.execute("DELETE FROM transactions WHERE t_dat IS NULL OR customer_id = '' OR article_id = ''")


def load_kaggle(
    data_dir: str | Path, conn: duckdb.DuckDBPyConnection | None = None
) -> duckdb.DuckDBPyConnection:
    """Read ``articles.csv``, ``customers.csv`` and ``transactions_train.csv`` from ``data_dir``.

    Returns an in-memory connection (or fills ``conn``); transactions are stored in date order,
    with their daily sales summary (catalog/recsys/summary.py).
    Raises DataError naming any missing file or column.
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
        _load(conn, root / name, table, columns)
    conn.execute(
        "CREATE OR REPLACE TABLE transactions AS SELECT * FROM transactions ORDER BY t_dat, customer_id"
    )
    build_summary(conn)
    n = conn.execute("SELECT count(*) FROM transactions").fetchone()
    logger.info("loaded %s transactions from %s", n[0] if n else 0, root)
    return conn
