"""Bench: ingest of a synthetic Kaggle-format transactions file vs ``pandas.read_csv`` of the same file.

    .venv/bin/python bench/ingest.py [--scale 1.0] [--dir /tmp/reclmms-bench]

1. Generates (once, cached in --dir) a transactions CSV of 31,788,324 x scale rows in the Kaggle
   format (t_dat, 64-hex customer_id, 10-digit article_id with a leading zero, price, channel),
   with DuckDB ``COPY ... TO``.
2. In a fresh subprocess each: ``pandas.read_csv`` of it (ids as strings, as the ingest needs) and
   the project's ingest of it into the queryable stores (DuckDB ``transactions`` + SQLite packed
   per-customer histories): wall time and peak RSS.
3. Per-customer history lookups through ``HistoryStore`` (p50/p99 over 2,000 random customers),
   popularity of a 7-day window "as of" a date and co-purchases "as of" a date through ``Analytics``.

Targets (issue 2): ingest <= 2x read_csv's time with <= 1/2 of its peak memory; history p50 <= 2 ms;
popularity and co-purchase as of a date <= 5 s at full scale. Figures are appended to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FULL_ROWS = 31_788_324
FULL_CUSTOMERS = 1_371_980
FULL_ARTICLES = 105_542


def generate(path: Path, scale: float) -> None:
    import duckdb

    rows = int(FULL_ROWS * scale)
    customers = max(1, int(FULL_CUSTOMERS * scale))
    con = duckdb.connect()
    con.execute("SET threads = 2")
    # customers are hashed ids; each row picks a customer with a skew (some buy much more)
    con.execute(f"""
        COPY (
          SELECT DATE '2018-09-20' + CAST(i * 734 // {rows} AS INTEGER) AS t_dat,
                 md5(CAST(c AS VARCHAR)) || md5(CAST(c AS VARCHAR) || 'x') AS customer_id,
                 lpad(CAST(108775015 + a * 8513 AS VARCHAR), 10, '0') AS article_id,
                 round((50 + hash(i, 17) % 5000) / 59000.0, 16) AS price,
                 CAST(1 + hash(i, 19) % 2 AS TINYINT) AS sales_channel_id
          FROM (SELECT i,
                       CAST(floor({customers} * pow((hash(i, 11) % 1000003) / 1000003.0, 1.6)) AS BIGINT) AS c,
                       CAST(floor({FULL_ARTICLES} * pow((hash(i, 13) % 1000003) / 1000003.0, 2.2)) AS BIGINT) AS a
                FROM range({rows}) r(i))
        ) TO '{path}' (HEADER, DELIMITER ',')
    """)


PANDAS_CHILD = """
import resource, sys, time
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1], dtype={"customer_id": str, "article_id": str})
elapsed = time.perf_counter() - t
assert df["article_id"].str.len().eq(10).all()
print({"rows": len(df), "seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
"""

INGEST_CHILD = """
import asyncio, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from catalog.db import Database
from catalog.ingest import pipeline
from catalog.ingest.report import IngestReport
from catalog.ingest.state import IngestState
from catalog.schema import ensure_catalog_schema
from reclmms.settings import Settings, StorageSettings

async def main():
    settings = Settings(storage=StorageSettings(data_dir=Path(sys.argv[2])))
    t = time.perf_counter()
    async with Database(settings.sqlite_path) as db:
        await ensure_catalog_schema(db)
        con = pipeline.open_analytics_writer(settings)
        report = IngestReport()
        await pipeline.load_activity(db, con, IngestState(db, pipeline.SOURCE), report,
                                     transactions=Path(sys.argv[1]), customers=None, progress=False)
        con.close()
    elapsed = time.perf_counter() - t
    print({"rows": report.transactions, "seconds": elapsed, "bad_rows": report.bad_rows,
           "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})

asyncio.run(main())
"""


def child(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    result: dict[str, float] = eval(out.stdout.strip().splitlines()[-1])  # our own child's dict literal
    return result


async def queries(data_dir: Path) -> dict[str, float]:
    from catalog.analytics import Analytics
    from catalog.articles import ArticleStore
    from catalog.db import Database
    from catalog.history import HistoryStore

    async with Database(data_dir / "reclmms.sqlite3") as db:
        articles = ArticleStore(db)
        history = HistoryStore(db, articles)
        async with db.conn.execute(
            "SELECT customer_id FROM purchase_history ORDER BY random() LIMIT 2000"
        ) as cur:
            ids = [r[0] for r in await cur.fetchall()]
        rng = random.Random(1)
        lat = []
        for cid in ids:
            as_of = date(2019, 1, 1) + (date(2020, 9, 22) - date(2019, 1, 1)) * rng.random()
            t = time.perf_counter()
            await history.purchases(cid, as_of=as_of if rng.random() < 0.5 else None)
            lat.append((time.perf_counter() - t) * 1000)
        lat.sort()
        analytics = Analytics(data_dir / "analytics.duckdb", articles)
        t = time.perf_counter()
        top = await asyncio.to_thread(analytics._popular_ids, date(2020, 3, 1), date(2020, 3, 8), 12)
        pop_s = time.perf_counter() - t
        t = time.perf_counter()
        await asyncio.to_thread(analytics._popular_ids, None, None, 12)
        pop_last_s = time.perf_counter() - t
        t = time.perf_counter()
        co = await asyncio.to_thread(analytics._co_purchased_ids, top[0][0], date(2020, 3, 1), 12)
        co_s = time.perf_counter() - t
        analytics.close()
    return {
        "history_p50_ms": statistics.median(lat), "history_p99_ms": lat[int(len(lat) * 0.99) - 1],
        "popular_as_of_s": pop_s, "popular_last_week_s": pop_last_s, "co_purchase_as_of_s": co_s,
        "co_purchase_results": len(co),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/reclmms-bench"))
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    try:
        import pandas  # noqa: F401
    except ImportError:
        sys.exit("bench/ingest.py needs pandas for the comparison: .venv/bin/pip install -e '.[bench]'")
    args.dir.mkdir(parents=True, exist_ok=True)
    csv_path = args.dir / f"transactions_{args.scale:g}.csv"
    if not csv_path.exists():
        t = time.perf_counter()
        tmp = csv_path.with_suffix(".tmp.csv")
        generate(tmp, args.scale)
        tmp.replace(csv_path)
        print(f"generated {csv_path} ({csv_path.stat().st_size / 1e9:.2f} GB) in {time.perf_counter() - t:.1f} s")
    store_dir = args.dir / f"stores_{args.scale:g}"
    subprocess.run(["rm", "-rf", str(store_dir)], check=True)
    pandas = child(PANDAS_CHILD, str(csv_path))
    print("pandas.read_csv:", pandas)
    ingest = child(INGEST_CHILD, str(csv_path), str(store_dir), str(ROOT))
    print("ingest:", ingest)
    q = asyncio.run(queries(store_dir))
    print("queries:", q)
    ratio_t = ingest["seconds"] / pandas["seconds"]
    ratio_m = ingest["peak_mb"] / pandas["peak_mb"]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = f"""
## bench/ingest.py — {stamp}, {platform.machine()}, 2 cores, scale {args.scale:g} ({int(ingest['rows']):,} rows, {csv_path.stat().st_size / 1e9:.2f} GB CSV)

| operation | time | peak RSS |
|---|---|---|
| `pandas.read_csv` (ids as str) | {pandas['seconds']:.1f} s | {pandas['peak_mb']:,.0f} MB |
| ingest: DuckDB `transactions` + SQLite packed histories | {ingest['seconds']:.1f} s ({ratio_t:.2f}x; target <= 2x) | {ingest['peak_mb']:,.0f} MB ({ratio_m:.2f}x; target <= 0.5x) |
| per-customer history (`HistoryStore.purchases`, 2,000 random customers, half with as_of) | p50 {q['history_p50_ms']:.2f} ms, p99 {q['history_p99_ms']:.2f} ms (target p50 <= 2 ms) | |
| popularity, a 7-day window as of 2020-03-01 | {q['popular_as_of_s']:.2f} s | |
| popularity, last 7 days of data | {q['popular_last_week_s']:.2f} s | |
| co-purchases of the top article as of 2020-03-01 | {q['co_purchase_as_of_s']:.2f} s | |
"""
    print(text)
    if not args.no_record:
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as fh:
            fh.write(text)
    print(json.dumps({"pandas": pandas, "ingest": ingest, "queries": q}))


if __name__ == "__main__":
    main()
