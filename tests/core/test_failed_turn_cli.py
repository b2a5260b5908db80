"""`reclmms ask` when its turn fails inside the agent for a fault of the program (here: a conversation store
whose tables another program made, which the checkpointer cannot query): nothing is answered, with --json or
without, a kept conversation or none. stdout is empty, stderr has the traceback and ends with one ``error:``
line, exit code 2; never the "nothing found" reply with exit code 0."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot.test_serve_needs_catalog import one_product_catalog
from tests.core.store_damage import ROOT, clean_env


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = one_product_catalog(tmp_path_factory.mktemp("failed_turn"))
    with contextlib.closing(sqlite3.connect(data / "conversations.sqlite3")) as conn:
        conn.executescript("CREATE TABLE checkpoints (x); CREATE TABLE writes (x);")
    return data


@pytest.mark.parametrize("args", [["--session", "s1"], ["--json"]], ids=["session", "json"])
def test_a_turn_that_failed_answers_nothing_and_exits_2(data: Path, args: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "reclmms.cli", "ask", "a white linen shirt", *args], cwd=ROOT, capture_output=True,
        text=True, env=clean_env(RECLMMS_STORAGE_DATA_DIR=str(data)), timeout=180,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" in proc.stderr  # a fault of the program keeps its traceback in the log
    assert proc.stderr.strip().splitlines()[-1] == (
        "error: the turn failed (OperationalError: no such column: thread_id); the log above has its traceback")
