"""The ingest's report and progress bars in plain words with the right counts: the search index's figures
are named ("text vectors computed: 0", not "indexed text_indexed: 0"), and each staging bar's last frame
shows what was written ("customers: 100%|...| 40/40"), not the "0 customers" of its first frame."""

from __future__ import annotations

import re

from catalog.ingest import ingest_demo
from catalog.ingest.report import IngestReport


def test_the_search_index_figures_are_worded() -> None:
    report = IngestReport(source="H&M data from hm")
    report.indexed = {"text_indexed": 0, "images_indexed": 0, "corrupt_images": 0, "skipped_existing": 17033,
                      "removed": 0, "images_kept": 384}
    lines = report.summary().splitlines()
    start = lines.index("  search index:")
    assert lines[start:] == [
        "  search index:",
        "    text vectors computed: 0",
        "    image vectors computed: 0",
        "    vectors already up to date: 17,033",
        "    vectors removed (products gone or without an image): 0",
        "    image vectors kept for an ingest with images: 384",
    ]
    assert "indexed" not in report.summary() and "_" not in "".join(lines[start:])

    report.indexed = {"text_indexed": 3, "corrupt_images": 2, "skipped_existing": 0}
    assert "    images that could not be read: 2" in report.summary().splitlines()
    report.indexed = {"search index": "not built (catalog.indexing missing)"}
    assert report.summary().splitlines()[-1] == "  search index: not built (catalog.indexing missing)"
    assert "search index" not in IngestReport(source="x").summary()  # --no-index: no figures


async def test_each_staging_bar_ends_on_what_it_wrote(settings, db, capsys) -> None:  # type: ignore[no-untyped-def]
    await ingest_demo(settings, db, progress=True, index=False)
    frames = re.split(r"[\r\n]+", capsys.readouterr().err)

    def last(desc: str) -> str:
        shown = [f.strip() for f in frames if f.strip().startswith(desc + ":")]
        assert shown, (desc, frames)
        return shown[-1]

    assert re.search(r"\b40/40\b", last("customers")), last("customers")
    assert re.search(r"\b40/40\b", last("purchase histories")), last("purchase histories")
    assert re.search(r"\b400/400\b", last("articles")), last("articles")
    assert not [f for f in frames if re.match(r"\s*customers: 0 customers", f)]
