"""Loading catalogs into the stores: ``ingest_hm`` (Kaggle H&M layout), ``ingest_catalog_file``
(a shop's own CSV/JSONL) and ``ingest_demo`` (the bundled generated catalog)."""

from catalog.ingest.generic import ingest_catalog_file, ingest_demo
from catalog.ingest.hm import ingest_hm
from catalog.ingest.report import IngestReport

__all__ = ["IngestReport", "ingest_catalog_file", "ingest_demo", "ingest_hm"]
