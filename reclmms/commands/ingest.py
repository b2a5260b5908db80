"""`reclmms ingest hm DIR | catalog FILE | demo`: load a catalog (and purchase activity) into the stores."""

from __future__ import annotations

import argparse
from pathlib import Path

from reclmms.settings import Settings

CATALOG_COLUMNS = """FILE: CSV, JSON Lines (.jsonl/.ndjson/.json) or a JSON array of objects (.json),
in UTF-8 (or UTF-16 with a byte-order mark).

accepted columns (CSV header or JSON keys, case-insensitive; aliases in brackets):
  id [article_id, sku, product_id]     required, kept as a string
  name [title, prod_name, product_name] required
  description [desc, detail_desc]      category [product_type, type]
  colour [color, colour_group_name]    colour_master [color_master, base_colour]
  product_group [group]                graphical_appearance [pattern]
  index_group [gender, audience]       department, section, garment_group
  product_code [model]                 price (a finite number >= 0, or empty)
  image [image_path, image_file, picture]  relative to FILE's folder, or absolute
Rows without id or name, with a bad price, or with a JSON object/array as a value are
skipped and reported with their line numbers. For an id on several rows the first row is
kept; the later ones are skipped and reported with their line numbers.

what is replaced, what is kept:
  - the catalog: always replaced by FILE's products (products not in FILE are removed);
  - transactions and the purchase histories built from them: replaced by --transactions,
    kept as they are without it;
  - customers: replaced by --customers, kept as they are without it.
  Kept histories may name products no longer in the catalog; they are shown by id.
Every file is checked (present, UTF-8 text, required columns) before anything is written,
and the new data is swapped in at the end: a failed ingest leaves the stores as they were."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "ingest",
        help="load a catalog: the Kaggle H&M files, a product CSV/JSONL, or the demo catalog",
        description="Load a catalog into SQLite, the DuckDB analytics store and the search index. "
        "Input files are checked before anything is written, and a failed ingest leaves the stores as "
        "they were. Re-running continues an interrupted ingest and skips steps already done; a re-run "
        "of a completed ingest reads nothing and reports again the bad rows and duplicates that its "
        "files were found to have, and when.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True

    hm = kinds.add_parser("hm", help="the Kaggle H&M layout: articles.csv, customers.csv, "
                          "transactions_train.csv, images/0XX/0XXXXXXXXX.jpg")
    hm.add_argument("dir", type=Path, metavar="DIR")
    hm.add_argument("--no-images", action="store_true", help="ignore images/")
    hm.add_argument("--no-index", action="store_true", help="skip the search index (embeddings)")

    cat = kinds.add_parser("catalog", help="a product CSV or JSONL file (id, name, description, category, "
                           "colour, price, image)", epilog=CATALOG_COLUMNS,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    cat.add_argument("file", type=Path, metavar="FILE")
    cat.add_argument("--transactions", type=Path, metavar="CSV",
                     help="purchases in the Kaggle format; replace the stored transactions and histories")
    cat.add_argument("--customers", type=Path, metavar="CSV",
                     help="customers in the Kaggle format; replace the stored customers")
    cat.add_argument("--no-images", action="store_true", help="ignore image paths")
    cat.add_argument("--no-index", action="store_true", help="skip the search index (embeddings)")

    demo = kinds.add_parser("demo", help="generate the bundled demo catalog into DATA_DIR/demo and load it")
    demo.add_argument("--no-images", action="store_true", help="ignore the generated images")
    demo.add_argument("--no-index", action="store_true", help="skip the search index (embeddings)")
    parser.set_defaults(func=run)


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from catalog.db import Database
    from catalog.ingest import ingest_catalog_file, ingest_demo, ingest_hm
    from catalog.ingest.generic import check_catalog_inputs
    from catalog.ingest.hm import check_hm_inputs

    # the input files are checked before the store is opened: a failed check creates nothing
    if args.kind == "hm":
        check_hm_inputs(args.dir)
    elif args.kind == "catalog":
        check_catalog_inputs(args.file, args.transactions, args.customers)
    progress = True  # tqdm writes to stderr
    async with Database(settings.sqlite_path) as db:
        if args.kind == "hm":
            report = await ingest_hm(
                settings, db, args.dir, images=not args.no_images, progress=progress, index=not args.no_index
            )
        elif args.kind == "catalog":
            report = await ingest_catalog_file(
                settings, db, args.file, progress=progress, index=not args.no_index,
                images=not args.no_images, transactions=args.transactions, customers=args.customers,
            )
        else:
            report = await ingest_demo(settings, db, images=not args.no_images, progress=progress,
                                       index=not args.no_index)
    print(report.summary())
    return 0
