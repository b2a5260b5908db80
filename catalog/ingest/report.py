"""What an ingest did: counts, bad rows (with line numbers) and a printable summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# How many bad rows are kept with their line numbers (all are counted).
MAX_BAD_ROWS_KEPT = 20


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
    the transactions (kept, not bad rows) that name an article the catalog does not have."""

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
    skipped_steps: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    indexed: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

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
            f"ingested {self.source}" + (f" in {self.seconds:.1f} s" if self.seconds else ""),
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
        for bad in self.bad_row_samples:
            where = f"{bad.file}:{bad.line}" if bad.line is not None else bad.file
            lines.append(f"    {where}: {bad.reason}")
        if self.bad_rows > len(self.bad_row_samples) and self.bad_row_samples:
            lines.append(f"    ... ({self.bad_rows - len(self.bad_row_samples):,} more not listed)")
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
        if self.kept:
            lines.append("  kept as they were (no new file given): " + ", ".join(self.kept))
        if self.skipped_steps:
            lines.append("  already done by an earlier run: " + ", ".join(self.skipped_steps))
        for key, value in self.indexed.items():
            lines.append(f"  indexed {key}: {value:,}" if isinstance(value, int) else f"  indexed {key}: {value}")
        return "\n".join(lines)
