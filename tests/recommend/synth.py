"""Tiny synthetic H&M-format data for the recommender tests (written to tmp_path)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from catalog.recsys.summary import build_summary

ARTICLE_HEADER = (
    "article_id,product_code,prod_name,product_type_no,product_type_name,product_group_name,"
    "graphical_appearance_no,graphical_appearance_name,colour_group_code,colour_group_name,"
    "perceived_colour_value_id,perceived_colour_value_name,perceived_colour_master_id,"
    "perceived_colour_master_name,department_no,department_name,index_code,index_name,"
    "index_group_no,index_group_name,section_no,section_name,garment_group_no,garment_group_name,detail_desc"
)

# article_id -> (product_code, name, type, colour, index_group)
ARTICLES = {
    "0100000001": ("0100000", "Tee", "T-shirt", "Black", "Ladieswear"),
    "0100000002": ("0100000", "Tee", "T-shirt", "White", "Ladieswear"),
    "0100000003": ("0100000", "Tee", "T-shirt", "Red", "Ladieswear"),
    "0200000001": ("0200000", "Jeans", "Trousers", "Blue", "Ladieswear"),
    "0300000001": ("0300000", "Socks", "Socks", "Grey", "Menswear"),
    "0400000001": ("0400000", "Dress", "Dress", "Green", "Ladieswear"),
    "0500000001": ("0500000", "Cap", "Cap", "Black", "Menswear"),
    "0600000001": ("0600000", "Scarf", "Scarf", "Beige", "Ladieswear"),
    "0700000001": ("0700000", "Belt", "Belt", "Brown", "Menswear"),
}

# (t_dat, customer_id, article_id)
TRANSACTIONS = [
    ("2020-08-01", "alice", "0100000001"),
    ("2020-08-01", "alice", "0200000001"),
    ("2020-08-20", "alice", "0400000001"),
    ("2020-08-02", "bob", "0200000001"),
    ("2020-08-02", "bob", "0300000001"),
    ("2020-08-25", "bob", "0300000001"),
    ("2020-08-26", "carol", "0300000001"),
    ("2020-08-27", "carol", "0500000001"),
    ("2020-08-28", "dave", "0300000001"),
    ("2020-08-29", "dave", "0600000001"),
    ("2020-09-01", "alice", "0600000001"),
]

CUSTOMERS = ["alice", "bob", "carol", "dave", "erin"]


def write_kaggle(root: Path, transactions: list[tuple[str, str, str]] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    lines = [ARTICLE_HEADER]
    for aid, (code, name, ptype, colour, ig) in ARTICLES.items():
        lines.append(
            f"{aid},{code},{name},1,{ptype},Garment,1,Solid,1,{colour},1,Dark,1,{colour},1,Dept,A,{ig},1,{ig},"
            f'1,Section,1,Jersey,"A {colour.lower()} {name.lower()}, soft."'
        )
    (root / "articles.csv").write_text("\n".join(lines) + "\n")
    cust = ["customer_id,FN,Active,club_member_status,fashion_news_frequency,age,postal_code"]
    cust += [f"{c},,,ACTIVE,NONE,30.0,p{i}" for i, c in enumerate(CUSTOMERS)]
    (root / "customers.csv").write_text("\n".join(cust) + "\n")
    tx = ["t_dat,customer_id,article_id,price,sales_channel_id"]
    tx += [f"{d},{c},{a},0.03,2" for d, c, a in (TRANSACTIONS if transactions is None else transactions)]
    (root / "transactions_train.csv").write_text("\n".join(tx) + "\n")
    return root


def connection(
    transactions: list[tuple[str, str, str]] | None = None, summary: bool = False
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the analytics table shapes, filled directly (no CSV); ``summary``
    adds the daily sales summary (catalog/recsys/summary.py)."""
    conn = duckdb.connect(":memory:")
    conn.execute(
        "CREATE TABLE transactions(t_dat DATE, customer_id VARCHAR, article_id VARCHAR, price DOUBLE, "
        "sales_channel_id TINYINT)"
    )
    conn.execute(
        "CREATE TABLE articles(article_id VARCHAR, product_code VARCHAR, name VARCHAR, product_type VARCHAR, "
        "product_group VARCHAR, colour VARCHAR, colour_master VARCHAR, index_group VARCHAR, section VARCHAR, "
        "garment_group VARCHAR, department VARCHAR)"
    )
    conn.execute(
        "CREATE TABLE customers(customer_id VARCHAR, age INTEGER, club_member_status VARCHAR, "
        "fashion_news_frequency VARCHAR, postal_code VARCHAR)"
    )
    for aid, (code, name, ptype, colour, ig) in ARTICLES.items():
        conn.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, 'Garment', ?, ?, ?, 'Section', 'Jersey', 'Dept')",
            [aid, code, name, ptype, colour, colour, ig],
        )
    for c in CUSTOMERS:
        conn.execute("INSERT INTO customers VALUES (?, 30, 'ACTIVE', 'NONE', 'p')", [c])
    rows = TRANSACTIONS if transactions is None else transactions
    for d, c, a in rows:
        conn.execute("INSERT INTO transactions VALUES (?, ?, ?, 0.03, 2)", [date.fromisoformat(d), c, a])
    if summary:
        build_summary(conn)
    return conn
