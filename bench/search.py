"""Search latency and photo recall over the H&M sample: all 105,542 articles, 17,033 images.

    .venv/bin/python bench/search.py [--data ../shared/data/hm-sample] [--work data/bench/search]
                                     [--import-vectors DIR] [--runs 200]

The bench catalog (SQLite + Chroma) is built once under ``--work`` and reused: articles
from articles.csv, then ``index_catalog`` (resumable; text ~4 min, images ~18 min on 2
free cores). ``--import-vectors DIR`` instead fills missing ids from vectors computed
elsewhere with the same embedders (text_q*.npy + text_scale.npy int8, img*.npy +
img_ids*.npy float16), for machines whose cores are busy.

It measures, in one run: query embedding + raw unfiltered Chroma top-10 (the reference),
``SearchEngine.text`` with and without filters (embedding, filters and the SQLite lookup
of the hits included), both filtered strategies forced (numpy on the candidates vs
over-fetch from Chroma) and a naive Chroma ``where``; photo search latency; and the
photo -> same article recall (R@1, R@10) for the sample's original photos and for
perturbed (crop, scale, brightness, JPEG) catalog images against all indexed images.
Figures are printed and appended to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import platform
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import catalog.search_index as search_index  # noqa: E402
from bench.photo_perturb import perturb  # noqa: E402
from catalog.articles import ArticleStore  # noqa: E402
from catalog.db import Database  # noqa: E402
from catalog.factory import build_catalog  # noqa: E402
from catalog.indexing import article_metadata, index_catalog  # noqa: E402
from catalog.models import Article, SearchFilters  # noqa: E402
from catalog.schema import ensure_catalog_schema  # noqa: E402
from catalog.vectors import VectorStore  # noqa: E402
from reclmms.settings import Settings, StorageSettings  # noqa: E402

QUERIES = [
    "red dress", "红色连衣裙", "black jeans", "white t-shirt", "warm winter coat", "striped sweater",
    "summer floral skirt", "men's running shorts", "baby bodysuit", "lace bra", "leather boots",
    "blue denim jacket", "oversized hoodie", "silk blouse", "wool scarf", "swimsuit", "schwarze Hose",
    "robe rouge", "vestido azul", "黑色牛仔裤", "sports bra", "knitted cardigan", "kids pyjamas",
    "linen shirt", "high waist trousers", "sequin party top", "socks", "sunglasses", "tote bag", "chinos",
]
FILTERS = {
    "none": SearchFilters(),
    "colour=Black": SearchFilters(colour="Black"),
    "colour=blue (master)": SearchFilters(colour="blue"),
    "product_type=Dress": SearchFilters(product_type="Dress"),
    "index_group=Menswear": SearchFilters(index_group="Menswear"),
    "garment_group=Knitwear": SearchFilters(garment_group="Knitwear"),
    "section=Womens Lingerie": SearchFilters(section="Womens Lingerie"),
    "Ladieswear+Trousers+Black": SearchFilters(index_group="Ladieswear", product_type="Trousers", colour="Black"),
}


def hm_articles(root: Path) -> Iterator[Article]:
    images = root / "images"
    with open(root / "articles.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            article_id = row["article_id"].zfill(10)
            path = images / article_id[:3] / f"{article_id}.jpg"
            yield Article(
                article_id=article_id, name=row["prod_name"], product_type=row["product_type_name"],
                product_group=row["product_group_name"], colour=row["colour_group_name"],
                colour_master=row["perceived_colour_master_name"],
                graphical_appearance=row["graphical_appearance_name"], department=row["department_name"],
                index_group=row["index_group_name"], section=row["section_name"],
                garment_group=row["garment_group_name"], description=row.get("detail_desc") or "",
                product_code=row["product_code"].zfill(7), image_path=str(path) if path.exists() else None,
            )


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def fmt(values: list[float]) -> str:
    return f"p50 {pct(values, 50):.2f} ms, p99 {pct(values, 99):.2f} ms"


async def build(settings: Settings, data: Path, vectors_dir: Path | None) -> None:
    async with Database(settings.sqlite_path) as db:
        await ensure_catalog_schema(db)
        store = ArticleStore(db)
        if await store.count() == 0:
            articles = list(hm_articles(data))
            for i in range(0, len(articles), 5000):
                await store.upsert_many(articles[i : i + 5000])
        if vectors_dir is not None:
            await import_vectors(settings, store, vectors_dir)
        started = time.perf_counter()
        report = await index_catalog(settings, db, store, images=True, progress=True)
        print(f"index_catalog: {report.to_dict()} in {time.perf_counter() - started:.1f} s")


async def import_vectors(settings: Settings, store: ArticleStore, vdir: Path) -> None:
    from catalog.embedders import build_image_embedder, build_text_embedder

    vectors = VectorStore(settings, build_text_embedder(settings).name, build_image_embedder(settings).name)
    articles: dict[str, Article] = {}
    async for batch in store.iter_all(5000):
        articles.update((a.article_id, a) for a in batch)
    order = [a.article_id for a in _csv_order]  # the texts were embedded in articles.csv order
    text, img_ids, img = await asyncio.to_thread(_load_precomputed, vdir)
    _import(vectors.text, order, text, articles, "text")
    _import(vectors.image, img_ids, img, articles, "image")


def _load_precomputed(vdir: Path) -> tuple[np.ndarray, list[str], np.ndarray]:
    q = np.concatenate([np.load(p) for p in sorted(vdir.glob("text_q*.npy"))]).astype(np.float32)
    text = q * np.load(vdir / "text_scale.npy")
    text /= np.linalg.norm(text, axis=1, keepdims=True)
    img_ids = [str(i) for p in sorted(vdir.glob("img_ids*.npy")) for i in np.load(p)]
    img = np.concatenate([np.load(p) for p in sorted(vdir.glob("img[0-9]*.npy"))]).astype(np.float32)
    img /= np.linalg.norm(img, axis=1, keepdims=True)
    return text, img_ids, img


_csv_order: list[Article] = []


def _import(collection, ids: list[str], matrix: np.ndarray, articles: dict[str, Article], what: str) -> None:  # type: ignore[no-untyped-def]
    added = 0
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        have = collection.existing_ids(chunk)
        keep = [i for i, a in enumerate(chunk) if a not in have and a in articles]
        if keep:
            collection.add([chunk[i] for i in keep], matrix[start : start + 2000][keep],
                           [article_metadata(articles[chunk[i]]) for i in keep])
            added += len(keep)
    print(f"imported {added} precomputed {what} vectors")


async def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for i in range(runs):
        t = time.perf_counter()
        await fn(i)
        out.append((time.perf_counter() - t) * 1000)
    return out


class Lines(list):  # type: ignore[type-arg]
    """Result lines, echoed to stderr as they come (the run takes minutes)."""

    def append(self, line: str) -> None:  # type: ignore[override]
        print(line, file=sys.stderr, flush=True)
        super().append(line)

    def extend(self, lines) -> None:  # type: ignore[no-untyped-def,override]
        for line in lines:
            self.append(line)


async def measure(settings: Settings, data: Path, runs: int) -> list[str]:
    lines: list[str] = Lines()
    async with build_catalog(settings) as (_, cat):
        engine = cat.search
        t = time.perf_counter()
        await engine.text("red dress", SearchFilters(), 10)
        first = time.perf_counter() - t
        t = time.perf_counter()
        meta, text_m = await engine._state(engine.vectors.text)
        _, image_m = await engine._state(engine.vectors.image)
        assert text_m is not None and image_m is not None
        lines.append(
            f"- catalog: {len(meta):,} articles, {len(text_m):,} text vectors, {len(image_m):,} image vectors; "
            f"first (unfiltered) search {first:.2f} s incl. model load; filter state load "
            f"(metadata from SQLite + cached matrices) {time.perf_counter() - t:.1f} s"
        )
        emb = engine.text_embedder
        for q in QUERIES:  # warm up
            await engine.text(q, SearchFilters(), 10)
        qv = emb.embed(QUERIES)
        col = engine.vectors.text.raw

        async def raw(i: int) -> None:
            v = await asyncio.to_thread(emb.embed, [QUERIES[i % len(QUERIES)]])
            await asyncio.to_thread(col.query, query_embeddings=v, n_results=10, include=["distances"])

        async def embed_only(i: int) -> None:
            await asyncio.to_thread(emb.embed, [QUERIES[i % len(QUERIES)]])

        ref = await timed(raw, runs)
        lines.append(f"- query embedding alone: {fmt(await timed(embed_only, runs))}")
        lines.append(f"- reference, query embedding + raw unfiltered Chroma top-10: {fmt(ref)}")
        lines.append("")
        lines.append("| `SearchEngine.text` (k=10) | candidates | latency | p50 / reference p50 |")
        lines.append("|---|---|---|---|")
        ref50 = pct(ref, 50)
        worst = 0.0
        for name, flt in FILTERS.items():
            mask = meta.mask(flt)
            n = len(meta) if mask is None else int(mask.sum())

            async def run(i: int, flt: SearchFilters = flt) -> None:
                await engine.text(QUERIES[i % len(QUERIES)], flt, 10)

            lat = await timed(run, runs)
            worst = max(worst, pct(lat, 50) / ref50)
            lines.append(f"| {name} | {n:,} | {fmt(lat)} | {pct(lat, 50) / ref50:.2f}x |")
        lines.append("")
        lines.append("Filtered strategies forced (same queries; vector scoring only, embedding excluded):")
        lines.append("")
        lines.append("| filter | exact numpy on candidates | over-fetch from Chroma | PCA shortlist (cached per filter) + exact | naive Chroma `where` |")
        lines.append("|---|---|---|---|---|")
        saved = search_index.DIRECT_MAX, search_index.OVERFETCH_MAX, search_index.PREFER_OVERFETCH
        for name in ("colour=Black", "colour=blue (master)", "product_type=Dress", "index_group=Menswear"):
            flt = FILTERS[name]
            mask = meta.mask(flt)
            res = []
            for setting in ((10**9, 0, False), (0, 10**9, True), (0, 0, False)):
                search_index.DIRECT_MAX, search_index.OVERFETCH_MAX, search_index.PREFER_OVERFETCH = setting
                lat = []
                for i in range(runs):
                    t = time.perf_counter()
                    search_index.search_vectors(engine.vectors.text, qv[i % len(QUERIES)], 10, frozenset(), text_m, mask)
                    lat.append((time.perf_counter() - t) * 1000)
                res.append(fmt(lat))
            where = _where(flt)
            lat = []
            for i in range(min(runs, 40)):
                t = time.perf_counter()
                col.query(query_embeddings=qv[i % len(QUERIES)][None], n_results=10, where=where, include=["distances"])
                lat.append((time.perf_counter() - t) * 1000)
            lines.append(f"| {name} | {res[0]} | {res[1]} | {res[2]} | {fmt(lat)} |")
        search_index.DIRECT_MAX, search_index.OVERFETCH_MAX, search_index.PREFER_OVERFETCH = saved
        overlap = []
        for flt in FILTERS.values():
            mask = meta.mask(flt)
            if mask is None:
                continue
            rows = np.flatnonzero(text_m.vector_mask(mask))
            for q in qv:
                exact = {i for i, _ in text_m.score_rows(rows, q, 10)}
                approx = {i for i, _ in text_m.score_rows_two_stage(rows, q, 10, mask)}
                overlap.append(len(exact & approx) / max(1, len(exact)))
        lines.append("")
        lines.append(
            f"PCA shortlist ({search_index.REDUCED_DIM}-d, top {search_index.RERANK_MIN}, then exact) vs exact top-10 "
            f"over all filters x queries: mean overlap {np.mean(overlap):.3f}, min {np.min(overlap):.2f}"
        )
        lines.append("")
        lines.append(f"Worst filtered p50 / reference p50: {worst:.2f}x (target <= 2x).")
        lines.append("")
        await photo_bench(engine, data, image_m, runs, lines)
    return lines


def _where(flt: SearchFilters) -> dict[str, object]:
    if flt.colour == "blue":
        return {"colour_master": "Blue"}
    items = [{k: v} for k, v in flt.to_dict().items()]
    return items[0] if len(items) == 1 else {"$and": items}


async def photo_bench(engine, data: Path, image_m, runs: int, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
    photos = sorted((data / "photos").glob("*.jpg"))
    photo_bytes = [p.read_bytes() for p in photos]
    await engine.photo(photo_bytes[0], SearchFilters(), 10)

    async def one(i: int) -> None:
        await engine.photo(photo_bytes[i % len(photo_bytes)], SearchFilters(), 10)

    lat = await timed(one, min(runs, len(photo_bytes)))
    lines.append(f"- photo search (360x540 photo -> top-10 of {len(image_m):,} images, decode + embed + search): "
                 f"{fmt(lat)} (target p50 <= 150 ms)")

    async def one_f(i: int) -> None:
        await engine.photo(photo_bytes[i % len(photo_bytes)], SearchFilters(index_group="Ladieswear"), 10)

    lat = await timed(one_f, min(runs, 100))
    lines.append(f"- photo search with filter index_group=Ladieswear: {fmt(lat)}")
    r1 = r10 = 0
    for p, raw in zip(photos, photo_bytes, strict=True):
        hits = await engine.photo(raw, SearchFilters(), 10)
        ids = [h.article.article_id for h in hits]
        r1 += bool(ids) and ids[0] == p.stem
        r10 += p.stem in ids
    lines.append(f"- original photos -> same article over all {len(image_m):,} images: "
                 f"R@1 {r1 / len(photos):.3f}, R@10 {r10 / len(photos):.3f} (n={len(photos)})")
    rng = random.Random(5)
    sample = rng.sample(image_m.ids, 300)
    r1 = r10 = 0
    for article_id in sample:
        path = data / "images" / article_id[:3] / f"{article_id}.jpg"
        hits = await engine.photo(perturb(Image.open(path).convert("RGB"), rng), SearchFilters(), 10)
        ids = [h.article.article_id for h in hits]
        r1 += bool(ids) and ids[0] == article_id
        r10 += article_id in ids
    lines.append(f"- perturbed catalog images (crop 85-100%, scale 0.6-2x, brightness +-20%, JPEG q35-80) -> same "
                 f"article over all {len(image_m):,} images: R@1 {r1 / 300:.3f}, R@10 {r10 / 300:.3f} (n=300)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/hm-sample")
    parser.add_argument("--work", type=Path, default=ROOT / "data/bench/search")
    parser.add_argument("--import-vectors", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    settings = Settings(storage=StorageSettings(data_dir=args.work.resolve()))
    _csv_order.extend(hm_articles(args.data))
    asyncio.run(build(settings, args.data, args.import_vectors))
    lines = asyncio.run(measure(settings, args.data, args.runs))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    head = f"\n## bench/search.py — {stamp}, {platform.machine()}, 2 cores (load average {load:.1f} at the end)\n"
    text = head + "\n" + "\n".join(lines) + "\n"
    print(text)
    if not args.no_record:
        with open(ROOT / "bench/RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
