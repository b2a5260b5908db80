"""Per-article daily sales: a summary of ``transactions`` that the as-of queries can read instead.

- ``article_days``: one row per (day, article) with its number of sales, the sum of their prices
  and the sum and count of their buyers' ages (where known), in date order;
- ``article_first_sale``: each article's first day of sale;
- ``sales_summary``: the row counts of ``transactions`` and ``customers`` it was built from.

Both tables answer "as of" questions exactly: sales are summed by whole days, and an article's
first sale before a date is its first sale overall whenever that falls before the date. At full
scale (31.8M transactions) they replace a scan of raw rows joined with 1.4M customers by a scan
of day totals, and a scan of all history for first sales by a 105k-row lookup (bench/RESULTS.md).

The summary is built by the ingest and by ``load_kaggle``; ``is_current`` tells the recommender
whether it still matches the tables (otherwise it reads ``transactions`` directly).
"""

from __future__ import annotations

import logging
import time

import duckdb

logger = logging.getLogger(__name__)

TABLES = ("article_days", "article_first_sale", "sales_summary")


def _counts(conn: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    rows = conn.execute(
        "SELECT (SELECT count(*) FROM transactions), (SELECT count(*) FROM customers)"
    ).fetchone()
    return (int(rows[0]), int(rows[1])) if rows else (0, 0)


def build_summary(conn: duckdb.DuckDBPyConnection) -> None:
    """(Re)build the summary tables from ``transactions`` and ``customers``, in one transaction."""
    started = time.perf_counter()
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(
            """CREATE OR REPLACE TABLE article_days AS
            SELECT t.t_dat, t.article_id, count(*)::INTEGER AS n, sum(t.price) AS price_sum,
                   sum(c.age)::BIGINT AS age_sum, count(c.age)::INTEGER AS age_n
            FROM transactions t
            LEFT JOIN (SELECT customer_id, age FROM customers WHERE age > 0) c USING (customer_id)
            GROUP BY ALL ORDER BY t.t_dat, t.article_id"""
        )
        conn.execute(
            "CREATE OR REPLACE TABLE article_first_sale AS "
            "SELECT article_id, min(t_dat) AS first FROM article_days GROUP BY ALL"
        )
        n_tx, n_cust = _counts(conn)
        conn.execute(
            "CREATE OR REPLACE TABLE sales_summary AS SELECT ?::BIGINT AS transactions, ?::BIGINT AS customers",
            [n_tx, n_cust],
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    logger.info("sales summary of %s transactions built in %.1f s", n_tx, time.perf_counter() - started)


def is_current(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether the summary exists and was built from the present ``transactions`` and ``customers``."""
    found = conn.execute(
        "SELECT count(DISTINCT table_name) FROM duckdb_tables() WHERE table_name IN (SELECT unnest(?::VARCHAR[])) "
        "AND database_name = current_database() AND schema_name = current_schema()",
        [list(TABLES)],
    ).fetchone()
    if not found or found[0] != len(TABLES):
        return False
    built = conn.execute("SELECT transactions, customers FROM sales_summary").fetchone()
    return built is not None and (int(built[0]), int(built[1])) == _counts(conn)
