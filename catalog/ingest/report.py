"""What an ingest did: counts, bad rows and duplicates (with line numbers) and a printable summary.

What a step finds in its input (bad rows, duplicate rows, corrupt images) is kept with the step's
marker (findings.py): a re-run that skips the step reports them again, as found by the run that
read the input, and says so (``earlier``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# How many bad rows are kept with their line numbers (all are counted).
MAX_BAD_ROWS_KEPT = 20
# The search index's counts (``catalog.indexing.IndexReport``) as the summary words them, in this order.
INDEX_LABELS = {
    "text_indexed": "text vectors computed",
    "images_indexed": "image vectors computed",
    "text_reembedded": "text vectors re-computed for a new embedder",
    "images_reembedded": "image vectors re-computed for a new embedder",
    "skipped_existing": "vectors already up to date",
    "corrupt_images": "images that could not be read",
    "removed": "vectors removed (products gone or without an image)",
    "images_kept": "image vectors kept for an ingest with images",
}


@dataclass(frozen=True, slots=True)
class BadRow:
    file: str
    line: int | None
    reason: str


@dataclass
class IngestReport:
    """Counts of one ingest run. ``articles``/``customers``/``transactions``/``images`` are the totals
    now in the stores for this source; ``skipped_steps`` lists steps already done by an earlier run;
    ``kept`` what was kept as it was because no new file was given for it; ``unknown_article_rows``
    the transactions (kept, not bad rows) that name an article the catalog does not have.

    ``earlier`` maps each step skipped because an earlier run did it to when that run read its
    input (ISO 8601, UTC; "" when it is not known): its bad rows, duplicates and corrupt images are
    in this report as that run found them. ``already_ingested``: this run had nothing new to load."""

    source: str = ""
    articles: int = 0
    customers: int = 0
    transactions: int = 0
    images: int = 0
    priced_articles: int = 0
    history_customers: int = 0
    bad_rows: int = 0
    bad_row_samples: list[BadRow] = field(default_factory=list)
    unknown_article_rows: int = 0
    unknown_article_samples: list[BadRow] = field(default_factory=list)
    corrupt_images: int = 0
    corrupt_image_samples: list[str] = field(default_factory=list)
    duplicates_skipped: int = 0
    duplicate_samples: list[BadRow] = field(default_factory=list)
    skipped_steps: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    indexed: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    earlier: dict[str, str] = field(default_factory=dict)
    already_ingested: bool = False

    def add_bad_row(self, file: str, line: int | None, reason: str) -> None:
        self.bad_rows += 1
        if len(self.bad_row_samples) < MAX_BAD_ROWS_KEPT:
            self.bad_row_samples.append(BadRow(file, line, reason))

    def add_bad_rows(self, file: str, count: int, reason: str) -> None:
        """Bad rows whose line numbers are not known (e.g. an empty id found after a bulk load)."""
        if count <= 0:
            return
        self.bad_rows += count
        if len(self.bad_row_samples) < MAX_BAD_ROWS_KEPT:
            self.bad_row_samples.append(BadRow(file, None, f"{count} row(s): {reason}"))

    def add_duplicate(self, file: str, line: int | None, reason: str) -> None:
        """A row skipped because an earlier row has its id (``reason`` names the id)."""
        self.duplicates_skipped += 1
        if len(self.duplicate_samples) < MAX_BAD_ROWS_KEPT:
            self.duplicate_samples.append(BadRow(file, line, reason))

    def add_findings(self, other: IngestReport) -> None:
        """Add what ``other`` (one step's report) found: bad rows, duplicates, corrupt images."""
        self.bad_rows += other.bad_rows
        self.bad_row_samples += other.bad_row_samples[: max(0, MAX_BAD_ROWS_KEPT - len(self.bad_row_samples))]
        self.duplicates_skipped += other.duplicates_skipped
        room = max(0, MAX_BAD_ROWS_KEPT - len(self.duplicate_samples))
        self.duplicate_samples += other.duplicate_samples[:room]
        self.corrupt_images += other.corrupt_images
        room = max(0, MAX_BAD_ROWS_KEPT - len(self.corrupt_image_samples))
        self.corrupt_image_samples += other.corrupt_image_samples[:room]

    def add_unknown_article(self, file: str, line: int | None, article: str) -> None:
        """A sample of the transactions naming an article not in the catalog (counted by the caller)."""
        if len(self.unknown_article_samples) < MAX_BAD_ROWS_KEPT:
            self.unknown_article_samples.append(BadRow(file, line, f"article {article}"))

    def add_corrupt_image(self, path: str) -> None:
        self.corrupt_images += 1
        if len(self.corrupt_image_samples) < MAX_BAD_ROWS_KEPT:
            self.corrupt_image_samples.append(path)

    def bad_row_reasons(self, limit: int = 3) -> str:
        """The first few bad rows, for a one-line message ("line 2: missing name; ...")."""
        return "; ".join(
            (f"line {b.line}: " if b.line is not None else "") + b.reason for b in self.bad_row_samples[:limit]
        )

    def summary(self) -> str:
        lines = [
            self._title(),
            f"  articles:      {self.articles:,}",
            f"  customers:     {self.customers:,}",
            f"  transactions:  {self.transactions:,}",
            f"  images:        {self.images:,}",
        ]
        if self.priced_articles:
            lines.append(f"  articles with a price: {self.priced_articles:,}")
        if self.history_customers:
            lines.append(f"  customers with a purchase history: {self.history_customers:,}")
        lines.append(f"  bad rows:      {self.bad_rows:,}")
        lines += _listed(self.bad_rows, self.bad_row_samples)
        if self.unknown_article_rows:
            lines.append(f"  transactions naming an article not in the catalog: {self.unknown_article_rows:,} "
                         "(kept: listed by id in purchase histories, never recommended)")
            for bad in self.unknown_article_samples:
                where = f"{bad.file}:{bad.line}" if bad.line is not None else bad.file
                lines.append(f"    {where}: {bad.reason}")
        lines.append(f"  corrupt images skipped: {self.corrupt_images:,}")
        for path in self.corrupt_image_samples:
            lines.append(f"    {path}")
        if self.duplicates_skipped:
            lines.append(f"  duplicate rows skipped: {self.duplicates_skipped:,}")
            lines += _listed(self.duplicates_skipped, self.duplicate_samples)
        if self.kept:
            lines.append("  kept as they were (no new file given): " + ", ".join(self.kept))
        if self.skipped_steps:
            lines.append("  already done by an earlier run: " + ", ".join(self.skipped_steps))
        lines += self._earlier_lines()
        lines += self._index_lines()
        return "\n".join(lines)

    def _index_lines(self) -> list[str]:
        """The search index's counts in words ("text vectors computed: 1,204"); a figure that is 0 only
        when it says something (vectors computed, removed)."""
        if not self.indexed:
            return []
        state = self.indexed.get("search index")  # "not built (...)"
        if state is not None:
            return [f"  search index: {state}"]
        shown = {"text_indexed", "images_indexed", "skipped_existing", "removed"}
        lines = ["  search index:"]
        keys = [k for k in INDEX_LABELS if k in self.indexed] + [k for k in self.indexed if k not in INDEX_LABELS]
        for key in keys:
            value = self.indexed[key]
            if isinstance(value, int) and not value and key not in shown:
                continue
            label = INDEX_LABELS.get(key, key.replace("_", " "))
            lines.append(f"    {label}: {value:,}" if isinstance(value, int) else f"    {label}: {value}")
        return lines

    def _title(self) -> str:
        if not self.already_ingested:
            return f"ingested {self.source}" + (f" in {self.seconds:.1f} s" if self.seconds else "")
        known = [at for at in self.earlier.values() if at]
        when = f" on {_when(max(known))}" if known else ""
        if self.earlier and len(known) == len(self.earlier):
            then = f"bad rows then: {self.bad_rows:,}, duplicate rows skipped: {self.duplicates_skipped:,}"
        else:
            then = "its bad rows and duplicates are not known"
        return f"nothing new to load: {self.source} was already ingested{when} ({then})"

    def _earlier_lines(self) -> list[str]:
        """Which steps' bad rows, duplicates and corrupt images are those an earlier run found."""
        by_when: dict[str, list[str]] = {}  # steps read by one run: the same minute
        for step, at in sorted(self.earlier.items(), key=lambda item: item[1]):
            by_when.setdefault(_when(at) if at else "", []).append(step)
        lines = []
        for when, steps in by_when.items():
            what = "the bad rows, duplicate rows and corrupt images of " + ", ".join(steps)
            if when:
                lines.append(f"  {what}: as found when they were read, on {when}")
            else:
                lines.append(f"  {what}: not known (the run that read them did not keep them; "
                             "change or touch the file to read it again)")
        return lines


def duplicate_reason(column: str, value: str, first: int, *, first_kept: bool = True) -> str:
    """Why a row is a duplicate row: ``column``'s ``value`` is on line ``first`` already (the row
    kept, unless not ``first_kept``: one of its rows is)."""
    kept = "has it first and is kept" if first_kept else "has it first; one of its rows is kept"
    shown = value if len(value) <= 40 else value[:39] + "…"
    return f"{column} {shown!r} again (line {first} {kept})"


def _listed(total: int, samples: list[BadRow]) -> list[str]:
    """The sample rows, each as "file:line: reason", and how many more there are."""
    lines = []
    for row in samples:
        where = f"{row.file}:{row.line}" if row.line is not None else row.file
        lines.append(f"    {where}: {row.reason}")
    if total > len(samples) and samples:
        lines.append(f"    ... ({total - len(samples):,} more not listed)")
    return lines


def _when(at: str) -> str:
    """An ISO 8601 time as local time: 2025-06-01 14:03 UTC."""
    try:
        return datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    except ValueError:
        return at
