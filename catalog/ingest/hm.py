"""``reclmms ingest hm DIR``: the Kaggle "H&M Personalized Fashion Recommendations" layout.

    DIR/articles.csv            105,542 rows at full scale (ids are 10-character strings: 0108775015)
    DIR/customers.csv           1,371,980 rows
    DIR/transactions_train.csv  31,788,324 rows (3.5 GB)
    DIR/images/0XX/0XXXXXXXXX.jpg

Column mapping (articles.csv -> Article): prod_name->name, product_type_name->product_type,
product_group_name->product_group, colour_group_name->colour,
perceived_colour_master_name->colour_master, graphical_appearance_name->graphical_appearance,
department_name->department, index_group_name->index_group, section_name->section,
garment_group_name->garment_group, detail_desc->description, product_code (a string).
H&M articles have no price: ``Article.price`` is the article's median sale price x 1000 (the
Kaggle prices are scaled down), rounded to 2 decimals, and None when it was never sold.

All three files are checked before anything is written, and the new catalog, customers,
transactions and histories are swapped in together at the end (pipeline.py): a failed ingest
leaves the stores as they were.
"""

from __future__ import annotations

import csv
import logging
import time
from pathlib import Path
from typing import Any

from catalog.db import Database
from catalog.ingest import duck, pipeline
from catalog.ingest.images import hm_image_path, image_ok, scan_image_folders
from catalog.ingest.inputs import UTF8, check_csv, not_text
from catalog.ingest.line_endings import csv_lines
from catalog.ingest.report import IngestReport, duplicate_reason
from catalog.ingest.state import file_signature
from catalog.models import Article
from reclmms.errors import DataError
from reclmms.settings import Settings

logger = logging.getLogger(__name__)

ARTICLE_FIELDS = {
    "name": "prod_name",
    "product_type": "product_type_name",
    "product_group": "product_group_name",
    "colour": "colour_group_name",
    "colour_master": "perceived_colour_master_name",
    "graphical_appearance": "graphical_appearance_name",
    "department": "department_name",
    "index_group": "index_group_name",
    "section": "section_name",
    "garment_group": "garment_group_name",
    "description": "detail_desc",
    "product_code": "product_code",
}
REQUIRED_ARTICLE_COLUMNS = ("article_id", *ARTICLE_FIELDS.values())
FILES = ("articles.csv", "customers.csv", "transactions_train.csv")


def normalise_article_id(raw: str) -> str:
    """H&M ids are 10 digits with a leading zero; restore zeros a spreadsheet may have dropped."""
    text = raw.strip()
    return text.zfill(10) if text.isdigit() and len(text) < 10 else text


def read_hm_articles(path: Path, images_dir: Path | None, report: IngestReport) -> list[Article]:
    """Parse articles.csv (bad rows and duplicate ids reported with line numbers; for an id on
    several rows the first row is kept)."""
    check_csv(path, REQUIRED_ARTICLE_COLUMNS)
    with csv_lines(path, UTF8) as lines:
        reader = csv.reader(lines)
        try:
            return _parse_articles(path, reader, images_dir, report)
        except UnicodeDecodeError:
            raise not_text(path, UTF8) from None


def _parse_articles(path: Path, reader: Any, images_dir: Path | None, report: IngestReport) -> list[Article]:
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in REQUIRED_ARTICLE_COLUMNS if c not in header]
    if missing:
        raise DataError(f"{path} is missing column(s): {', '.join(missing)}")
    pos = {name: i for i, name in enumerate(header)}
    id_pos = pos["article_id"]
    field_pos = {f: pos[c] for f, c in ARTICLE_FIELDS.items()}
    seen: dict[str, int] = {}  # id -> the line of the row kept for it
    articles: list[Article] = []
    existing = scan_image_folders(images_dir) if images_dir is not None else set()
    images_root = images_dir.resolve() if images_dir is not None else Path()
    for row in reader:
        line = reader.line_num
        if not row:
            continue
        if len(row) != len(header):
            report.add_bad_row(path.name, line, f"expected {len(header)} fields, found {len(row)}")
            continue
        article_id = normalise_article_id(row[id_pos])
        if not article_id:
            report.add_bad_row(path.name, line, "empty article_id")
            continue
        if article_id in seen:
            report.add_duplicate(path.name, line, duplicate_reason("article_id", article_id, seen[article_id]))
            continue
        seen[article_id] = line
        values: dict[str, Any] = {f: row[i].strip() for f, i in field_pos.items()}
        if not values["name"]:
            values["name"] = values["product_type"] or article_id
        image_path = None
        if images_dir is not None:
            candidate = hm_image_path(images_dir, article_id)
            if f"{candidate.parent.name}/{candidate.name}" in existing:
                if image_ok(candidate):
                    image_path = str(images_root / candidate.parent.name / candidate.name)
                else:
                    report.add_corrupt_image(str(candidate))
        articles.append(Article(article_id=article_id, image_path=image_path, **values))
    return articles


def check_hm_inputs(data_dir: Path) -> None:
    """The H&M files under ``data_dir``: present, UTF-8 text, with their required columns (DataError else).
    ``reclmms ingest hm`` calls it before it opens (and so creates) the store; ``ingest_hm`` again."""
    if not data_dir.is_dir():
        raise DataError(f"not a directory: {data_dir}")
    missing = [name for name in FILES if not (data_dir / name).is_file()]
    if missing:
        raise DataError(f"{data_dir} is missing file(s): {', '.join(missing)}")
    check_csv(data_dir / "articles.csv", REQUIRED_ARTICLE_COLUMNS)
    check_csv(data_dir / "transactions_train.csv", duck.REQUIRED_TRANSACTION_COLUMNS)
    check_csv(data_dir / "customers.csv", duck.REQUIRED_CUSTOMER_COLUMNS)


async def ingest_hm(
    settings: Settings, db: Database, data_dir: Path, *, images: bool = True, progress: bool = True,
    index: bool = True,
) -> IngestReport:
    """Ingest the Kaggle H&M files under ``data_dir`` into SQLite, DuckDB and (``index``) Chroma."""
    started = time.monotonic()
    data_dir = Path(data_dir)
    check_hm_inputs(data_dir)  # every input is checked before anything is written
    images_dir = data_dir / "images" if images else None
    if images_dir is not None and not images_dir.is_dir():
        logger.warning("%s has no images/ folder: articles get no image", data_dir)
        images_dir = None
    articles_csv = data_dir / "articles.csv"

    def read(report: IngestReport) -> list[Article]:
        logger.info("reading %s%s", articles_csv, " and checking images" if images_dir else "")
        articles = read_hm_articles(articles_csv, images_dir, report)
        if not articles:
            reasons = report.bad_row_reasons()
            raise DataError(f"{articles_csv} has no usable articles ({report.bad_rows} bad rows"
                            + (f"; {reasons})" if reasons else ")"))
        return articles

    report = IngestReport(source=f"H&M data from {data_dir}")
    await pipeline.ingest(
        settings, db, report, articles_signature=file_signature(articles_csv, extra=f"images={images_dir is not None}"),
        read_articles=read, transactions=data_dir / "transactions_train.csv", customers=data_dir / "customers.csv",
        median_prices=True, images=images, index=index, progress=progress,
    )
    report.seconds = time.monotonic() - started
    return report
