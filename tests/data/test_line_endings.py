"""Kaggle CSVs saved on Windows: CRLF or CR CR LF line ends and a UTF-8 byte-order mark load like LF files.

A CRLF file written again in text mode ends its lines in CR CR LF, which DuckDB's CSV reader
cannot parse; such files reach DuckDB as LF copies (catalog/ingest/line_endings.py). The
ingest's report, bad-row line numbers included, is the same as for the LF original.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.ingest import ingest_catalog_file, ingest_hm
from catalog.ingest.line_endings import write_lf_copy
from catalog.ingest.report import IngestReport
from catalog.ingest.staging import STAGED
from reclmms.settings import Settings, StorageSettings
from tests.data.fixtures import GOOD_TRANSACTIONS, write_hm

FILES = ("articles.csv", "customers.csv", "transactions_train.csv")
BOM = b"\xef\xbb\xbf"


def rewrite(path: Path, kind: str) -> None:
    """``path`` (LF line ends) saved with CR CR LF or CRLF ends, or with a byte-order mark."""
    data = path.read_bytes()
    path.write_bytes({"crcrlf": data.replace(b"\n", b"\r\r\n"), "crlf": data.replace(b"\n", b"\r\n"),
                      "bom": BOM + data}[kind])


def outcome(report: IngestReport) -> tuple[object, ...]:
    samples = sorted((b.file, b.line or 0, b.reason) for b in report.bad_row_samples)
    return (report.articles, report.customers, report.transactions, report.priced_articles,
            report.history_customers, report.bad_rows, report.duplicates_skipped, samples)


async def _ingest(root: Path, data: Path) -> IngestReport:
    from catalog.db import Database

    settings = Settings(storage=StorageSettings(data_dir=data))
    async with Database(settings.sqlite_path) as db:
        return await ingest_hm(settings, db, root, images=False, progress=False, index=False)


@pytest.fixture(scope="module")
def lf_outcome(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, ...]:
    import asyncio

    root = tmp_path_factory.mktemp("lf")
    report = asyncio.run(_ingest(write_hm(root / "hm"), root / "state"))
    assert report.transactions == GOOD_TRANSACTIONS and report.bad_rows == 6
    return outcome(report)


@pytest.mark.parametrize("kind", ["crcrlf", "crlf", "bom"])
async def test_hm_files_load_like_lf_files(tmp_path: Path, lf_outcome: tuple[object, ...], kind: str) -> None:
    root = write_hm(tmp_path / "hm")
    for name in FILES:
        rewrite(root / name, kind)
    assert outcome(await _ingest(root, tmp_path / "state")) == lf_outcome
    # the LF copy is gone, and nothing was left beside the analytics file
    assert sorted(p.name for p in (tmp_path / "state").iterdir() if not p.name.startswith("reclmms.sqlite3")) == [
        "analytics.duckdb"]


async def test_catalog_ingest_reads_crcrlf_transactions_and_customers(tmp_path: Path) -> None:
    from catalog.db import Database

    root = write_hm(tmp_path / "hm", bad_rows=False)
    for name in ("customers.csv", "transactions_train.csv"):
        rewrite(root / name, "crcrlf")
    products = tmp_path / "products.csv"
    products.write_bytes(b"id,name,price\r\r\n0108775015,Strap top,9.99\r\r\n0108775044,Strap top,9.99\r\r\n"
                         b"0110065001,Bra,12\r\r\n0111565001,Hoodie,20\r\r\n")
    settings = Settings(storage=StorageSettings(data_dir=tmp_path / "state"))
    async with Database(settings.sqlite_path) as db:
        report = await ingest_catalog_file(settings, db, products, progress=False, index=False, images=False,
                                           transactions=root / "transactions_train.csv",
                                           customers=root / "customers.csv")
    assert (report.articles, report.customers, report.transactions, report.bad_rows) == (4, 3, GOOD_TRANSACTIONS, 0)
    assert not any(p.name.startswith(STAGED) for p in (tmp_path / "state").iterdir())


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64])
def test_the_lf_copy_is_right_across_chunk_boundaries(tmp_path: Path, chunk: int) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b'a,b\r\r\n1,"x\r\ny"\r\r\n2,\r3\r\r\r\n\r\r\nend\r')
    write_lf_copy(source, tmp_path / "out.csv", chunk_bytes=chunk)
    assert (tmp_path / "out.csv").read_bytes() == b'a,b\n1,"x\ny"\n2,\r3\n\nend\r'


async def test_a_file_duckdb_cannot_parse_is_a_one_line_error(tmp_path: Path) -> None:
    from catalog.db import Database
    from reclmms.errors import DataError
    from tests.data.fixtures import TRANSACTIONS

    root = write_hm(tmp_path / "hm", bad_rows=False)
    tx = root / "transactions_train.csv"
    row = ",".join(TRANSACTIONS[0]) + "\n"
    # CR CR LF only after the first MiB, which is all that is looked at
    late = row * ((1 << 20) // len(row) + 10) + row.replace("\n", "\r\r\n") * 3
    tx.write_bytes(tx.read_bytes() + late.encode())
    settings = Settings(storage=StorageSettings(data_dir=tmp_path / "state"))
    async with Database(settings.sqlite_path) as db:
        with pytest.raises(DataError, match=f"^{tx} cannot be read as CSV: The CSV Parser state machine"):
            await ingest_hm(settings, db, root, images=False, progress=False, index=False)
