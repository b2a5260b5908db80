"""What an ingest leaves in the stores, read back in full, to check that a failed one changed nothing."""

from __future__ import annotations

from typing import Any

import duckdb

from catalog.db import Database
from reclmms.settings import Settings

SQLITE_TABLES = ("articles", "customers", "purchase_history", "history_articles")
DUCK_TABLES = ("transactions", "customers", "articles", "customer_codes", "article_codes", "purchases_coded",
               "article_days")


async def snapshot(settings: Settings, db: Database) -> dict[str, Any]:
    """Every row of the live SQLite and DuckDB tables an ingest writes (sorted), and their counts."""
    out: dict[str, Any] = {}
    for table in SQLITE_TABLES:
        async with db.conn.execute(f"SELECT * FROM {table}") as cur:
            out[f"sqlite.{table}"] = sorted(tuple(r) for r in await cur.fetchall())
    con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    try:
        for table in DUCK_TABLES:
            rows = con.execute(f"SELECT * FROM {table}").fetchall()
            out[f"duckdb.{table}"] = sorted(rows, key=repr)
    finally:
        con.close()
    return out


def counts(snap: dict[str, Any]) -> dict[str, int]:
    return {k: len(v) for k, v in snap.items()}
