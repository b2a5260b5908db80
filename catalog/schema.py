"""The catalog's SQLite schema (component ``catalog``), as ordered migrations."""

from __future__ import annotations

from catalog.db import Database

CATALOG_MIGRATIONS: list[str] = [
    # 1: articles, customers, per-customer purchase history, ingest bookkeeping
    """
    CREATE TABLE articles (
        article_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        product_type TEXT NOT NULL DEFAULT '',
        product_group TEXT NOT NULL DEFAULT '',
        colour TEXT NOT NULL DEFAULT '',
        colour_master TEXT NOT NULL DEFAULT '',
        graphical_appearance TEXT NOT NULL DEFAULT '',
        department TEXT NOT NULL DEFAULT '',
        index_group TEXT NOT NULL DEFAULT '',
        section TEXT NOT NULL DEFAULT '',
        garment_group TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        product_code TEXT NOT NULL DEFAULT '',
        price REAL,
        image_path TEXT
    ) WITHOUT ROWID;
    CREATE INDEX articles_product_code ON articles(product_code);

    CREATE TABLE customers (
        customer_id TEXT PRIMARY KEY,
        age INTEGER,
        club_member_status TEXT,
        fashion_news_frequency TEXT,
        postal_code TEXT
    ) WITHOUT ROWID;

    CREATE TABLE ingest_state (
        source TEXT NOT NULL,
        part TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (source, part)
    ) WITHOUT ROWID;
    """,
    # 2: compact per-customer purchase history (one packed row per customer, see catalog/history.py)
    """
    CREATE TABLE purchase_history (
        customer_id TEXT PRIMARY KEY,
        n INTEGER NOT NULL,
        purchases BLOB NOT NULL
    );
    CREATE TABLE history_articles (
        code INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL
    );
    """,
]

# Columns of ``articles`` in table order, matching catalog.models.Article fields.
ARTICLE_COLUMNS = (
    "article_id",
    "name",
    "product_type",
    "product_group",
    "colour",
    "colour_master",
    "graphical_appearance",
    "department",
    "index_group",
    "section",
    "garment_group",
    "description",
    "product_code",
    "price",
    "image_path",
)


async def ensure_catalog_schema(db: Database) -> int:
    return await db.migrate("catalog", CATALOG_MIGRATIONS)
