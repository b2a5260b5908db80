"""``reclmms ingest catalog FILE``: a shop's own product file (CSV or JSON Lines), and the demo catalog.

Accepted columns (CSV header or JSON keys; case-insensitive, first alias found wins):

    id            id, article_id, sku, product_id            required; kept as a string
    name          name, title, prod_name, product_name         required
    description   description, desc, detail_desc
    category      category, product_type, type               -> Article.product_type
    group         product_group, group                       -> Article.product_group
    colour        colour, color, colour_group_name
    colour_master colour_master, color_master, base_colour   (defaults to colour)
    pattern       graphical_appearance, pattern
    department    department
    index_group   index_group, gender, audience               (Ladieswear, Menswear, Kids, ...)
    section       section
    garment_group garment_group
    product_code  product_code, model
    price         price                                      a number, or empty
    image         image, image_path, image_file, picture     a path relative to FILE's folder (or absolute)

A row without id or name, with an unparsable price, or (JSONL) not an object is a bad row: counted,
reported with its line number, and skipped. Duplicate ids keep the first row. A missing or corrupt
image is counted and the product is kept without an image. The file replaces the whole catalog.
Purchase activity may come with it: ``transactions`` and ``customers`` CSVs in the Kaggle format.
"""

from __future__ import annotations

import asyncio
import csv
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.ingest import pipeline
from catalog.ingest.images import image_ok
from catalog.ingest.report import IngestReport
from catalog.ingest.state import IngestState, file_signature
from catalog.models import Article
from catalog.schema import ensure_catalog_schema
from reclmms.errors import DataError
from reclmms.settings import Settings

logger = logging.getLogger(__name__)

ALIASES: dict[str, tuple[str, ...]] = {
    "article_id": ("id", "article_id", "sku", "product_id"),
    "name": ("name", "title", "prod_name", "product_name"),
    "description": ("description", "desc", "detail_desc"),
    "product_type": ("category", "product_type", "type"),
    "product_group": ("product_group", "group"),
    "colour": ("colour", "color", "colour_group_name"),
    "colour_master": ("colour_master", "color_master", "base_colour"),
    "graphical_appearance": ("graphical_appearance", "pattern"),
    "department": ("department",),
    "index_group": ("index_group", "gender", "audience"),
    "section": ("section",),
    "garment_group": ("garment_group",),
    "product_code": ("product_code", "model"),
    "price": ("price",),
    "image_path": ("image", "image_path", "image_file", "picture"),
}
REQUIRED = ("article_id", "name")


def _column_map(keys: list[str]) -> dict[str, str]:
    lower = {k.strip().lower(): k for k in keys}
    mapping: dict[str, str] = {}
    for field, aliases in ALIASES.items():
        for alias in aliases:
            if alias in lower:
                mapping[field] = lower[alias]
                break
    return mapping


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """(line number, record or None, why it is bad) for each data row of a CSV or JSONL file."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        with path.open(encoding="utf-8-sig") as fh:
            for number, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield number, None, f"not valid JSON ({exc.msg})"
                    continue
                if not isinstance(record, dict):
                    yield number, None, "not a JSON object"
                    continue
                yield number, record, ""
        return
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames:
            raise DataError(f"{path} is empty (no header row)")
        mapping = _column_map(list(reader.fieldnames))
        missing = [f for f in REQUIRED if f not in mapping]
        if missing:
            names = " / ".join(ALIASES[missing[0]])
            raise DataError(f"{path} is missing column(s): {', '.join(missing)} (accepted names: {names})")
        for record in reader:
            if None in record:  # more fields than the header
                yield reader.line_num, None, f"expected {len(reader.fieldnames)} fields, found more"
                continue
            yield reader.line_num, record, ""


def _require_files(*paths: Path | None) -> None:
    for p in paths:
        if p is not None and not Path(p).is_file():
            raise DataError(f"file not found: {p}")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_catalog_file(path: Path, report: IngestReport) -> list[Article]:
    """Parse a product file into articles (see the module docstring for the accepted columns)."""
    base = path.parent
    seen: set[str] = set()
    articles: list[Article] = []
    mapping: dict[str, str] | None = None
    for line, record, why in _rows(path):
        if record is None:
            report.add_bad_row(path.name, line, why)
            continue
        if mapping is None or path.suffix.lower() != ".csv":
            mapping = _column_map(list(record.keys()))
        values = {field: _text(record.get(key)) for field, key in mapping.items()}
        article_id, name = values.get("article_id", ""), values.get("name", "")
        if not article_id or not name:
            report.add_bad_row(path.name, line, "missing id" if not article_id else "missing name")
            continue
        if article_id in seen:
            report.duplicates_skipped += 1
            continue
        price_text = values.pop("price", "")
        price: float | None = None
        if price_text:
            try:
                price = round(float(price_text), 2)
            except ValueError:
                report.add_bad_row(path.name, line, f"price is not a number: {price_text[:40]!r}")
                continue
        image_text = values.pop("image_path", "")
        image_path: str | None = None
        if image_text:
            candidate = Path(image_text) if Path(image_text).is_absolute() else base / image_text
            if candidate.is_file() and image_ok(candidate):
                image_path = str(candidate.resolve())
            else:
                report.add_corrupt_image(str(candidate) + ("" if candidate.is_file() else " (missing)"))
        seen.add(article_id)
        if not values.get("colour_master"):
            values["colour_master"] = values.get("colour", "")
        values.pop("article_id")
        values.pop("name")
        articles.append(Article(article_id=article_id, name=name, price=price, image_path=image_path, **values))
    return articles


async def ingest_catalog_file(
    settings: Settings, db: Database, path: Path, *, progress: bool = True, index: bool = True,
    images: bool = True, transactions: Path | None = None, customers: Path | None = None,
    source: str | None = None,
) -> IngestReport:
    """Replace the catalog with the products of a CSV/JSONL file (and optional Kaggle-format activity)."""
    started = time.monotonic()
    path = Path(path)
    _require_files(path, transactions, customers)
    report = IngestReport(source=source or f"catalog file {path}")
    await ensure_catalog_schema(db)
    store = ArticleStore(db)
    state = IngestState(db, pipeline.SOURCE)
    art_sig = file_signature(path, extra=f"images={images}")
    if await state.is_done("articles", art_sig):
        report.skipped_steps.append("articles")
    else:
        articles = await asyncio.to_thread(read_catalog_file, path, report)
        if not articles:
            raise DataError(f"{path} has no usable products ({report.bad_rows} bad rows)")
        if not images:
            articles = [Article(**{**a.to_dict(), "image_path": None}) for a in articles]
        await pipeline.replace_articles(db, store, articles, progress=progress)
        await state.mark_done("articles", art_sig)
    con = await asyncio.to_thread(pipeline.open_analytics_writer, settings)
    try:
        await pipeline.write_duck_articles(con, store, state, art_sig, report)
        await pipeline.load_activity(
            db, con, state, report, transactions=transactions, customers=customers, progress=progress
        )
    finally:
        await asyncio.to_thread(con.close)
    await pipeline.finish(settings, db, store, report, images=images, index=index, progress=progress)
    report.seconds = time.monotonic() - started
    return report


async def ingest_demo(
    settings: Settings, db: Database, *, images: bool = True, progress: bool = True, index: bool = True
) -> IngestReport:
    """Generate the demo catalog into ``data_dir/demo`` (once) and ingest it with its demo customers."""
    from catalog.demo import generate_demo_catalog

    out = settings.data_dir / "demo"
    catalog_path = await asyncio.to_thread(generate_demo_catalog, out)
    return await ingest_catalog_file(
        settings, db, catalog_path, progress=progress, index=index, images=images,
        transactions=out / "transactions.csv", customers=out / "customers.csv",
        source=f"demo catalog ({out})",
    )
