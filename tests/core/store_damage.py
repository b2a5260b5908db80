"""A store to damage, and the damages an operator's data dir can suffer, for the tests of one-line errors.

``build_store`` ingests a catalog of ``ARTICLES`` articles (several pages of the articles table), one customer
with purchases, and keeps a conversation (a real ``ask --session``, after three others), so reclmms.sqlite3 and
conversations.sqlite3 are both real stores. Each damage changes one file in place; ``snapshot`` records every
file of the data dir, so a test can tell that nothing stored was overwritten or deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reclmms.cli import main

ROOT = Path(__file__).resolve().parents[2]
CUSTOMER = "c-damaged-1"
ARTICLES = 400
LAST_ARTICLE = f"01{ARTICLES - 1:08d}"  # the customer bought it: it is on the articles table's last page
CATALOG_REMEDY = "restore it from a backup, or move it aside and run `reclmms ingest demo|hm|catalog` again"
CHECKPOINTS_REMEDY = "restore it from a backup, or move it aside to start again with no saved conversations"


def _products() -> str:
    colours = ("White", "Red", "Blue", "Black", "Green")
    rows = [f"01{n:08d},Shirt number {n},Shirt,{colours[n % len(colours)]},{10 + n % 50}.99" for n in range(ARTICLES)]
    return "id,name,category,colour,price\n" + "\n".join(rows) + "\n"


def clean_env(**more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECLMMS_")}
    return {**env, "RECLMMS_CONFIG": os.devnull, "RECLMMS_LLM_BACKEND": "scripted", **more}


def reclmms(data: Path, *args: str, stdin: str = "", **env: str) -> tuple[int, str]:
    """``reclmms ARGS`` in a child process on the data dir ``data``: its exit code and stderr."""
    proc = subprocess.run(
        [sys.executable, "-m", "reclmms.cli", *args], cwd=ROOT, input=stdin, capture_output=True, text=True,
        env=clean_env(RECLMMS_STORAGE_DATA_DIR=str(data), **env), timeout=180,
    )
    return proc.returncode, proc.stderr


def build_store(root: Path) -> Path:
    """``root/data``: the store, with the catalog, a customer's purchases and one saved conversation."""
    (root / "products.csv").write_text(_products(), encoding="utf-8")
    (root / "customers.csv").write_text(f"customer_id,age\n{CUSTOMER},31\n", encoding="utf-8")
    (root / "transactions.csv").write_text(
        f"t_dat,customer_id,article_id,price,sales_channel_id\n2020-09-01,{CUSTOMER},{LAST_ARTICLE},0.0495,2\n",
        encoding="utf-8")
    data = root / "data"
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("RECLMMS_")]:
            mp.delenv(name)
        mp.setenv("RECLMMS_CONFIG", os.devnull)
        mp.setenv("RECLMMS_STORAGE_DATA_DIR", str(data))
        assert main(["ingest", "catalog", str(root / "products.csv"), "--customers", str(root / "customers.csv"),
                     "--transactions", str(root / "transactions.csv"), "--no-index", "--no-images"]) == 0
        for n in range(3):  # other conversations first: the kept one's checkpoint is then on the table's last page
            assert main(["ask", "--session", f"earlier-{n}", "hello", "--backend", "scripted"]) == 0
    rc, err = reclmms(data, "ask", "--session", "kept", "hello")
    assert rc == 0, err
    for name in ("reclmms.sqlite3", "conversations.sqlite3"):
        assert (data / name).is_file() and not list(data.glob(f"{name}-*")), name
    return data


def snapshot(data: Path) -> dict[str, str]:
    """Every file and folder under ``data``, with a digest of each file's bytes."""
    return {str(p.relative_to(data)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() and not p.is_symlink()
            else "folder" if p.is_dir() else "link"
            for p in sorted(data.rglob("*"))}


def _page_size(path: Path) -> int:
    size = int.from_bytes(path.read_bytes()[16:18], "big")  # the header's page size; 1 stands for 65536
    return 65536 if size == 1 else size


def a_folder(path: Path) -> None:
    """A folder where the file was (or would be)."""
    if path.exists():
        path.unlink()
    path.mkdir()


def not_a_database(path: Path, how: str) -> None:
    """``path`` replaced by a text file or random bytes (a file copied over it by mistake)."""
    if how == "text":
        path.write_text("customer_id,article_id\nc1,0100000001\n", encoding="utf-8")
    else:
        path.write_bytes(random.Random(7).randbytes(64 * 1024))


def garbage_pages(path: Path) -> None:
    """A valid header and schema (page 1), every later page overwritten with garbage."""
    size = _page_size(path)
    raw = bytearray(path.read_bytes())
    assert len(raw) > 2 * size
    noise = random.Random(11).randbytes(len(raw) - size)
    raw[size:] = noise
    path.write_bytes(bytes(raw))


def truncated(path: Path) -> None:
    """The file cut to half its pages (a copy that stopped half way)."""
    size = _page_size(path)
    raw = path.read_bytes()
    path.write_bytes(raw[: (len(raw) // 2) // size * size])


def garble_last_leaf(path: Path, table: str) -> None:
    """The last leaf page of ``table`` overwritten with garbage: opening the store reads its first rows
    and finds nothing wrong; a command that reads the whole table does."""
    size = _page_size(path)
    with contextlib.closing(sqlite3.connect(path)) as conn:  # closed: no -wal or -shm file is left
        page = conn.execute("SELECT max(pageno) FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,)).fetchone()
    assert page[0] is not None and page[0] > 2
    with path.open("r+b") as fh:
        fh.seek((page[0] - 1) * size)
        fh.write(random.Random(13).randbytes(size))
