"""`reclmms recommend`: PALR-style recommendations from purchase history.

    reclmms recommend --customer ID [--as-of YYYY-MM-DD] [--k 12] [--json] [--output FILE]
    reclmms recommend --batch FILE [--k 12] [--output FILE]

``--batch`` reads a CSV with columns ``customer_id,as_of`` and writes one JSON object per row
(``{"customer_id", "as_of", "recommendations": [...]}``), chunk by chunk as they are ranked, so a reader that
goes away (``| head -1``) ends it early. ``--data DIR`` works straight from
Kaggle-format CSVs instead of the ingested analytics store; a store that lost its analytics file after the
ingest stops with one line naming it (``require_sales_data``), rather than recommend as if nothing was sold.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import logging
import re
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from catalog.recsys.notices import ADD_TRANSACTIONS, Outcome, batch_summary, customer_warning
from reclmms.commands._output import check_writable, shown, warn, write_file
from reclmms.errors import BadQueryError, DataError, store_file_error
from reclmms.settings import Settings

logger = logging.getLogger(__name__)

Row = tuple[str, date | None]  # a batch row: customer id, as-of day (None: all data)
# A batch is ranked in chunks of this many rows, doubling up to CHUNK_MAX (see _chunks).
FIRST_CHUNK = 50
K_MIN, K_MAX = 1, 100  # how many articles --k may ask for
CHUNK_MAX = 400


DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text: str, where: str = "--as-of") -> date:
    """A day written YYYY-MM-DD (spaces around it are dropped); not the other ISO forms that
    ``date.fromisoformat`` also takes (20200101, 2020-W01-1), which the help does not promise."""
    try:
        if DAY.fullmatch(text.strip()):
            return date.fromisoformat(text.strip())
    except ValueError:
        pass
    raise BadQueryError(f"{where}: '{text}' is not a date (expected YYYY-MM-DD)")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "recommend",
        help="recommendations for a customer from purchase history",
        description="PALR-style candidates (repurchase, co-purchase, other colours, popularity, new arrivals) and ranking, "
        "using only transactions before --as-of.",
    )
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer", metavar="ID", help="customer id")
    who.add_argument(
        "--batch",
        metavar="FILE",
        help="CSV with columns customer_id,as_of (any case; empty as_of: all data); writes JSON lines",
    )
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="use only transactions before this day")
    parser.add_argument("--k", type=int, default=12, help=f"how many articles, {K_MIN} to {K_MAX} (default 12)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--output", metavar="FILE",
        help="write the JSON here instead of stdout (with --customer: one object, as --json prints; "
        "with --batch: JSON lines)",
    )
    parser.add_argument("--data", metavar="DIR", help="read Kaggle-format CSVs from DIR instead of the store")
    parser.set_defaults(func=run)


def read_batch(path: str) -> list[Row]:
    """Rows of a batch CSV; raises DataError/BadQueryError naming the file and line."""
    p = Path(path)
    if not p.is_file():  # never opened: a FIFO or a device could block or never end
        if p.exists():
            raise DataError(f"batch file {path} is not a regular file")
        raise DataError(f"batch file not found: {path}")
    with p.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        try:
            return _batch_rows(path, reader)
        except UnicodeDecodeError:
            raise DataError(f"{path} is not UTF-8 text: save it as a UTF-8 CSV") from None
        except csv.Error as exc:
            # DictReader.line_num is the last good row's; the csv reader's is the line that failed
            raise DataError(f"{path}, line {reader.reader.line_num}: not a readable CSV row ({exc})") from None


def _batch_rows(path: str, reader: csv.DictReader[str]) -> list[Row]:
    found = [f.strip() for f in reader.fieldnames or []]
    fields = [f.lower() for f in found]  # header names are case-insensitive, like ingest's
    twice = next((found[i] for i, f in enumerate(fields) if f and f in fields[:i]), None)
    if twice is not None:  # DictReader would keep the last of them and drop the others
        raise DataError(f"{path}: the header names the column '{twice}' more than once")
    missing = [c for c in ("customer_id", "as_of") if c not in fields]
    if missing:
        raise DataError(f"{path} lacks column(s): {', '.join(missing)} (found: {', '.join(found) or 'none'})")
    rows: list[Row] = []
    for raw in reader:
        where = f"{path}, line {reader.line_num}"
        if None in raw:  # DictReader keeps the fields beyond the header under the key None
            raise BadQueryError(f"{where}: {len(fields) + len(raw[None])} fields, the header has {len(fields)}")
        if None in raw.values():  # and gives the header's columns past a short row None: not "" (all data)
            given = sum(value is not None for value in raw.values())
            raise BadQueryError(f"{where}: {given} field{'s' if given != 1 else ''}, the header has {len(fields)}")
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        customer = row.get("customer_id", "")
        if not customer:
            raise BadQueryError(f"{where}: empty customer_id")
        as_of = row.get("as_of", "")
        rows.append((customer, parse_day(as_of, where) if as_of else None))
    return rows


def require_sales_data(settings: Settings) -> None:
    """The analytics store that recommendations are ranked by (purchases, best sellers, co-purchases). Every ingest
    writes it, also one without transactions: a store with a catalog and without it lost it since (deleted, or
    left out of a copy). Each list would then be empty, or hold no sales, as if the shop had none and with a
    warning that says so: one line naming the file and what to do instead (exit code 2)."""
    if not settings.duckdb_path.exists():
        raise store_file_error(settings.duckdb_path, "is missing (the sales data that recommendations are ranked by)",
                               "restore it from a backup, or run the same `reclmms ingest ...` again to build it anew")


@contextlib.asynccontextmanager
async def open_recommender(settings: Settings, data_dir: str | None) -> AsyncIterator[Any]:
    if data_dir:
        from catalog.recommend import Recommender
        from catalog.recsys.kaggle import load_kaggle
        from reclmms.cli import require_data_folder

        require_data_folder(data_dir)
        conn = await asyncio.to_thread(load_kaggle, data_dir, warn=warn)
        rec = Recommender.from_connection(conn)
        try:
            yield rec
        finally:
            await rec.aclose()
            conn.close()
        return
    from reclmms.app import open_catalog
    from reclmms.cli import require_catalog, require_store

    require_store(settings)
    async with open_catalog(settings, search_at_start=False) as (_db, catalog):  # no vector search
        await require_catalog(settings, catalog)
        require_sales_data(settings)  # after the store's own checks, which say more when it is broken too
        yield catalog.recommender


def _line(customer_id: str, as_of: date | None, recs: list[Any]) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "as_of": as_of.isoformat() if as_of else None,
        "recommendations": [r.to_dict() for r in recs],
    }


def _print_table(customer_id: str, recs: list[Any], out: TextIO) -> None:
    if not recs:  # why is on stderr (catalog/recsys/notices.py)
        print(f"No recommendations for {shown(customer_id)}.", file=out)
        return
    print(f"Recommendations for {shown(customer_id)}:", file=out)
    for i, r in enumerate(recs, 1):
        price = f"  {r.article.price:.2f}" if r.article.price is not None else ""
        print(f"{i:2d}. {r.article.article_id}  {r.article.short}{price}", file=out)
        print(f"      {r.reason}  [{', '.join(r.sources)}; score {r.score:.4f}]", file=out)


def _how_to_add(data_dir: str | None) -> str:
    """How the store (or --data DIR) gets the transactions that best sellers come from."""
    return f"{Path(data_dir) / 'transactions_train.csv'} has none" if data_dir else ADD_TRANSACTIONS


def _chunks(rows: list[Row]) -> Iterator[list[Row]]:
    """The batch's rows in chunks that grow from ``FIRST_CHUNK`` to ``CHUNK_MAX`` rows: the first lines come
    soon, and a reader that went away stops the work within about one chunk."""
    size, start = FIRST_CHUNK, 0
    while start < len(rows):
        yield rows[start : start + size]
        start += size
        size = min(size * 2, CHUNK_MAX)


async def _run_batch(settings: Settings, args: argparse.Namespace) -> int:
    """JSON lines for every row of the batch file. On stdout each chunk is written as soon as it is ranked, so
    a reader that goes away (``| head -1``) ends the batch at the next write (``BrokenPipeError``: quietly, with
    no summary); ``--output`` is written whole at the end, or not at all."""
    rows = read_batch(args.batch)  # every row is checked before any output
    if args.output:  # fail on a bad --output before the work, not after it
        await asyncio.to_thread(check_writable, Path(args.output))
    kept: list[str] = []
    outcomes: list[Outcome] = []
    async with open_recommender(settings, args.data) as rec:
        t0 = time.perf_counter()
        known = await rec.known_customers([c for c, _ in rows])
        for chunk in _chunks(rows):
            results = await rec.recommend_many(chunk, k=args.k)
            text = "".join(json.dumps(_line(c, a, recs), ensure_ascii=False) + "\n"
                           for (c, a), recs in zip(chunk, results, strict=True))
            if args.output:
                kept.append(text)
            else:
                sys.stdout.write(text)
                sys.stdout.flush()
            outcomes.extend(Outcome(c, a, len(recs), c in known) for (c, a), recs in zip(chunk, results, strict=True))
        seconds = time.perf_counter() - t0
        first = await rec.first_sale()
    if args.output:
        await asyncio.to_thread(write_file, Path(args.output), "".join(kept))
    print(batch_summary(outcomes, first, seconds, _how_to_add(args.data)), file=sys.stderr)
    return 0


async def run(settings: Settings, args: argparse.Namespace) -> int:
    if not K_MIN <= args.k <= K_MAX:
        raise BadQueryError(f"--k must be between {K_MIN} and {K_MAX}")
    if args.batch:
        if args.as_of is not None:
            raise BadQueryError("--as-of applies to --customer; put as_of in the batch file instead")
        return await _run_batch(settings, args)

    customer = (args.customer or "").strip()
    if not customer:
        raise BadQueryError("--customer must not be empty")
    if args.as_of is not None and not args.as_of.strip():
        raise BadQueryError("--as-of must not be empty (leave it out to use all the data)")
    as_of = parse_day(args.as_of) if args.as_of is not None else None
    if args.output:
        await asyncio.to_thread(check_writable, Path(args.output))
    async with open_recommender(settings, args.data) as rec:
        recs = await rec.recommend(customer, as_of=as_of, k=args.k)
        known = await rec.known_customers([customer])
        first = await rec.first_sale()
    warning = customer_warning(Outcome(customer, as_of, len(recs), customer in known), first, _how_to_add(args.data))
    if warning:
        print(shown(warning), file=sys.stderr)
    if args.output:
        text = json.dumps(_line(customer, as_of, recs), ensure_ascii=False) + "\n"
        await asyncio.to_thread(write_file, Path(args.output), text)
    elif args.json:
        print(json.dumps(_line(customer, as_of, recs), ensure_ascii=False))
    else:
        _print_table(customer, recs, sys.stdout)
    return 0
