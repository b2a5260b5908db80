"""`reclmms ingest hm DIR | catalog FILE | demo`: load a catalog (and purchase activity) into the stores."""

from __future__ import annotations

import argparse
from pathlib import Path

from reclmms.settings import Settings

CATALOG_COLUMNS = """accepted columns (CSV header or JSON keys, case-insensitive; aliases in brackets):
  id [article_id, sku, product_id]     required, kept as a string
  name [title, prod_name, product_name] required
  description [desc, detail_desc]      category [product_type, type]
  colour [color, colour_group_name]    colour_master [color_master, base_colour]
  product_group [group]                graphical_appearance [pattern]
  index_group [gender, audience]       department, section, garment_group
  product_code [model]                 price (a number)
  image [image_path, image_file, picture]  relative to FILE's folder, or absolute
Rows without id or name, or with a bad price, are skipped and reported with their line
numbers. The file replaces the whole catalog."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "ingest",
        help="load a catalog: the Kaggle H&M files, a product CSV/JSONL, or the demo catalog",
        description="Load a catalog into SQLite, the DuckDB analytics store and the search index. "
        "Re-running continues an interrupted ingest and skips steps already done.",
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
    cat.add_argument("--transactions", type=Path, metavar="CSV", help="purchases in the Kaggle format")
    cat.add_argument("--customers", type=Path, metavar="CSV", help="customers in the Kaggle format")
    cat.add_argument("--no-images", action="store_true", help="ignore image paths")
    cat.add_argument("--no-index", action="store_true", help="skip the search index (embeddings)")

    demo = kinds.add_parser("demo", help="generate the bundled demo catalog into DATA_DIR/demo and load it")
    demo.add_argument("--no-images", action="store_true", help="ignore the generated images")
    demo.add_argument("--no-index", action="store_true", help="skip the search index (embeddings)")
    parser.set_defaults(func=run)


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from catalog.db import Database
    from catalog.ingest import ingest_catalog_file, ingest_demo, ingest_hm

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
