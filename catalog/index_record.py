"""What the store records of the embedded search index: that this catalog had one.

The search index (``DATA_DIR/chroma``) is a folder of its own, apart from the catalog's store; nothing
in the store said whether the catalog was ever indexed, so a folder deleted by mistake looked like a
catalog ingested with ``--no-index`` ("has no search index yet"), and opening it made a new, empty one.
``note_index`` records, in the store's ``ingest_state`` (source ``"search index"``), that the embedded
index was seen holding article vectors: the ingest records it once it has indexed the catalog
(``catalog.ingest.index_steps``), and a command that opens the index records it too (a catalog indexed
before the record existed). ``index_lost`` tells from it that the folder which held them is gone, so that
it is said as such (``catalog.search_health``) and not made anew: not at start (``reclmms.app``), nor by a
search (``catalog.vectors.chroma_client`` raises ``SearchUnavailableError`` with ``lost_index_message``).
Only the ingest builds it anew: it drops the record first (``forget_index``), and records it again once
the index holds vectors.
A Chroma server (``[chroma] mode = "http"``) is not a folder of the data dir: nothing is recorded for it.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from typing import TYPE_CHECKING

from catalog.db import connect_existing
from reclmms.settings import Settings

if TYPE_CHECKING:
    from catalog.db import Database

SOURCE = "search index"
PART = "embedded text vectors"
_SELECT = "SELECT 1 FROM ingest_state WHERE source = ? AND part = ?"


async def note_index(db: Database, articles: int) -> None:
    """Record that the embedded index holds ``articles`` article text vectors (once: a catalog indexed before
    stays so; what is recorded is only that it was)."""
    async with db.conn.execute(_SELECT, (SOURCE, PART)) as cur:
        if await cur.fetchone() is not None:
            return
    await db.conn.execute("INSERT OR IGNORE INTO ingest_state(source, part, value) VALUES (?, ?, ?)",
                          (SOURCE, PART, json.dumps({"articles": articles})))
    await db.conn.commit()


async def forget_index(db: Database) -> None:
    """Drop the record (the ingest, before it builds anew an index whose folder was lost)."""
    await db.conn.execute("DELETE FROM ingest_state WHERE source = ? AND part = ?", (SOURCE, PART))
    await db.conn.commit()


def index_noted(settings: Settings) -> bool:
    """Whether the store records that this catalog's embedded index held article vectors (read only; False
    when the store cannot be read here: its own open says why)."""
    if not settings.sqlite_path.is_file():
        return False
    try:
        conn = connect_existing(settings.sqlite_path, 5)
    except sqlite3.Error:
        return False
    with contextlib.closing(conn):
        try:
            return conn.execute(_SELECT, (SOURCE, PART)).fetchone() is not None
        except sqlite3.Error:  # no ingest_state table (yet), a locked or damaged store
            return False


def index_lost(settings: Settings) -> bool:
    """Whether the embedded index's folder is not there although the store records that the catalog had one."""
    path = settings.chroma_path
    return (settings.chroma.mode != "http" and not (path.exists() or path.is_symlink())
            and index_noted(settings))


def lost_index_message(settings: Settings) -> str:
    """The operator's line for ``index_lost``: the folder, and how to build the index again."""
    return (f"the search index's folder {settings.chroma_path} is missing, though this catalog was indexed "
            "before (deleted or moved?): restore it from a backup, or run the same `reclmms ingest ...` again to "
            "build the search index anew")


def emptied_index_message(settings: Settings) -> str:
    """The line for an embedded index that holds no article vectors although the store records it held some."""
    return (f"the search index in {settings.chroma_path} holds no article vectors, though this catalog was indexed "
            "before (was its folder deleted or replaced?): run the same `reclmms ingest ...` again to build the "
            "search index anew")
