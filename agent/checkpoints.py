"""Keeping the conversation store bounded: a session keeps only its latest checkpoint.

LangGraph's SQLite saver writes a whole checkpoint at each step of the graph (about five a turn), with the
pending writes between them, and deletes none, so ``conversations.sqlite3`` would grow with every turn ever
taken. The conversation's state is all in the latest checkpoint (the state's channels hold whole values,
not deltas over their parents), so after each turn the session's older checkpoints and their writes go;
the file then holds about one checkpoint per session, and SQLite reuses the freed pages.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from typing import Any

logger = logging.getLogger(__name__)

# Rows of the thread older than the latest checkpoint of their namespace (checkpoint ids sort by time, as
# the saver's own "latest" query assumes); the latest checkpoint keeps its pending writes.
_OLDER_WRITES = """
DELETE FROM writes WHERE thread_id = ? AND checkpoint_id < (
    SELECT MAX(latest.checkpoint_id) FROM checkpoints AS latest
    WHERE latest.thread_id = writes.thread_id AND latest.checkpoint_ns = writes.checkpoint_ns)
"""
_OLDER_CHECKPOINTS = """
DELETE FROM checkpoints WHERE thread_id = ? AND checkpoint_id < (
    SELECT MAX(latest.checkpoint_id) FROM checkpoints AS latest
    WHERE latest.thread_id = checkpoints.thread_id AND latest.checkpoint_ns = checkpoints.checkpoint_ns)
"""


async def keep_latest(checkpointer: Any, thread_id: str) -> None:
    """Delete ``thread_id``'s checkpoints older than its latest one, and their writes, through the saver's own
    connection and lock (aiosqlite's thread, off the event loop). Other savers (none, in memory) are left as
    they are. A failure is logged, not raised: the turn was answered, and the next one prunes again."""
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    if not isinstance(checkpointer, AsyncSqliteSaver):
        return
    try:
        await checkpointer.setup()
        async with checkpointer.lock, checkpointer.conn.cursor() as cursor:
            try:
                await cursor.execute(_OLDER_WRITES, (thread_id,))
                await cursor.execute(_OLDER_CHECKPOINTS, (thread_id,))
                await checkpointer.conn.commit()
            except sqlite3.Error:
                with contextlib.suppress(sqlite3.Error):  # no transaction left open, holding the file's lock
                    await checkpointer.conn.rollback()
                raise
    except sqlite3.Error as exc:
        logger.warning("could not prune the old checkpoints of session %s: %s", thread_id, exc)
