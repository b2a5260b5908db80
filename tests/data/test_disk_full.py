"""A full disk during an ingest: one line saying so and what state the store is in; the store stays usable.

The staged catalog is embedded before it is swapped in, so a full disk while writing its vectors
leaves the live catalog and its search as they were. The full disk is injected where the real
stores would report it: Chroma's upsert and DuckDB's sales summary raise the errors they raise
on a full disk.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from chromadb.errors import InternalError

from catalog.disk_full import disk_full_reason
from catalog.factory import build_catalog
from catalog.ingest import ingest_catalog_file, ingest_hm, pipeline
from catalog.vectors import VectorCollection
from reclmms.errors import DataError, DiskFullError, StoreError
from tests.data.fixtures import write_hm
from tests.data.snapshot import snapshot
from tests.data.spelling_embedder import use_spelling_embedder

OLD = {"0100000001": "Linen shirt", "0100000002": "Wrap dress", "0100000003": "Slim jeans"}
NEW = {"0108775015", "0108775044", "0110065001", "0111565001", "0123173001"}  # write_hm's articles


@pytest.fixture
async def old_catalog(tmp_path: Path, settings, db, monkeypatch) -> dict:
    use_spelling_embedder(monkeypatch)
    products = tmp_path / "products.csv"
    products.write_text("id,name,category\n" + "".join(f"{i},{n},Top\n" for i, n in OLD.items()), encoding="utf-8")
    customers = tmp_path / "customers.csv"
    customers.write_text("customer_id,age\nold-1,30\n", encoding="utf-8")
    transactions = tmp_path / "transactions.csv"
    transactions.write_text("t_dat,customer_id,article_id,price\n2020-09-01,old-1,0100000002,0.05\n", encoding="utf-8")
    await ingest_catalog_file(settings, db, products, progress=False, index=True, images=False,
                              customers=customers, transactions=transactions)
    return await snapshot(settings, db)


async def _search(settings, query: str, k: int = 3) -> tuple[list[str], int]:  # type: ignore[no-untyped-def]
    async with build_catalog(settings) as (_, catalog):
        hits = await catalog.search_text(query, k=k)
        return [h.article.article_id for h in hits], catalog.search.vectors.text.count()


async def test_full_disk_while_embedding_the_staged_catalog(tmp_path: Path, settings, db, old_catalog, monkeypatch) -> None:
    real_add = VectorCollection.add
    calls = {"n": 0}

    def fill_the_disk(self, ids, vectors, metadatas):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] > 1:  # the first batch got in: its vectors name articles the live catalog lacks
            raise InternalError("error returned from database: (code: 13) database or disk is full")
        real_add(self, ids, vectors, metadatas)

    monkeypatch.setattr("catalog.indexing.TEXT_BATCH", 2)
    monkeypatch.setattr(VectorCollection, "add", fill_the_disk)
    hm = write_hm(tmp_path / "hm")
    with pytest.raises(StoreError, match=r"^the disk holding .* is full \(database or disk is full\): the ingest "
                                         "changed nothing"):
        await ingest_hm(settings, db, hm, images=False, progress=False, index=True)
    assert await snapshot(settings, db) == old_catalog

    # the search still answers from the old catalog, though two new vectors lead "strap top"
    found, vectors = await _search(settings, "strap top")
    assert vectors == len(OLD) + 2
    assert len(found) == 3 and set(found) == set(OLD)

    monkeypatch.setattr(VectorCollection, "add", real_add)  # space again: the same ingest finishes
    report = await ingest_hm(settings, db, hm, images=False, progress=False, index=True)
    assert report.articles == 5 and report.indexed["removed"] == len(OLD)
    found, vectors = await _search(settings, "strap top")
    assert vectors == 5 and set(found) <= NEW and found[0] in ("0108775015", "0108775044")


async def test_full_disk_as_chroma_starts(tmp_path: Path, settings, db, old_catalog, monkeypatch) -> None:
    import chromadb

    def fill_the_disk(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise InternalError("error returned from database: (code: 13) database or disk is full")

    monkeypatch.setattr(chromadb, "PersistentClient", fill_the_disk)
    with pytest.raises(DiskFullError, match="is full .*: the ingest changed nothing"):
        await ingest_hm(settings, db, write_hm(tmp_path / "hm"), images=False, progress=False, index=True)
    assert await snapshot(settings, db) == old_catalog
    with pytest.raises(DiskFullError, match="chroma is full .*: the search index \\(Chroma\\) cannot start"):
        await _search(settings, "strap top")


async def test_full_disk_after_the_swap(tmp_path: Path, settings, db, old_catalog, monkeypatch) -> None:
    real = pipeline.refresh_summary

    async def fill_the_disk(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline, "refresh_summary", fill_the_disk)
    hm = write_hm(tmp_path / "hm")
    with pytest.raises(StoreError, match="is full .* after the new catalog, customers and transactions were "
                                         "swapped in .*run the same ingest again to finish it"):
        await ingest_hm(settings, db, hm, images=False, progress=False, index=True)
    found, _ = await _search(settings, "strap top")
    assert found and set(found) <= NEW  # the new catalog is live, with its vectors

    monkeypatch.setattr(pipeline, "refresh_summary", real)
    report = await ingest_hm(settings, db, hm, images=False, progress=False, index=True)
    assert report.transactions == 8 and report.indexed["removed"] == len(OLD)


async def _page_count(db) -> int:  # type: ignore[no-untyped-def]
    async with db.conn.execute("PRAGMA page_count") as cur:
        row = await cur.fetchone()
    return int(row[0])


async def test_sqlite_full_while_staging(tmp_path: Path, settings, db, old_catalog) -> None:
    # SQLite's max_page_count makes it answer SQLITE_FULL ("database or disk is full") as on a full disk
    await db.conn.execute("VACUUM")  # no free pages left to reuse
    await db.conn.execute(f"PRAGMA max_page_count = {await _page_count(db)}")
    hm = write_hm(tmp_path / "hm")
    with pytest.raises(StoreError, match=r"is full \(database or disk is full\): the ingest changed nothing"):
        await ingest_hm(settings, db, hm, images=False, progress=False, index=True)
    assert await snapshot(settings, db) == old_catalog
    await db.conn.execute("PRAGMA max_page_count = 1073741823")
    report = await ingest_hm(settings, db, hm, images=False, progress=False, index=True)
    assert (report.articles, report.transactions) == (5, 8)


async def test_a_schema_update_on_a_full_disk_is_one_line(db) -> None:  # type: ignore[no-untyped-def]
    await db.conn.execute(f"PRAGMA max_page_count = {await _page_count(db)}")
    with pytest.raises(StoreError, match=r"is full \(database or disk is full\): cannot update the extra tables "
                                         "of .*free some space and try again"):
        await db.migrate("extra", ["CREATE TABLE extra(x); INSERT INTO extra VALUES (randomblob(100000));"])
    assert await db.schema_version("extra") == 0 and not db.conn.in_transaction


def test_the_ways_a_full_disk_is_reported(tmp_path: Path, monkeypatch) -> None:
    assert disk_full_reason(sqlite3.OperationalError("database or disk is full")) == "database or disk is full"
    assert disk_full_reason(OSError(errno.ENOSPC, "x")) == "no space left on device"
    try:
        try:
            raise OSError(errno.ENOSPC, "x")
        except OSError as inner:
            raise RuntimeError("IO Error: could not write") from inner
    except RuntimeError as outer:
        assert disk_full_reason(outer) == "no space left on device"
    silent = InternalError("Error in compaction: Failed to apply logs to the metadata segment")
    assert disk_full_reason(silent, tmp_path) is None
    monkeypatch.setattr("catalog.disk_full._free_bytes", lambda where: 4096)
    assert disk_full_reason(silent, tmp_path) == "less than 1 MiB free"
    assert disk_full_reason(ValueError("bad value")) is None
    assert disk_full_reason(DataError("products.csv is missing column(s): id"), tmp_path) is None
