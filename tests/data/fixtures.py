"""Tiny H&M-format datasets written by the tests themselves (no shared data, no network)."""

from __future__ import annotations

import csv
from pathlib import Path

from PIL import Image

from catalog.ingest.hm import REQUIRED_ARTICLE_COLUMNS

ARTICLE_HEADER = [
    "article_id", "product_code", "prod_name", "product_type_no", "product_type_name", "product_group_name",
    "graphical_appearance_no", "graphical_appearance_name", "colour_group_code", "colour_group_name",
    "perceived_colour_value_id", "perceived_colour_value_name", "perceived_colour_master_id",
    "perceived_colour_master_name", "department_no", "department_name", "index_code", "index_name",
    "index_group_no", "index_group_name", "section_no", "section_name", "garment_group_no",
    "garment_group_name", "detail_desc",
]
assert set(REQUIRED_ARTICLE_COLUMNS) <= set(ARTICLE_HEADER)


def article_row(article_id: str, name: str, ptype: str, colour: str, index_group: str, desc: str) -> list[str]:
    values = {
        "article_id": article_id, "product_code": article_id[:7], "prod_name": name, "product_type_no": "1",
        "product_type_name": ptype, "product_group_name": "Garment Upper body", "graphical_appearance_no": "1",
        "graphical_appearance_name": "Solid", "colour_group_code": "09", "colour_group_name": colour,
        "perceived_colour_value_id": "4", "perceived_colour_value_name": "Dark",
        "perceived_colour_master_id": "5", "perceived_colour_master_name": colour,
        "department_no": "1676", "department_name": "Jersey Basic", "index_code": "A",
        "index_name": index_group, "index_group_no": "1", "index_group_name": index_group,
        "section_no": "16", "section_name": "Womens Everyday Basics", "garment_group_no": "1002",
        "garment_group_name": "Jersey Basic", "detail_desc": desc,
    }
    return [values[h] for h in ARTICLE_HEADER]


CUSTOMERS = ["c" * 63 + "1", "c" * 63 + "2", "c" * 63 + "3"]
A1, A2, A3, A4, A5 = "0108775015", "0108775044", "0110065001", "0111565001", "0123173001"

# (t_dat, customer, article, price, channel); line numbers in the file = index + 2
TRANSACTIONS = [
    ("2020-09-01", CUSTOMERS[0], A1, "0.0169", "2"),
    ("2020-09-03", CUSTOMERS[0], A2, "0.0203", "2"),
    ("2020-09-10", CUSTOMERS[0], A3, "0.0305", "1"),
    ("2020-09-15", CUSTOMERS[0], A1, "0.0171", "2"),
    ("2020-09-02", CUSTOMERS[1], A1, "0.0170", "1"),
    ("2020-09-20", CUSTOMERS[1], A4, "0.0500", "2"),
    ("2020-09-21", CUSTOMERS[2], A4, "0.0500", "2"),
    ("2020-09-22", CUSTOMERS[2], A1, "0.0100", "2"),
]
GOOD_TRANSACTIONS = len(TRANSACTIONS)


def write_hm(root: Path, *, bad_rows: bool = True) -> Path:
    """A tiny Kaggle-layout folder: 5 good articles (+ a bad row and a duplicate), 3 customers (+ a duplicate and an empty id),
    8 good transactions (+ 4 bad ones at lines 10-13), 3 valid images, 1 corrupt image."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / "articles.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(ARTICLE_HEADER)
        w.writerow(article_row(A1, "Strap top", "Vest top", "Black", "Ladieswear", "Jersey top with straps."))
        w.writerow(article_row(A2, "Strap top", "Vest top", "White", "Ladieswear", "Jersey top with straps."))
        w.writerow(article_row(A3, "OP T-shirt", "Bra", "Black", "Ladieswear", "Microfibre T-shirt bra."))
        if bad_rows:
            fh.write("0999999999,0999999,too,few,fields\n")  # line 5
        w.writerow(article_row(A4, "Danny hoodie", "Hoodie", "Grey", "Menswear", "Sweatshirt hoodie."))
        w.writerow(article_row(A5, "Baby shorts", "Shorts", "Red", "Baby/Children", "Shorts in soft jersey."))
        if bad_rows:
            w.writerow(article_row(A1, "Duplicate", "Vest top", "Black", "Ladieswear", "dup"))
    with (root / "customers.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["customer_id", "FN", "Active", "club_member_status", "fashion_news_frequency", "age",
                    "postal_code"])
        for i, cid in enumerate(CUSTOMERS):
            w.writerow([cid, "", "", "ACTIVE", "NONE", f"{20 + i}.0", "p" * 64])
        if bad_rows:
            w.writerow([CUSTOMERS[0], "", "", "ACTIVE", "NONE", "21.0", "p" * 64])  # duplicate
            w.writerow(["", "", "", "ACTIVE", "NONE", "30.0", "p" * 64])  # line 6: empty id
    with (root / "transactions_train.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["t_dat", "customer_id", "article_id", "price", "sales_channel_id"])
        for row in TRANSACTIONS:
            w.writerow(row)
        if bad_rows:
            fh.write(f"2020-13-45,{CUSTOMERS[0]},{A1},0.01,2\n")  # line 10: bad date
            fh.write(f"2020-09-05,{CUSTOMERS[1]},{A2},cheap,1\n")  # line 11: bad price
            fh.write(f"2020-09-06,{CUSTOMERS[1]},{A2}\n")  # line 12: missing fields
            fh.write(f"2020-09-07,,{A2},0.01,1\n")  # line 13: empty customer_id
    images = root / "images"
    for article_id, colour in ((A1, (20, 20, 20)), (A2, (240, 240, 240)), (A4, (128, 128, 128))):
        path = images / article_id[:3] / f"{article_id}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (32, 48), colour).save(path, "JPEG")
    corrupt = images / A3[:3] / f"{A3}.jpg"
    corrupt.parent.mkdir(parents=True, exist_ok=True)
    good = (images / A1[:3] / f"{A1}.jpg").read_bytes()
    corrupt.write_bytes(good[: len(good) // 2])  # truncated download
    return root
