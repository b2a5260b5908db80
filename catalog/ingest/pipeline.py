"""The steps every ingest shares: stage what changed, swap it in, then the summary and the index.

What an ingest replaces, and what it keeps:

- the catalog (``articles``) is always the new file's products;
- transactions (with the purchase histories built from them) and customers are replaced only when a
  new file is given for them; ``None`` keeps what is stored, so a catalog update (prices, new
  products) keeps every customer's history, including purchases of products no longer sold.

Nothing live is written until the end: the callers check every input file first (inputs.py), the
new articles, transactions, customers and histories are written to staged tables (staging.py), and
``swap`` makes them live at once. The staged catalog's search vectors are written before the swap
(index_steps.py). A failure before the swap, however late, leaves the catalog, customers,
transactions and histories exactly as they were; a full disk is one line saying so and what state
the store is in (catalog/disk_full.py).

Each step is skipped when ``ingest_state`` says it was done from the same input (state.py): live
steps (``articles``, ``duckdb/transactions``, ``customers``, ...) when the live tables already come
from that input, ``staged/...`` steps when an interrupted run already staged it. What reading an
input found (bad rows, duplicates, corrupt images) is recorded with its step (findings.py), so a
skipped step reports it again, as found by the run that read it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from tqdm import tqdm

from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.disk_full import ingest_disk_full_error
from catalog.history import TOTAL_PART
from catalog.ingest import duck, findings, history_build, staging
from catalog.ingest.index_steps import index_staged, run_indexing
from catalog.ingest.report import IngestReport
from catalog.ingest.state import IngestState, file_signature
from catalog.ingest.unknown_articles import report_unknown_articles
from catalog.models import Article
from catalog.recsys.summary import build_summary, is_current
from catalog.schema import ARTICLE_COLUMNS, ensure_catalog_schema
from reclmms.settings import Settings

logger = logging.getLogger(__name__)

SOURCE = "catalog"
STAGED_STEPS = "staged/"


@dataclass
class Staging:
    """The tables this run has staged, and the live steps to record when they are swapped in."""

    sqlite: list[str] = field(default_factory=list)
    duck: list[str] = field(default_factory=list)
    steps: dict[str, str] = field(default_factory=dict)


async def ingest(
    settings: Settings, db: Database, report: IngestReport, *, articles_signature: str,
    read_articles: Callable[[IngestReport], list[Article]], transactions: Path | None,
    customers: Path | None, median_prices: bool = False, images: bool, index: bool, progress: bool,
) -> IngestReport:
    """Make the catalog the articles of ``read_articles`` (called in a thread, only when they changed),
    with new transactions/customers when given; then the summary, the counts and the index.

    The caller has checked the input files (nothing is written before this)."""
    await ensure_catalog_schema(db)
    state = IngestState(db, SOURCE)
    plan = Staging()
    swapped = embedded = False
    try:
        con = await asyncio.to_thread(open_analytics_writer, settings)
        try:
            if await state.is_done("articles", articles_signature):
                report.skipped_steps.append("articles")
                await findings.recall(state, report, "articles", articles_signature, staged=False)
            else:
                await stage_articles(db, state, plan, report, articles_signature, read_articles, progress,
                                     data_dir=settings.data_dir)
            await stage_activity(db, con, state, plan, report, transactions=transactions, customers=customers,
                                 progress=progress)
            if median_prices:
                await stage_median_prices(db, con, state, plan, report, articles_signature)
            await stage_duck_articles(db, con, state, plan, articles_signature)
            if index and "articles" in plan.sqlite:  # not swapped in before its vectors are written
                await index_staged(settings, db, report, images=images, progress=progress)
                embedded = True
            await swap(db, con, state, plan)
            swapped = True
            await refresh_summary(con, state, report, progress=progress)
            report.already_ingested = not plan.sqlite and not plan.duck and "sales summary" in report.skipped_steps
            report.transactions = await asyncio.to_thread(_count, con, "transactions")
            await report_unknown_articles(con, report, transactions)
        finally:
            await asyncio.to_thread(con.close)
        return await finish(settings, db, ArticleStore(db, settings.data_dir), report, images=images, index=index,
                            progress=progress, embed=not embedded)
    except Exception as exc:
        full = ingest_disk_full_error(exc, settings.data_dir, swapped=swapped)
        if full is None:
            raise
        logger.debug("disk full during the ingest", exc_info=True)
        raise full from None


async def stage_articles(
    db: Database, state: IngestState, plan: Staging, report: IngestReport, signature: str,
    read_articles: Callable[[IngestReport], list[Article]], progress: bool, data_dir: Path | None = None,
) -> None:
    if await state.is_done("staged/articles", signature) and await staging.sqlite_has(db, "staged_articles"):
        report.skipped_steps.append("articles")  # staged by an interrupted run
        found = await findings.recall(state, report, "articles", signature, staged=True)
    else:
        read = IngestReport()
        articles = await asyncio.to_thread(read_articles, read)
        report.add_findings(read)
        await write_staged_articles(db, articles, progress=progress, data_dir=data_dir)
        await state.mark_done("staged/articles", signature)
        found = await findings.keep_staged(state, "articles", read, signature)
    plan.sqlite.append("articles")
    plan.steps["articles"] = signature
    if found is not None:
        plan.steps[findings.live_part("articles")] = found


async def write_staged_articles(
    db: Database, articles: Sequence[Article], *, progress: bool = True, batch: int = 5000,
    data_dir: Path | None = None,
) -> None:
    """``staged_articles`` = exactly ``articles`` (image paths inside ``data_dir`` stored relative to it)."""
    store = ArticleStore(db, data_dir)
    table = await staging.create_staged(db, "articles")
    sql = f"INSERT INTO {table} ({', '.join(ARTICLE_COLUMNS)}) VALUES ({', '.join('?' for _ in ARTICLE_COLUMNS)})"
    with tqdm(total=len(articles), desc="articles", unit=" articles", disable=not progress, leave=False) as bar:
        for start in range(0, len(articles), batch):
            chunk = articles[start : start + batch]
            await db.conn.executemany(sql, [store.to_row(a) for a in chunk])
            bar.update(len(chunk))
        bar.refresh()  # the last count shown, however quick the writes (a bar is drawn every 0.1 s at most)
    await db.conn.commit()


async def stage_activity(
    db: Database, con: duckdb.DuckDBPyConnection, state: IngestState, plan: Staging, report: IngestReport, *,
    transactions: Path | None, customers: Path | None, progress: bool = True,
) -> None:
    """Stage new transactions (and the histories built from them) and new customers; None keeps them."""
    if transactions is None:
        report.kept.append("transactions and purchase histories")
    else:
        tx_sig = file_signature(transactions)
        live = await state.is_done("duckdb/transactions", tx_sig)
        if live and await asyncio.to_thread(_count, con, "transactions") > 0:
            report.skipped_steps.append("transactions")
            await findings.recall(state, report, "transactions", tx_sig, staged=False)
        else:
            n_tx = await stage_transactions(db, con, state, plan, report, transactions, tx_sig, progress=progress)
            plan.duck += ["transactions", *history_build.DUCK_TABLES]
            plan.sqlite += list(history_build.SQLITE_TABLES)
            plan.steps["duckdb/transactions"] = tx_sig
            # read by HistoryStore.transaction_count (summing n over a million rows takes ~0.7 s)
            plan.steps[TOTAL_PART] = str(n_tx)
    if customers is None:
        report.kept.append("customers")
        return
    cust_sig = file_signature(customers)
    if await state.is_done("customers", cust_sig):
        report.skipped_steps.append("customers")
        await findings.recall(state, report, "customers", cust_sig, staged=False)
        return
    have = staging.duck_has(con, "staged_customers") and await staging.sqlite_has(db, "staged_customers")
    if have and await state.is_done("staged/customers", cust_sig):
        report.skipped_steps.append("customers")
        found = await findings.recall(state, report, "customers", cust_sig, staged=True)
    else:
        read = IngestReport()
        await duck.load_customers(con, customers, read, progress=progress, table="staged_customers")
        report.add_findings(read)
        await fill_sqlite_customers(db, con, progress=progress)
        await state.mark_done("staged/customers", cust_sig)
        found = await findings.keep_staged(state, "customers", read, cust_sig)
    plan.duck.append("customers")
    plan.sqlite.append("customers")
    plan.steps["customers"] = cust_sig
    if found is not None:
        plan.steps[findings.live_part("customers")] = found


async def stage_transactions(
    db: Database, con: duckdb.DuckDBPyConnection, state: IngestState, plan: Staging, report: IngestReport,
    path: Path, signature: str, *, progress: bool,
) -> int:
    """``staged_transactions`` and the staged histories; return the number of purchases."""
    if staging.duck_has(con, "staged_transactions") and await state.is_done("staged/transactions", signature):
        report.skipped_steps.append("transactions")
        found = await findings.recall(state, report, "transactions", signature, staged=True)
    else:
        await state.forget(["staged/codes"], prefix="staged/history/")  # made from another load
        read = IngestReport()
        await duck.load_transactions(con, path, read, progress=progress, table="staged_transactions")
        report.add_findings(read)
        await state.mark_done("staged/transactions", signature)
        found = await findings.keep_staged(state, "transactions", read, signature)
    if found is not None:
        plan.steps[findings.live_part("transactions")] = found
    return await history_build.build_history(db, con, state, signature, progress=progress)


async def fill_sqlite_customers(db: Database, con: duckdb.DuckDBPyConnection, *, progress: bool = True) -> None:
    """SQLite's ``staged_customers`` = DuckDB's ``staged_customers``."""
    table = await staging.create_staged(db, "customers")
    cur = con.cursor()
    count = await asyncio.to_thread(lambda: cur.execute("SELECT count(*) FROM staged_customers").fetchone())
    expected = int(count[0]) if count else 0
    await asyncio.to_thread(
        cur.execute,
        "SELECT customer_id, age, club_member_status, fashion_news_frequency, postal_code FROM staged_customers "
        "ORDER BY customer_id",  # sequential inserts into the primary-key tree
    )
    total = 0
    with tqdm(total=expected, desc="customers", unit=" customers", disable=not progress, leave=False) as bar:
        while True:
            rows = await asyncio.to_thread(cur.fetchmany, 100_000)
            if not rows:
                break
            await db.conn.executemany(
                f"INSERT OR REPLACE INTO {table}(customer_id, age, club_member_status, "
                "fashion_news_frequency, postal_code) VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            total += len(rows)
            bar.update(len(rows))
        bar.refresh()
    await db.conn.commit()
    cur.close()
    logger.info("staged %d customers", total)


async def stage_median_prices(
    db: Database, con: duckdb.DuckDBPyConnection, state: IngestState, plan: Staging, report: IngestReport,
    articles_signature: str,
) -> None:
    """H&M has no price column: price = median sale price x 1000, rounded to 2 decimals, else None."""
    tx_sig = plan.steps.get("duckdb/transactions") or await state.value("duckdb/transactions") or "none"
    signature = articles_signature + tx_sig
    if "articles" not in plan.sqlite:
        if await state.is_done("prices", signature):
            report.skipped_steps.append("prices")
            return
        # new sales, same articles: stage a copy of the catalog to price
        table = await staging.create_staged(db, "articles")
        await db.conn.execute(f"INSERT INTO {table} SELECT * FROM articles")
        await db.conn.commit()
        plan.sqlite.append("articles")
        plan.steps["articles"] = articles_signature
    source = "staged_transactions" if "transactions" in plan.duck else "transactions"
    prices = await asyncio.to_thread(duck.median_prices, con, source)
    await db.conn.execute("UPDATE staged_articles SET price = NULL")
    await db.conn.executemany("UPDATE staged_articles SET price = ? WHERE article_id = ?", [(p, a) for a, p in prices])
    await db.conn.commit()
    plan.steps["prices"] = signature


async def stage_duck_articles(
    db: Database, con: duckdb.DuckDBPyConnection, state: IngestState, plan: Staging, signature: str
) -> None:
    """The analytics ``articles`` table follows the catalog (staged with it, or rebuilt if missing)."""
    columns = ", ".join(duck.DUCK_ARTICLE_COLUMNS)
    if "articles" in plan.sqlite:
        async with db.conn.execute(f"SELECT {columns} FROM staged_articles") as cur:
            rows = await cur.fetchall()
        await asyncio.to_thread(duck.write_articles_table, con, rows, "staged_articles")
        plan.duck.append("articles")
        plan.steps["duckdb/articles"] = signature
    elif not await state.is_done("duckdb/articles", signature) or await asyncio.to_thread(_count, con, "articles") == 0:
        # derived from the live catalog, so it can be rewritten in place
        async with db.conn.execute(f"SELECT {columns} FROM articles") as cur:
            rows = await cur.fetchall()
        await asyncio.to_thread(duck.write_articles_table, con, rows, "articles")
        await state.mark_done("duckdb/articles", signature)


async def swap(db: Database, con: duckdb.DuckDBPyConnection, state: IngestState, plan: Staging) -> None:
    """Make the staged tables live: DuckDB's in one transaction, then SQLite's (with the steps) in one.
    If the SQLite swap fails, DuckDB's is undone."""
    if not plan.sqlite and not plan.duck:
        return
    if "articles" in plan.sqlite:
        await _log_catalog_change(db)

    async def record_steps() -> None:
        await state.forget(prefix=STAGED_STEPS, commit=False)
        for part, value in plan.steps.items():
            await state.mark_done(part, value, commit=False)

    await asyncio.to_thread(staging.swap_duck, con, plan.duck)
    try:
        await staging.swap_sqlite(db, plan.sqlite, record_steps)
    except BaseException:
        await asyncio.to_thread(staging.undo_duck_swap, con, plan.duck)
        raise
    await asyncio.to_thread(staging.drop_replaced, con, plan.duck)
    await staging.drop_leftovers(db, con)


async def _log_catalog_change(db: Database) -> None:
    async with db.conn.execute(
        "SELECT (SELECT count(*) FROM articles WHERE article_id NOT IN (SELECT article_id FROM staged_articles)), "
        "(SELECT count(*) FROM staged_articles WHERE article_id NOT IN (SELECT article_id FROM articles))"
    ) as cur:
        row = await cur.fetchone()
    if row and (row[0] or row[1]):
        logger.info("replacing the catalog: %d articles removed, %d added", row[0], row[1])


async def refresh_summary(
    con: duckdb.DuckDBPyConnection, state: IngestState, report: IngestReport, *, progress: bool = True
) -> None:
    """The daily sales summary of the live transactions and customers (built after the swap)."""
    signature = f"{await state.value('duckdb/transactions') or 'none'}+{await state.value('customers') or 'none'}"
    if await state.is_done("duckdb/sales summary", signature) and await asyncio.to_thread(is_current, con):
        report.skipped_steps.append("sales summary")
        return
    await duck.run_with_progress(con, build_summary, desc="daily sales summary", progress=progress)
    await state.mark_done("duckdb/sales summary", signature)


async def load_activity(
    db: Database, con: duckdb.DuckDBPyConnection, state: IngestState, report: IngestReport, *,
    transactions: Path | None, customers: Path | None, progress: bool = True,
) -> None:
    """Replace transactions (with the histories) and/or customers alone (None keeps them), then the summary."""
    plan = Staging()
    await stage_activity(db, con, state, plan, report, transactions=transactions, customers=customers,
                         progress=progress)
    await swap(db, con, state, plan)
    await refresh_summary(con, state, report, progress=progress)
    report.transactions = await asyncio.to_thread(_count, con, "transactions")


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows of a live analytics table (0 when the file was deleted since the step was recorded)."""
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


async def finish(
    settings: Settings, db: Database, store: ArticleStore, report: IngestReport, *,
    images: bool, index: bool, progress: bool, embed: bool = True,
) -> IngestReport:
    """Final counts from the stores, then the search index (text + image embeddings; only the
    removal of old vectors when the catalog was embedded before its swap: not ``embed``)."""
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
        await run_indexing(settings, db, store, report, images=images, progress=progress, embed=embed)
    return report


def open_analytics_writer(settings: Settings) -> duckdb.DuckDBPyConnection:
    con = duck.open_writer(settings.duckdb_path, threads=settings.catalog.cpu_threads)
    duck.ensure_empty_tables(con)
    return con
