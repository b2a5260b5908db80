"""The bundled demo catalog: original, generated data (not H&M's) so RecLMMs runs offline.

``generate_demo_catalog(out_dir)`` writes, deterministically for a seed:

    out_dir/catalog.jsonl      products: 10-digit ids, names, descriptions, types, colours, groups, prices
    out_dir/images/NNN/ID.jpg  a drawn garment per product (shape by type, fill by colour, a pattern)
    out_dir/customers.csv      a few synthetic customers (Kaggle format)
    out_dir/transactions.csv   their purchase histories (Kaggle format; each customer has a taste)

Ingest it with ``reclmms ingest demo`` (or ``catalog.ingest.ingest_demo``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from catalog import demo_words as W

FORMAT_VERSION = 2
IMAGE_SIZE = (128, 192)
N_CUSTOMERS = 40
FIRST_DAY = date(2020, 3, 1)
LAST_DAY = date(2020, 9, 22)


def demo_customer_id(index: int) -> str:
    """The id of demo customer ``index`` (0-based): a 64-character hex string like Kaggle's."""
    return hashlib.sha256(f"reclmms-demo-customer-{index}".encode()).hexdigest()


def _description(rng: random.Random, seed: int, article_id: str, ptype: str, colour: str, pattern: str) -> str:
    # These draws on the shared generator are kept from the first version of the generator, so the
    # assortment (types, colours, prices, customers) stays the same; the wording has its own generator.
    rng.choice(W.MATERIALS), rng.sample(W.DETAILS, 2), rng.choice(W.FITS), rng.choice(W.OCCASIONS)
    own = random.Random(f"{seed}-description-{article_id}")
    kind = W.PRODUCT_TYPES[ptype][2]
    material = own.choice(W.KIND_MATERIALS[kind])
    details = own.sample(W.KIND_DETAILS[kind], 2)
    look = {"Solid": "", "Melange": " with a melange finish", "All over pattern": " with an all-over print"}.get(
        pattern, f" with a {pattern.lower()} pattern"
    )
    fit = "" if kind in ("shoe", "boot", "bag", "hat", "scarf") else f", in {own.choice(W.FITS)}"
    occasion = own.choice(W.KIND_OCCASIONS.get(kind, W.OCCASIONS))
    return (
        f"{ptype} in {colour.lower()} {material}{look}. Made with {details[0]} and {details[1]}{fit}; "
        f"{occasion}."
    )


def _products(n: int, rng: random.Random, seed: int) -> list[dict[str, object]]:
    groups = list(W.INDEX_GROUPS)
    colours = list(W.COLOURS)
    products: list[dict[str, object]] = []
    code = 512_000
    while len(products) < n:
        code += rng.randint(1, 37)
        index_group = groups[len(products) % len(groups)] if rng.random() < 0.5 else rng.choice(groups)
        sections, types = W.INDEX_GROUPS[index_group]
        ptype = rng.choice(types)
        group, garment_group, _shape, base, stems = W.PRODUCT_TYPES[ptype]
        section = rng.choice(sections)
        stem = rng.choice(stems)
        name = f"{rng.choice(W.ADJECTIVES)} {stem[0].lower()}{stem[1:]}" if rng.random() < 0.4 else stem
        pattern = rng.choice(W.PATTERNS)
        price_factor = {"Kids": 0.6, "Sport": 1.1}.get(index_group, 1.0) * rng.uniform(0.75, 1.6)
        price = round(int(base * price_factor) + 0.99, 2)
        for variant, colour in enumerate(rng.sample(colours, rng.choice((1, 1, 2, 2, 3)))):
            if len(products) >= n:
                break
            article_id = f"0{code:06d}{variant + 1:03d}"
            products.append({
                "id": article_id,
                "product_code": article_id[:7],
                "name": name,
                "description": _description(rng, seed, article_id, ptype, colour, pattern),
                "category": ptype,
                "product_group": group,
                "colour": colour,
                "colour_master": W.COLOURS[colour][0],
                "pattern": pattern,
                "department": f"{section} {ptype}s" if not ptype.endswith("s") else f"{section} {ptype}",
                "index_group": index_group,
                "section": section,
                "garment_group": garment_group,
                "price": price,
                "image": f"images/{article_id[:3]}/{article_id}.jpg",
            })
    return products


def _shape(kind: str, w: int, h: int) -> list[tuple[float, float]]:
    """A garment silhouette as a polygon on a w x h canvas."""
    cx = w / 2
    shapes: dict[str, list[tuple[float, float]]] = {
        "tee": [(cx - 26, 40), (cx - 50, 62), (cx - 40, 78), (cx - 30, 70), (cx - 30, 150), (cx + 30, 150),
                (cx + 30, 70), (cx + 40, 78), (cx + 50, 62), (cx + 26, 40), (cx + 10, 46), (cx - 10, 46)],
        "shirt": [(cx - 26, 38), (cx - 54, 60), (cx - 50, 130), (cx - 38, 130), (cx - 32, 80), (cx - 32, 155),
                  (cx + 32, 155), (cx + 32, 80), (cx + 38, 130), (cx + 50, 130), (cx + 54, 60), (cx + 26, 38),
                  (cx, 58)],
        "sweater": [(cx - 28, 40), (cx - 52, 60), (cx - 54, 140), (cx - 40, 142), (cx - 34, 82), (cx - 34, 150),
                    (cx + 34, 150), (cx + 34, 82), (cx + 40, 142), (cx + 54, 140), (cx + 52, 60), (cx + 28, 40),
                    (cx + 10, 48), (cx - 10, 48)],
        "jacket": [(cx - 30, 36), (cx - 56, 58), (cx - 56, 146), (cx - 42, 148), (cx - 36, 84), (cx - 36, 156),
                   (cx + 36, 156), (cx + 36, 84), (cx + 42, 148), (cx + 56, 146), (cx + 56, 58), (cx + 30, 36),
                   (cx, 70)],
        "coat": [(cx - 30, 30), (cx - 56, 52), (cx - 58, 150), (cx - 44, 152), (cx - 38, 80), (cx - 42, 178),
                 (cx + 42, 178), (cx + 38, 80), (cx + 44, 152), (cx + 58, 150), (cx + 56, 52), (cx + 30, 30),
                 (cx, 64)],
        "dress": [(cx - 18, 30), (cx - 24, 60), (cx - 20, 86), (cx - 50, 176), (cx + 50, 176), (cx + 20, 86),
                  (cx + 24, 60), (cx + 18, 30), (cx + 8, 40), (cx - 8, 40)],
        "trousers": [(cx - 32, 30), (cx + 32, 30), (cx + 38, 178), (cx + 8, 178), (cx, 70), (cx - 8, 178),
                     (cx - 38, 178)],
        "shorts": [(cx - 34, 50), (cx + 34, 50), (cx + 42, 120), (cx + 6, 124), (cx, 86), (cx - 6, 124),
                   (cx - 42, 120)],
        "skirt": [(cx - 26, 50), (cx + 26, 50), (cx + 50, 150), (cx - 50, 150)],
        "shoe": [(cx - 50, 120), (cx - 48, 96), (cx - 20, 92), (cx + 6, 108), (cx + 46, 116), (cx + 52, 132),
                 (cx - 50, 134)],
        "boot": [(cx - 36, 60), (cx - 6, 60), (cx - 4, 112), (cx + 40, 124), (cx + 44, 146), (cx - 38, 146)],
        "bag": [(cx - 44, 80), (cx + 44, 80), (cx + 50, 160), (cx - 50, 160)],
        "hat": [(cx - 56, 120), (cx - 34, 112), (cx - 30, 70), (cx, 58), (cx + 30, 70), (cx + 34, 112),
                (cx + 56, 120), (cx + 40, 128), (cx - 40, 128)],
        "scarf": [(cx - 30, 30), (cx + 30, 30), (cx + 30, 60), (cx + 14, 60), (cx + 22, 176), (cx + 2, 176),
                  (cx - 6, 60), (cx - 30, 60)],
        "swim": [(cx - 24, 40), (cx - 16, 40), (cx, 70), (cx + 16, 40), (cx + 24, 40), (cx + 28, 110),
                 (cx + 34, 150), (cx + 8, 140), (cx, 150), (cx - 8, 140), (cx - 34, 150), (cx - 28, 110)],
    }
    return shapes[kind]


def _shade(rgb: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, int(c * factor))) for c in rgb)  # type: ignore[return-value]


def draw_garment(product: dict[str, object], seed: int) -> Image.Image:
    """A flat drawing of the product: silhouette by type, fill by colour, pattern by appearance."""
    rng = random.Random(f"{seed}-{product['id']}")
    w, h = IMAGE_SIZE
    bg = (246, 244, 240) if rng.random() < 0.7 else (226, 232, 238)
    img = Image.new("RGB", (w, h), bg)
    kind = W.PRODUCT_TYPES[str(product["category"])][2]
    rgb = W.COLOURS[str(product["colour"])][1]
    poly = _shape(kind, w, h)
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).polygon(poly, fill=255)
    layer = Image.new("RGB", (w, h), rgb)
    pen = ImageDraw.Draw(layer)
    accent = _shade(rgb, 0.55) if sum(rgb) > 200 else _shade((230, 230, 230), 1.0)
    pattern = str(product["pattern"])
    if pattern == "Stripe":
        step = rng.randint(7, 14)
        for y in range(0, h, step):
            pen.rectangle([0, y, w, y + step // 3], fill=accent)
    elif pattern == "Dot":
        step = rng.randint(10, 16)
        for y in range(0, h, step):
            for x in range((y // step % 2) * step // 2, w, step):
                pen.ellipse([x, y, x + 4, y + 4], fill=accent)
    elif pattern == "Check":
        step = rng.randint(12, 20)
        for x in range(0, w, step):
            pen.rectangle([x, 0, x + 3, h], fill=accent)
        for y in range(0, h, step):
            pen.rectangle([0, y, w, y + 3], fill=accent)
    elif pattern == "All over pattern":
        for _ in range(40):
            x, y, r = rng.randint(0, w), rng.randint(0, h), rng.randint(3, 9)
            pen.ellipse([x - r, y - r, x + r, y + r], fill=accent)
    elif pattern == "Melange":
        for _ in range(900):
            x, y = rng.randint(0, w - 1), rng.randint(0, h - 1)
            pen.point((x, y), fill=_shade(rgb, rng.uniform(0.8, 1.2)))
    img.paste(layer, (0, 0), mask)
    ImageDraw.Draw(img).polygon(poly, outline=_shade(rgb, 0.5) if sum(rgb) > 150 else (90, 90, 90))
    return img


def _activity(products: list[dict[str, object]], rng: random.Random) -> tuple[list[list[object]], list[list[object]]]:
    """Customers with a taste (an index group and two colours) and purchases that mostly follow it."""
    customers: list[list[object]] = []
    purchases: list[list[object]] = []
    by_group: dict[str, list[dict[str, object]]] = {}
    for p in products:
        by_group.setdefault(str(p["index_group"]), []).append(p)
    groups = sorted(by_group)
    days = (LAST_DAY - FIRST_DAY).days
    for i in range(N_CUSTOMERS):
        cid = demo_customer_id(i)
        customers.append([cid, "", "", rng.choice(("ACTIVE", "ACTIVE", "PRE-CREATE")),
                          rng.choice(("NONE", "Regularly", "Monthly")), rng.randint(18, 70),
                          hashlib.sha256(f"demo-postcode-{i % 9}".encode()).hexdigest()])
        group = groups[i % len(groups)]
        liked = set(rng.sample(sorted(W.COLOURS), 2))
        pool = by_group[group]
        favourites = [p for p in pool if p["colour"] in liked] or pool
        for _ in range(rng.randint(3, 30)):
            source = favourites if rng.random() < 0.7 else (pool if rng.random() < 0.7 else products)
            p = rng.choice(source)
            day = FIRST_DAY + timedelta(days=rng.randint(0, days))
            purchases.append([day.isoformat(), cid, p["id"], f"{float(str(p['price'])):.2f}", rng.choice((1, 2))])
    purchases.sort(key=lambda r: (str(r[0]), str(r[1])))
    return customers, purchases


def generate_demo_catalog(out_dir: Path, n: int = 400, seed: int = 7) -> Path:
    """Write the demo catalog under ``out_dir`` (once per (n, seed)); return the JSONL path."""
    out_dir = Path(out_dir)
    catalog_path = out_dir / "catalog.jsonl"
    stamp_path = out_dir / "generated.json"
    stamp = {"n": n, "seed": seed, "version": FORMAT_VERSION}
    if catalog_path.is_file() and stamp_path.is_file():
        try:
            if json.loads(stamp_path.read_text(encoding="utf-8")) == stamp:
                return catalog_path
        except (OSError, json.JSONDecodeError):
            pass
    rng = random.Random(seed)
    products = _products(n, rng, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    for p in products:
        image_path = out_dir / str(p["image"])
        image_path.parent.mkdir(parents=True, exist_ok=True)
        draw_garment(p, seed).save(image_path, "JPEG", quality=88)
    customers, purchases = _activity(products, rng)
    with (out_dir / "customers.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["customer_id", "FN", "Active", "club_member_status", "fashion_news_frequency",
                         "age", "postal_code"])
        writer.writerows(customers)
    with (out_dir / "transactions.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["t_dat", "customer_id", "article_id", "price", "sales_channel_id"])
        writer.writerows(purchases)
    tmp = catalog_path.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for p in products:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    tmp.replace(catalog_path)
    stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
    return catalog_path
