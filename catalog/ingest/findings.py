"""What a step of an ingest found in its input, kept in ``ingest_state`` beside the step's marker.

Reading the articles, the transactions or the customers finds bad rows, duplicate rows and corrupt
images (report.py). A re-run from the same input skips the step (state.py) and so reads nothing:
without these records it would report a clean file. Each step's findings are kept as JSON with the
input signature they were found in and when, under ``staged/findings/<step>`` while the step's
tables are staged and ``findings/<step>`` once they are live (the pipeline records them with the
step's marker at the swap); a skipped step's findings are added to the report again only when their
signature is the step's current one, and the report says they come from that earlier run.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from catalog.ingest.report import BadRow, IngestReport
from catalog.ingest.state import IngestState

LIVE = "findings/"
STAGED = "staged/findings/"


def live_part(step: str) -> str:
    return LIVE + step


def encode(found: IngestReport, signature: str, at: datetime | None = None) -> str:
    """``found``'s bad rows, duplicates and corrupt images (with their samples) as JSON."""
    return json.dumps({
        "signature": signature,
        "at": (at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "bad_rows": found.bad_rows,
        "bad_row_samples": [[b.file, b.line, b.reason] for b in found.bad_row_samples],
        "duplicates": found.duplicates_skipped,
        "duplicate_samples": [[b.file, b.line, b.reason] for b in found.duplicate_samples],
        "corrupt_images": found.corrupt_images,
        "corrupt_image_samples": list(found.corrupt_image_samples),
    })


def decode(text: str) -> tuple[IngestReport, str, str] | None:
    """(findings, input signature, when found) from ``encode``'s JSON; None when it cannot be read."""
    try:
        data: Any = json.loads(text)
        found = IngestReport(
            bad_rows=int(data["bad_rows"]),
            bad_row_samples=[BadRow(str(f), None if n is None else int(n), str(r)) for f, n, r in data["bad_row_samples"]],
            duplicates_skipped=int(data["duplicates"]),
            duplicate_samples=[BadRow(str(f), None if n is None else int(n), str(r))
                               for f, n, r in data["duplicate_samples"]],
            corrupt_images=int(data["corrupt_images"]),
            corrupt_image_samples=[str(p) for p in data["corrupt_image_samples"]],
        )
        return found, str(data["signature"]), str(data["at"])
    except (ValueError, TypeError, KeyError):
        return None


async def keep_staged(state: IngestState, step: str, found: IngestReport, signature: str) -> str:
    """Record what reading ``step``'s input found (its tables are staged); return the JSON, which the
    caller records as ``live_part(step)`` when they are swapped in."""
    text = encode(found, signature)
    await state.mark_done(STAGED + step, text)
    return text


async def recall(
    state: IngestState, report: IngestReport, step: str, signature: str, *, staged: bool
) -> str | None:
    """Add the findings of the earlier run that did ``step`` from the input ``signature`` to ``report``
    (from its staged or its live record) and note that run in ``report.earlier``; return their JSON,
    or None when none were kept for that input (``report.earlier`` says they are not known)."""
    text = await state.value((STAGED if staged else LIVE) + step)
    found = decode(text) if text is not None else None
    if found is None or found[1] != signature:
        report.earlier[step] = ""
        return None
    report.add_findings(found[0])
    report.earlier[step] = found[2]
    return text
