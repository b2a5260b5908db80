"""How fast an ingest computes search vectors: article texts and article images, per second.

    .venv/bin/python bench/embedding_rate.py DIR [--articles 500] [--images 200] [--work /tmp/embedding-rate]

DIR is a Kaggle-layout H&M folder (articles.csv, images/0XX/0XXXXXXXXX.jpg). The first ``--articles``
articles of articles.csv (with an image or not) and then ``--images`` of those with an image are put in
a fresh store under ``--work`` and indexed by ``index_catalog``, the ingest's own indexing: text vectors
(``images=False``), then image vectors (texts already there). The embedders are loaded and warmed up
before the clock starts, so the rates are those of a long ingest (embedding, image decoding and the
Chroma writes). Figures, with the load average, are printed and appended to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalog.articles import ArticleStore  # noqa: E402
from catalog.db import Database  # noqa: E402
from catalog.embedders import build_image_embedder, build_text_embedder  # noqa: E402
from catalog.images import load_image_file  # noqa: E402
from catalog.indexing import index_catalog  # noqa: E402
from catalog.ingest.hm import read_hm_articles  # noqa: E402
from catalog.ingest.report import IngestReport  # noqa: E402
from catalog.schema import ensure_catalog_schema  # noqa: E402
from catalog.vectors import VectorStore  # noqa: E402
from reclmms.settings import Settings, StorageSettings  # noqa: E402

FULL_TEXTS, SAMPLE_IMAGES, FULL_IMAGES = 105_542, 17_033, 105_100


def _hours(count: int, rate: float) -> str:
    seconds = count / rate
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"


async def measure(data: Path, work: Path, n_articles: int, n_images: int) -> dict[str, float]:
    shutil.rmtree(work, ignore_errors=True)
    settings = Settings(storage=StorageSettings(data_dir=work))
    articles = read_hm_articles(data / "articles.csv", data / "images", IngestReport())
    texts = articles[:n_articles]
    pictured = [a for a in articles if a.image_path][:n_images]
    text_embedder, image_embedder = build_text_embedder(settings), build_image_embedder(settings)
    text_embedder.embed(["warm up"] * 16)  # the model loaded, and its batch threads started
    image_embedder.embed_images([load_image_file(Path(pictured[0].image_path or ""))] * 4)
    vectors = VectorStore(settings, text_embedder.name, image_embedder.name)
    vectors.open()  # Chroma started before the clock, as in a long ingest
    models: dict[str, Any] = {"progress": False, "store": vectors, "text_embedder": text_embedder,
                              "image_embedder": image_embedder}
    async with Database(settings.sqlite_path) as db:
        await ensure_catalog_schema(db)
        store = ArticleStore(db)
        await store.upsert_many(texts)
        started = time.perf_counter()
        text = await index_catalog(settings, db, store, images=False, **models)
        text_s = time.perf_counter() - started
        await db.conn.execute("DELETE FROM articles")
        await db.conn.commit()
        await store.upsert_many(pictured)
        await index_catalog(settings, db, store, images=False, **models)  # their texts, untimed
        started = time.perf_counter()
        image = await index_catalog(settings, db, store, images=True, **models)
        image_s = time.perf_counter() - started
    assert text.text_indexed == len(texts) and image.images_indexed == len(pictured), (text, image)
    return {"texts": len(texts), "text_s": text_s, "images": len(pictured), "image_s": image_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--work", type=Path, default=Path("/tmp/embedding-rate"))
    parser.add_argument("--no-results", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    got = asyncio.run(measure(args.data, args.work, args.articles, args.images))
    load_after = os.getloadavg()[0]
    text_rate, image_rate = got["texts"] / got["text_s"], got["images"] / got["image_s"]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    cores = len(os.sched_getaffinity(0))
    lines = [
        f"## bench/embedding_rate.py — {when}, {platform.machine()}, {cores} cores, load average "
        f"{load_before:.1f} before, {load_after:.1f} after",
        "",
        "| vectors | measured | rate | at that rate |",
        "|---|---|---|---|",
        f"| text (USE, {cores} threads) | {got['texts']} articles in {got['text_s']:.1f} s | "
        f"{text_rate:.0f} articles/s | {FULL_TEXTS:,} articles (the sample's and Kaggle's): "
        f"{_hours(FULL_TEXTS, text_rate)} |",
        f"| image (EfficientNet-Lite0, CPU) | {got['images']} images in {got['image_s']:.1f} s | "
        f"{image_rate:.1f} images/s | the sample's {SAMPLE_IMAGES:,}: {_hours(SAMPLE_IMAGES, image_rate)}; "
        f"Kaggle's {FULL_IMAGES:,}: {_hours(FULL_IMAGES, image_rate)} |",
        "",
    ]
    print("\n".join(lines))
    if not args.no_results:
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as fh:
            fh.write("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
