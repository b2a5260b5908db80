"""A store SQLite cannot open or write: one line naming the reason, and the process ends.

aiosqlite runs each connection on a non-daemon thread, so a connection left open after a failed
``PRAGMA`` kept the process alive after its traceback. Tests run as root here, where file
permissions do not stop a write; a ``-wal``/``-shm`` path taken by a folder fails the same
``PRAGMA journal_mode=WAL`` on any account, and a chmod-ed folder is tried when not root.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from catalog.db import Database
from reclmms.errors import DataError

ROOT = Path(__file__).resolve().parents[2]


def _store(folder: Path, blocker: str) -> Path:
    """A valid WAL database in ``folder`` whose side file ``blocker`` is a folder."""
    folder.mkdir(parents=True)
    path = folder / "reclmms.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    (folder / f"reclmms.sqlite3{blocker}").mkdir()
    return path


def _sqlite_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon}


@pytest.mark.parametrize("blocker", ["-wal", "-shm"])
async def test_a_failed_open_raises_one_line_and_leaves_no_thread(tmp_path: Path, blocker: str) -> None:
    path = _store(tmp_path / "state", blocker)
    before = _sqlite_threads()
    with pytest.raises(DataError, match=f"cannot open the database {path}"):
        await Database(path).open()
    for thread in _sqlite_threads() - before:  # its worker thread ends (it used to wait forever)
        thread.join(timeout=10)
        assert not thread.is_alive()


async def test_a_database_path_that_is_a_folder_is_named(tmp_path: Path) -> None:
    path = tmp_path / "reclmms.sqlite3"
    path.mkdir()
    with pytest.raises(DataError, match="it is a folder, not a file"):
        await Database(path).open()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
async def test_a_read_only_data_dir_is_named(tmp_path: Path) -> None:
    path = _store(tmp_path / "state", "-x")
    path.chmod(0o444)
    path.parent.chmod(0o555)
    try:
        with pytest.raises(DataError, match="cannot use the data directory .* cannot be written"):
            await Database(path).open()
    finally:
        path.parent.chmod(0o755)


@pytest.mark.parametrize("command", [["search", "red"], ["stats"], ["recommend", "--customer", "c1"]])
def test_the_cli_prints_one_line_and_exits(tmp_path: Path, command: list[str]) -> None:
    data = tmp_path / "state"
    _store(data, "-wal")
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndata_dir = "{data}"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECLMMS_")}
    proc = subprocess.run(
        [sys.executable, "-m", "reclmms", "--config", str(config), *command],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [f"error: cannot open the database {data / 'reclmms.sqlite3'}: "
                                               "unable to open database file"]
