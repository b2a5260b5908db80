"""Ingest bookkeeping in the ``ingest_state`` table, so that an interrupted run resumes.

Each step of an ingest is recorded as done together with the signature of the input it was made
from (path, size, mtime). A re-run skips the steps whose signature still matches and redoes the
others; every step replaces what it writes, so a step interrupted half-way is simply done again.

Two kinds of steps (see pipeline.py): ``articles``, ``customers``, ``duckdb/transactions`` ... name
what the live tables were made from; ``staged/...`` steps name what the staged tables of an
unfinished ingest hold, and are forgotten when those tables are swapped in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from catalog.db import Database


def file_signature(*paths: Path, extra: str = "") -> str:
    """A cheap fingerprint of input files: resolved path, size and mtime of each."""
    parts = []
    for path in paths:
        st = path.stat()
        parts.append([str(path.resolve()), st.st_size, st.st_mtime_ns])
    return json.dumps({"files": parts, "extra": extra}, sort_keys=True)


class IngestState:
    def __init__(self, db: Database, source: str) -> None:
        self._db = db
        self.source = source

    async def is_done(self, part: str, signature: str) -> bool:
        async with self._db.conn.execute(
            "SELECT value FROM ingest_state WHERE source = ? AND part = ?", (self.source, part)
        ) as cur:
            row = await cur.fetchone()
        return row is not None and row[0] == signature

    async def value(self, part: str) -> str | None:
        """The signature recorded for ``part``, or None."""
        async with self._db.conn.execute(
            "SELECT value FROM ingest_state WHERE source = ? AND part = ?", (self.source, part)
        ) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row is not None else None

    async def mark_done(self, part: str, signature: str, *, commit: bool = True) -> None:
        await self._db.conn.execute(
            "INSERT INTO ingest_state(source, part, value) VALUES (?, ?, ?) "
            "ON CONFLICT(source, part) DO UPDATE SET value = excluded.value",
            (self.source, part, signature),
        )
        if commit:
            await self._db.conn.commit()

    async def forget(
        self, parts: Iterable[str] | None = None, prefix: str | None = None, *, commit: bool = True
    ) -> None:
        """Forget some steps (or every step whose name starts with ``prefix``)."""
        if prefix is not None:
            await self._db.conn.execute(
                "DELETE FROM ingest_state WHERE source = ? AND substr(part, 1, ?) = ?",
                (self.source, len(prefix), prefix),
            )
        for part in parts or ():
            await self._db.conn.execute(
                "DELETE FROM ingest_state WHERE source = ? AND part = ?", (self.source, part)
            )
        if commit:
            await self._db.conn.commit()
