"""Steps shared by every ingest: the analytics tables, customers, histories, prices and indexing.

Each step is skipped when ``ingest_state`` says it was done from the same input (see state.py).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import duckdb
from tqdm import tqdm

from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.ingest import duck
from catalog.ingest.history_build import build_history
from catalog.ingest.report import IngestReport
from catalog.ingest.state import IngestState, file_signature
from catalog.models import Article
from catalog.recsys.summary import build_summary, is_current
from reclmms.settings import Settings

logger = logging.getLogger(__name__)

SOURCE = "catalog"


async def replace_articles(
    db: Database, store: ArticleStore, articles: list[Article], *, progress: bool = True, batch: int = 5000
) -> None:
    """Make the catalog exactly ``articles``: upsert them in batches, then drop the others."""
    with tqdm(total=len(articles), desc="articles", unit=" articles", disable=not progress, leave=False) as bar:
        for start in range(0, len(articles), batch):
            chunk = articles[start : start + batch]
            await store.upsert_many(chunk)
            bar.update(len(chunk))
    keep = {a.article_id for a in articles}
    async with db.conn.execute("SELECT article_id FROM articles") as cur:
        stale = [(r[0],) for r in await cur.fetchall() if r[0] not in keep]
    if stale:
        logger.info("removing %d articles that are no longer in the catalog", len(stale))
        await db.conn.executemany("DELETE FROM articles WHERE article_id = ?", stale)
        await db.conn.commit()


async def write_duck_articles(
    con: duckdb.DuckDBPyConnection, store: ArticleStore, state: IngestState, signature: str,
    report: IngestReport,
) -> None:
    if await state.is_done("duckdb/articles", signature):
        return
    articles: list[Article] = []
    async for batch in store.iter_all(batch_size=5000):
        articles.extend(batch)
    await asyncio.to_thread(duck.write_articles_table, con, articles)
    await state.mark_done("duckdb/articles", signature)


async def load_activity(
    db: Database, con: duckdb.DuckDBPyConnection, state: IngestState, report: IngestReport, *,
    transactions: Path | None, customers: Path | None, progress: bool = True,
) -> str:
    """Load customers and transactions (either may be None = none), build histories; return the tx signature."""
    tx_sig = file_signature(transactions) if transactions else "none"
    if transactions is None:
        if not await state.is_done("duckdb/transactions", tx_sig):
            for table in ("transactions", "purchases_coded", "customer_codes", "article_codes"):
                await asyncio.to_thread(con.execute, f"DROP TABLE IF EXISTS {table}")
            duck.ensure_empty_tables(con)
            await state.forget(prefix="history/")
            await db.conn.execute("DELETE FROM purchase_history")
            await db.conn.commit()
            await state.mark_done("duckdb/transactions", tx_sig)
    elif await state.is_done("duckdb/transactions", tx_sig) and await _has_rows(con, "transactions"):
        report.skipped_steps.append("transactions")
    else:
        await duck.load_transactions(con, transactions, report, progress=progress)
        await state.mark_done("duckdb/transactions", tx_sig)

    cust_sig = file_signature(customers) if customers else "none"
    if await state.is_done("customers", cust_sig):
        report.skipped_steps.append("customers")
    else:
        if customers is not None:
            await duck.load_customers(con, customers, report, progress=progress)
        else:
            await asyncio.to_thread(con.execute, "DROP TABLE IF EXISTS customers")
            duck.ensure_empty_tables(con)
        await fill_sqlite_customers(db, con, progress=progress)
        await state.mark_done("customers", cust_sig)

    summary_sig = f"{tx_sig}+{cust_sig}"
    if await state.is_done("duckdb/sales summary", summary_sig) and await asyncio.to_thread(is_current, con):
        report.skipped_steps.append("sales summary")
    else:
        await duck.run_with_progress(con, build_summary, desc="daily sales summary", progress=progress)
        await state.mark_done("duckdb/sales summary", summary_sig)

    if transactions is not None:
        if await state.is_done("history/end", tx_sig):
            report.skipped_steps.append("purchase histories")
        else:
            await build_history(db, con, state, tx_sig, progress=progress)
            await state.mark_done("history/end", tx_sig)
    row = await asyncio.to_thread(lambda: con.execute("SELECT count(*) FROM transactions").fetchone())
    report.transactions = int(row[0]) if row else 0
    return tx_sig


async def _has_rows(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """The analytics file may have been deleted since the step was recorded."""
    row = await asyncio.to_thread(lambda: con.execute(f"SELECT count(*) FROM {table}").fetchone())
    return bool(row and row[0])


async def fill_sqlite_customers(db: Database, con: duckdb.DuckDBPyConnection, *, progress: bool = True) -> None:
    """Replace SQLite's customers with DuckDB's, in one transaction."""
    cur = con.cursor()
    await asyncio.to_thread(
        cur.execute,
        "SELECT customer_id, age, club_member_status, fashion_news_frequency, postal_code FROM customers "
        "ORDER BY customer_id",  # sequential inserts into the primary-key tree
    )
    await db.conn.execute("DELETE FROM customers")
    total = 0
    with tqdm(desc="customers", unit=" customers", disable=not progress, leave=False) as bar:
        while True:
            rows = await asyncio.to_thread(cur.fetchmany, 100_000)
            if not rows:
                break
            await db.conn.executemany(
                "INSERT OR REPLACE INTO customers(customer_id, age, club_member_status, "
                "fashion_news_frequency, postal_code) VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            total += len(rows)
            bar.update(len(rows))
    await db.conn.commit()
    cur.close()
    logger.info("stored %d customers", total)


async def set_median_prices(
    con: duckdb.DuckDBPyConnection, store: ArticleStore, state: IngestState, signature: str,
    report: IngestReport,
) -> None:
    """H&M has no price column: price = median sale price x 1000, rounded to 2 decimals."""
    if await state.is_done("prices", signature):
        report.skipped_steps.append("prices")
        return
    prices = await asyncio.to_thread(duck.median_prices, con)
    await store.set_prices(prices)
    await state.mark_done("prices", signature)


async def finish(
    settings: Settings, db: Database, store: ArticleStore, report: IngestReport, *,
    images: bool, index: bool, progress: bool,
) -> IngestReport:
    """Final counts from the stores, then the search index (text + image embeddings)."""
    report.articles = await store.count()
    report.images = await store.count_with_images()
    async with db.conn.execute("SELECT count(*) FROM customers") as cur:
        row = await cur.fetchone()
        report.customers = int(row[0]) if row else 0
    async with db.conn.execute("SELECT count(*) FROM articles WHERE price IS NOT NULL") as cur:
        row = await cur.fetchone()
        report.priced_articles = int(row[0]) if row else 0
    async with db.conn.execute("SELECT count(*) FROM purchase_history") as cur:
        row = await cur.fetchone()
        report.history_customers = int(row[0]) if row else 0
    if index:
        await run_indexing(settings, db, store, report, images=images, progress=progress)
    return report


async def run_indexing(
    settings: Settings, db: Database, store: ArticleStore, report: IngestReport, *, images: bool, progress: bool
) -> None:
    try:
        from catalog.indexing import index_catalog  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        logger.warning("catalog.indexing is not available: the search index was not built")
        report.indexed["search index"] = "not built (catalog.indexing missing)"
        return
    result: Any = await index_catalog(settings, db, store, images=images, progress=progress)
    if isinstance(result, dict):
        report.indexed.update(result)
    elif result is not None and hasattr(result, "__dataclass_fields__"):
        report.indexed.update({k: getattr(result, k) for k in result.__dataclass_fields__})
    elif result is not None:
        report.indexed["result"] = result


def open_analytics_writer(settings: Settings) -> duckdb.DuckDBPyConnection:
    con = duck.open_writer(settings.duckdb_path, threads=settings.catalog.cpu_threads)
    duck.ensure_empty_tables(con)
    return con
