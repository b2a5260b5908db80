"""``reclmms ingest catalog FILE``: a shop's own product file (CSV, JSON Lines or a JSON array of
objects, in UTF-8 or UTF-16 with a byte-order mark), and the demo catalog.

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
    price         price                                      a finite number >= 0, or empty
    image         image, image_path, image_file, picture     a path relative to FILE's folder (or absolute)

A row without id or name, with a price that is not a finite number >= 0, with a value that is a
JSON object or array (or true/false), or (JSON) not an object is a bad row: counted, reported with
its line number, and skipped. For an id on several rows the first row is kept; the later ones are
skipped and reported with their line numbers (duplicate rows). A missing or corrupt image is
counted and the product is kept without an image.

The file replaces the whole catalog. Purchase activity may come with it: ``transactions`` and
``customers`` CSVs in the Kaggle format, each replacing what is stored; without them the stored
customers, transactions and purchase histories are kept (see pipeline.py). Every file is checked
and the products parsed before anything is written.
"""

from __future__ import annotations

import asyncio
import csv
import json
import logging
import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from catalog.db import Database
from catalog.ingest import duck, pipeline
from catalog.ingest.images import image_ok
from catalog.ingest.inputs import check_csv, not_text, text_encoding
from catalog.ingest.line_endings import csv_lines
from catalog.ingest.report import IngestReport, duplicate_reason
from catalog.ingest.state import file_signature
from catalog.models import Article
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


JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")

Row = tuple[int, dict[str, Any] | None, str]  # (line number, record or None, why it is bad)


def _rows(path: Path, encoding: str) -> Iterator[Row]:
    """The data rows of a CSV, JSON Lines or JSON array file."""
    if path.suffix.lower() in JSON_SUFFIXES:
        text = path.read_text(encoding=encoding)
        if _is_json_array(path, text):
            yield from _json_array(text)
        else:
            yield from _json_lines(text)
        return
    with csv_lines(path, encoding) as lines:
        reader = csv.DictReader(lines)
        if not reader.fieldnames:
            raise DataError(f"{path} is empty (no header row)")
        _check_columns(path, list(reader.fieldnames))
        for record in reader:
            if None in record:  # more fields than the header
                yield reader.line_num, None, f"expected {len(reader.fieldnames)} fields, found more"
                continue
            yield reader.line_num, record, ""


def _check_columns(path: Path, header: list[str]) -> None:
    mapping = _column_map(header)
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        names = " / ".join(ALIASES[missing[0]])
        raise DataError(f"{path} is missing column(s): {', '.join(missing)} (accepted names: {names})")


def _record(value: Any) -> tuple[dict[str, Any] | None, str]:
    if isinstance(value, dict):
        return value, ""
    kind = "an array" if isinstance(value, list) else "a string" if isinstance(value, str) else "a value"
    return None, f"not a JSON object ({kind})"


def _json_lines(text: str) -> Iterator[Row]:
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines: U+2028 may be in a string
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, f"not valid JSON ({exc.msg})"
            continue
        record, why = _record(value)
        yield number, record, why


def _is_json_array(path: Path, text: str) -> bool:
    """Whether the whole file is one JSON array (else it is read as JSON Lines)."""
    if not text.lstrip(" \t\r\n").startswith("["):
        return False
    try:
        return isinstance(json.loads(text), list)
    except json.JSONDecodeError as exc:
        if path.suffix.lower() == ".json":
            raise DataError(f"{path} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
        return False  # JSON Lines whose first line is an array: that line is a bad row


def _json_array(text: str) -> Iterator[Row]:
    """The items of a valid top-level JSON array, each with the line it starts on."""
    decoder = json.JSONDecoder()
    pos, line, counted = text.index("[") + 1, 1, 0
    while True:
        while text[pos] in " \t\r\n,":  # the array is valid: commas only separate items
            pos += 1
        if text[pos] == "]":
            return
        line += text.count("\n", counted, pos)
        counted = pos
        value, pos = decoder.raw_decode(text, pos)
        record, why = _record(value)
        yield line, record, why


def check_catalog_file(path: Path) -> str:
    """Check a product file before anything is written (present, text, id and name columns for a
    CSV); return the encoding to read it with."""
    encoding = text_encoding(path, utf16=True)
    if path.suffix.lower() not in JSON_SUFFIXES:
        try:
            with path.open(newline="", encoding=encoding) as fh:
                header = next(csv.reader(fh), None)
        except UnicodeDecodeError:
            raise not_text(path, encoding) from None
        if not header:
            raise DataError(f"{path} is empty (no header row)")
        _check_columns(path, header)
    return encoding


class _BadValue(ValueError):
    """A value that makes its row a bad row (the message is the reason)."""


def _text(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list, bool)):
        kind = "an object" if isinstance(value, dict) else "an array" if isinstance(value, list) else "true/false"
        raise _BadValue(f"{key} is {kind}, not text or a number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _price(text: str) -> float | None:
    if not text:
        return None
    try:
        price = float(text)
    except ValueError:
        raise _BadValue(f"price is not a number: {text[:40]!r}") from None
    if not math.isfinite(price) or price < 0:
        raise _BadValue(f"price is not a finite number >= 0: {text[:40]!r}")
    return round(price, 2)


def read_catalog_file(path: Path, report: IngestReport, encoding: str | None = None) -> list[Article]:
    """Parse a product file into articles (see the module docstring for the accepted columns)."""
    encoding = encoding or check_catalog_file(path)
    try:
        return _parse(path, report, encoding)
    except UnicodeDecodeError:
        raise not_text(path, encoding) from None


def _parse(path: Path, report: IngestReport, encoding: str) -> list[Article]:
    base = path.parent
    seen: dict[str, int] = {}  # id -> the line of the row kept for it
    articles: list[Article] = []
    mapping: dict[str, str] | None = None
    for line, record, why in _rows(path, encoding):
        if record is None:
            report.add_bad_row(path.name, line, why)
            continue
        if mapping is None or path.suffix.lower() != ".csv":
            mapping = _column_map(list(record.keys()))
        try:
            values = {field: _text(key, record.get(key)) for field, key in mapping.items()}
            price = _price(values.pop("price", ""))
        except _BadValue as exc:
            report.add_bad_row(path.name, line, str(exc))
            continue
        article_id, name = values.get("article_id", ""), values.get("name", "")
        if not article_id or not name:
            report.add_bad_row(path.name, line, "missing id" if not article_id else "missing name")
            continue
        if article_id in seen:
            report.add_duplicate(path.name, line, duplicate_reason("id", article_id, seen[article_id]))
            continue
        image_text = values.pop("image_path", "")
        image_path: str | None = None
        if image_text:
            candidate = Path(image_text) if Path(image_text).is_absolute() else base / image_text
            if candidate.is_file() and image_ok(candidate):
                image_path = str(candidate.resolve())
            else:
                report.add_corrupt_image(str(candidate) + ("" if candidate.is_file() else " (missing)"))
        seen[article_id] = line
        if not values.get("colour_master"):
            values["colour_master"] = values.get("colour", "")
        values.pop("article_id")
        values.pop("name")
        articles.append(Article(article_id=article_id, name=name, price=price, image_path=image_path, **values))
    return articles


def check_catalog_inputs(path: Path, transactions: Path | None = None, customers: Path | None = None) -> str:
    """Check a product file and the optional transactions and customers CSVs (DataError for the first
    that fails); return the product file's encoding. ``reclmms ingest catalog`` calls it before it opens (and
    so creates) the store; ``ingest_catalog_file`` again."""
    encoding = check_catalog_file(Path(path))
    if transactions is not None:
        check_csv(Path(transactions), duck.REQUIRED_TRANSACTION_COLUMNS)
    if customers is not None:
        check_csv(Path(customers), duck.REQUIRED_CUSTOMER_COLUMNS)
    return encoding


async def ingest_catalog_file(
    settings: Settings, db: Database, path: Path, *, progress: bool = True, index: bool = True,
    images: bool = True, transactions: Path | None = None, customers: Path | None = None,
    source: str | None = None,
) -> IngestReport:
    """Replace the catalog with the products of a product file; replace transactions (and the
    purchase histories) and customers only when their files are given, else keep them."""
    started = time.monotonic()
    path = Path(path)
    encoding = check_catalog_inputs(path, transactions, customers)  # before anything is written
    report = IngestReport(source=source or f"catalog file {path}")

    def read(report: IngestReport) -> list[Article]:
        articles = read_catalog_file(path, report, encoding)
        if not articles:
            reasons = report.bad_row_reasons()
            raise DataError(f"{path} has no usable products ({report.bad_rows} bad rows"
                            + (f"; {reasons})" if reasons else ")"))
        if not images:
            articles = [Article(**{**a.to_dict(), "image_path": None}) for a in articles]
        return articles

    await pipeline.ingest(
        settings, db, report, articles_signature=file_signature(path, extra=f"images={images}"),
        read_articles=read, transactions=Path(transactions) if transactions else None,
        customers=Path(customers) if customers else None, images=images, index=index, progress=progress,
    )
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
