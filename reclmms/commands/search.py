"""`reclmms search ["QUERY"] [--photo FILE] [--filter k=v ...] [--k N] [--json]`: retrieval only.

With both a QUERY and ``--photo``, both count alike (``SearchEngine.photo_and_text``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
from pathlib import Path
from typing import Any

from agent.text_input import searchable_text
from catalog.images import MAX_PHOTO_BYTES, load_photo
from catalog.models import FILTER_KEYS, SearchFilters, SearchHit
from reclmms.errors import BadImageError, BadQueryError, DataError
from reclmms.settings import Settings

_PRICE_KEYS = ("min_price", "max_price")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "search",
        help="search the catalog by text (any language) and/or photo",
        description="Search the catalog: semantic text search, photo look-alikes, metadata filters. "
        "With both a QUERY and --photo, both count alike: products that look like the photo and match the text.",
    )
    parser.add_argument("query", nargs="?", default=None, help="what to look for (may be omitted with --photo)")
    parser.add_argument("--photo", metavar="FILE", help="find products that look like this photo")
    parser.add_argument(
        "--filter",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help=f"hard filter, repeatable; keys: {', '.join(FILTER_KEYS)}",
    )
    parser.add_argument("--k", default="10", metavar="N", help="number of results (1-100, default 10)")
    parser.add_argument("--json", action="store_true", help='print {"results": [...]} as JSON')
    parser.set_defaults(func=run)


def parse_filters(items: list[str]) -> SearchFilters:
    values: dict[str, Any] = {}
    given: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().lower().replace("-", "_")
        value = value.strip()
        if not sep:
            raise BadQueryError(f"bad filter '{item}': use KEY=VALUE; known keys: {', '.join(FILTER_KEYS)}")
        if key not in FILTER_KEYS:
            raise BadQueryError(f"unknown filter key '{key}'; known keys: {', '.join(FILTER_KEYS)}")
        if not value:
            raise BadQueryError(f"empty value for filter '{key}'")
        if key in given:
            raise BadQueryError(
                f"filter '{key}' is given twice ('{given[key]}' and '{value}'): give each filter key once"
            )
        given[key] = value
        if key in _PRICE_KEYS:
            try:
                number = float(value)
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                raise BadQueryError(f"filter {key} needs a number, got '{value}'")
            values[key] = number
        else:
            values[key] = value
    return SearchFilters(**values)


def parse_k(raw: str) -> int:
    try:
        k = int(str(raw).strip())
    except ValueError:
        raise BadQueryError(f"--k needs a whole number from 1 to 100, got '{raw}'") from None
    if not 1 <= k <= 100:
        raise BadQueryError(f"--k must be from 1 to 100, got {k}")
    return k


def read_photo(path: str) -> bytes:
    """The bytes of a photo named on the command line (``--photo``, chat's ``/photo``), checked.

    Raises BadImageError, one line for the user, when the file is missing or unreadable, or
    when the photo is empty, over 20 MB, not an image, corrupt or a decompression bomb
    (``catalog.images.load_photo``, the check every photo goes through).
    """
    file = Path(path).expanduser()
    if not file.is_file():  # never opened: a FIFO or a device could block or never end
        if file.exists():
            raise BadImageError(f"the photo {path} is not a regular file")
        raise BadImageError(f"photo file not found: {path}")
    try:
        size = file.stat().st_size
        if size > MAX_PHOTO_BYTES:
            raise BadImageError(
                f"the photo is too large ({size / 1e6:.1f} MB); the limit is {MAX_PHOTO_BYTES // (1024 * 1024)} MB"
            )
        data = file.read_bytes()
    except OSError as exc:
        raise BadImageError(f"cannot read the photo {path}: {exc.strerror or exc}") from None
    load_photo(data)
    return data


async def run(settings: Settings, args: argparse.Namespace) -> int:
    filters = parse_filters(args.filter)
    k = parse_k(args.k)
    query = searchable_text(args.query)  # "\u200b" alone is no query
    if args.photo is None and not query:
        raise BadQueryError("the search query is empty (give a QUERY, or --photo FILE)")
    photo = await asyncio.to_thread(read_photo, args.photo) if args.photo is not None else None

    from reclmms.app import open_catalog
    from reclmms.cli import require_catalog, require_store

    require_store(settings)
    async with open_catalog(settings) as (_, catalog):
        await require_catalog(settings, catalog)
        if await asyncio.to_thread(catalog.search.vectors.text.count) == 0:
            raise DataError(catalog.search.vectors.missing_index_message())
        if photo is not None and query:  # both count alike
            hits = await catalog.search.photo_and_text(photo, query, filters, k)
        elif photo is not None:
            hits = await catalog.search_photo(photo, filters, k)
        else:
            hits = await catalog.search_text(query, filters, k)
    if args.json:
        json.dump({"results": [hit_json(h) for h in hits]}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_table(hits)
    return 0


def hit_json(hit: SearchHit) -> dict[str, Any]:
    a = hit.article
    return {
        "article_id": a.article_id,
        "name": a.name,
        "score": round(float(hit.score), 4),
        "product_type": a.product_type,
        "colour": a.colour,
        "index_group": a.index_group,
        "section": a.section,
        "garment_group": a.garment_group,
        "price": a.price,
        "image_path": a.image_path,
    }


def print_table(hits: list[SearchHit]) -> None:
    if not hits:
        print("no results")
        return
    rows = [
        (
            str(i),
            h.article.article_id,
            f"{h.score:.3f}",
            h.article.name,
            h.article.product_type,
            h.article.colour,
            h.article.index_group,
            "" if h.article.price is None else f"{h.article.price:.2f}",
        )
        for i, h in enumerate(hits, 1)
    ]
    header = ("#", "article_id", "score", "name", "type", "colour", "group", "price")
    widths = [min(32, max(len(r[c]) for r in [header, *rows])) for c in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell[:w].ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
