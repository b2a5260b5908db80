"""CSV files whose lines end in CR CR LF, which DuckDB's CSV reader cannot parse.

A CRLF file written again in text mode on Windows (Python's ``csv`` module without
``newline=''``, a second ``unix2dos``, some export tools) ends every line in CR CR LF. Python's csv
module and spreadsheet programs read it as rows with blank lines between them; DuckDB stops with
"The CSV Parser state machine reached an invalid state". Plain CRLF, LF and CR files need nothing.

``duckdb_readable(path)`` gives DuckDB a copy of such a file whose lines end in LF, written in
bounded memory; the line numbers DuckDB reports are those of the original (one LF per line).
``csv_lines(path, encoding)`` gives Python's csv reader the file's lines the same way, so its
``line_num`` counts LFs too (instead of seeing a blank row after every row).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

SAMPLE_BYTES = 1 << 20
CHUNK_BYTES = 8 << 20
_LINE_END = re.compile(rb"\r+\n")
_TEXT_LINE_END = re.compile(r"\r+\n\Z")


def has_doubled_cr(path: Path) -> bool:
    """Whether the first MiB of ``path`` has a line ending in CR CR LF."""
    with Path(path).open("rb") as fh:
        return b"\r\r\n" in fh.read(SAMPLE_BYTES)


def write_lf_copy(source: Path, target: Path, chunk_bytes: int = CHUNK_BYTES) -> None:
    """Copy ``source`` to ``target`` with every run of CRs before an LF dropped."""
    with Path(source).open("rb") as src, Path(target).open("wb") as dst:
        held = b""  # CRs at the end of a chunk: their LF may start the next one
        while chunk := src.read(chunk_bytes):
            data = _LINE_END.sub(b"\n", held + chunk)
            kept = data.rstrip(b"\r")
            held = data[len(kept):]
            dst.write(kept)
        dst.write(held)


@contextlib.contextmanager
def duckdb_readable(path: Path, scratch: Path | None = None) -> Iterator[Path]:
    """``path`` itself, or for a CR CR LF file an LF copy in a temporary folder made in ``scratch``
    (an existing folder; the system's temporary folder when None), removed on exit."""
    if not has_doubled_cr(path):
        yield path
        return
    folder = Path(tempfile.mkdtemp(prefix="csv-lf-", dir=scratch))
    try:
        copy = folder / Path(path).name
        write_lf_copy(path, copy)
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def csv_lines(path: Path, encoding: str, errors: str = "strict") -> Iterator[Iterable[str]]:
    """What to give ``csv.reader`` for ``path``: the file opened with ``newline=''``, or for a
    CR CR LF file its LF-separated lines with the CRs before each LF dropped."""
    if not has_doubled_cr(path):
        with Path(path).open(newline="", encoding=encoding, errors=errors) as fh:
            yield fh
        return
    with Path(path).open(newline="\n", encoding=encoding, errors=errors) as fh:
        yield (_TEXT_LINE_END.sub("\n", line) for line in fh)
