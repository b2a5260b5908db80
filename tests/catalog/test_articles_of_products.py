"""A product code finds its articles (all colours) through the articles table's product_code column, with or
without its leading zeros: H&M's articles.csv stores 108775 for article 0108775015, the demo catalog 0512466
for 0512466002, and a shopper types either."""

from __future__ import annotations

import csv
from pathlib import Path

from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.ingest.hm import REQUIRED_ARTICLE_COLUMNS, read_hm_articles
from catalog.ingest.report import IngestReport
from catalog.models import Article
from catalog.schema import ensure_catalog_schema
from catalog.service import CatalogService


def _hm_articles(tmp_path: Path) -> list[Article]:
    """Rows as H&M's articles.csv has them (product_code an integer without its leading zero), read by the ingest."""
    rows = [("0108775044", "108775", "White"), ("0108775015", "108775", "Black"), ("0110065001", "110065", "Black"),
            ("0108775051", "108775", "Pink")]
    path = tmp_path / "articles.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=REQUIRED_ARTICLE_COLUMNS)
        writer.writeheader()
        for article_id, code, colour in rows:
            writer.writerow({**{c: "" for c in REQUIRED_ARTICLE_COLUMNS}, "article_id": article_id,
                             "product_code": code, "prod_name": "Strap top", "colour_group_name": colour})
    return read_hm_articles(path, None, IngestReport(source="test"))


async def test_codes_of_an_hm_catalog_with_or_without_the_leading_zero(tmp_path: Path) -> None:
    articles = _hm_articles(tmp_path)
    assert {a.product_code for a in articles} == {"108775", "110065"}  # as the ingest stores them
    async with Database(tmp_path / "db.sqlite3") as db:
        await ensure_catalog_schema(db)
        store = ArticleStore(db)
        await store.upsert_many(articles)
        service = CatalogService(store, None, None, None, None)  # type: ignore[arg-type]  # only its articles
        got = await service.articles_of_products(["0108775", "108775", "0110065", "0999999", "0108776"])
    ids = {code: [a.article_id for a in found] for code, found in got.items()}
    assert ids == {"0108775": ["0108775015", "0108775044", "0108775051"],  # in id order
                   "108775": ["0108775015", "0108775044", "0108775051"],
                   "0110065": ["0110065001"], "0999999": [], "0108776": []}
    assert [a.colour for a in got["0108775"]] == ["Black", "White", "Pink"]


async def test_codes_stored_with_the_leading_zero_and_other_codes(tmp_path: Path) -> None:
    """The demo catalog's codes keep the zero (catalog/demo.py); a catalog's own codes ("SKU-12") match as
    they are, and a code is not a prefix ("051246" is no code of 0512466's articles)."""
    rows = [Article("0512466002", "Shirt dress", product_code="0512466", colour="Red"),
            Article("0512466001", "Shirt dress", product_code="0512466", colour="Brown"),
            Article("0512467001", "Shirt dress", product_code="0512467"),
            Article("sku-1-red", "Tee", product_code="SKU-12"), Article("0100000001", "No code")]
    async with Database(tmp_path / "db.sqlite3") as db:
        await ensure_catalog_schema(db)
        store = ArticleStore(db)
        await store.upsert_many(rows)
        got = await store.of_products(["512466", "0512466", "SKU-12", "sku-12", "051246", ""])
        assert await store.of_products([]) == {}
    ids = {code: [a.article_id for a in found] for code, found in got.items()}
    assert ids == {"512466": ["0512466001", "0512466002"], "0512466": ["0512466001", "0512466002"],
                   "SKU-12": ["sku-1-red"], "sku-12": [], "051246": [], "": []}
