"""Checks on input files, made before an ingest writes anything: present, text, required columns.

Files read by Python (the product file, H&M's articles.csv) are also decoded in full before
anything is written; a byte that is not UTF-8 further down becomes a one-line ``DataError`` there
(``not_text``, which names its line). Files read by DuckDB (transactions, customers) are checked on their first MiB here;
a later line that is not UTF-8 is a bad row, reported with its line number.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Sequence
from pathlib import Path

from reclmms.errors import DataError

SAMPLE_BYTES = 1 << 20
UTF8 = "utf-8-sig"  # UTF-8, with or without a byte-order mark
UTF16 = "utf-16"  # reads the byte-order mark and picks the byte order


def text_encoding(path: Path, *, utf16: bool = False) -> str:
    """The encoding to read ``path`` with: UTF-8 (with or without a byte-order mark), or, when
    ``utf16``, UTF-16 for a file that starts with a UTF-16 byte-order mark.

    Raises DataError for a missing file, a binary file, UTF-16 without a mark (or when not
    ``utf16``), and anything else whose first MiB is not UTF-8."""
    path = Path(path)
    if not path.is_file():  # never opened: a FIFO or a device could block or never end
        if path.exists():
            raise DataError(f"{path} is not a regular file")
        raise DataError(f"file not found: {path}")
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise DataError(f"{path} is not UTF-8 text (it is UTF-32): save it as UTF-8")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if not utf16:
            raise DataError(f"{path} is not UTF-8 text (it is UTF-16): save it as UTF-8")
        try:
            codecs.getincrementaldecoder(UTF16)().decode(sample, final=len(sample) < SAMPLE_BYTES)
        except UnicodeDecodeError:
            raise DataError(f"{path} is not UTF-16 text, though it starts with a UTF-16 byte-order mark") from None
        return UTF16
    if b"\x00" in sample:
        raise DataError(f"{path} is not UTF-8 text (it holds NUL bytes: a binary file, or UTF-16 without a "
                        "byte-order mark)")
    try:
        codecs.getincrementaldecoder(UTF8)().decode(sample, final=len(sample) < SAMPLE_BYTES)
    except UnicodeDecodeError as exc:
        line = sample[: exc.start].count(b"\n") + 1
        raise DataError(f"{path} is not UTF-8 text (a byte that is not UTF-8 on line {line})") from None
    return UTF8


def not_text(path: Path, encoding: str) -> DataError:
    """The error for a decoding failure found while parsing ``path``, naming the line of the first bad byte."""
    if encoding == UTF16:
        return DataError(f"{path} is not UTF-16 text (it holds a byte sequence that is not UTF-16)")
    line = first_bad_line(path)
    where = f" on line {line}" if line is not None else ""
    return DataError(f"{path} is not UTF-8 text (a byte that is not UTF-8{where})")


def first_bad_line(path: Path) -> int | None:
    """The line number of the first byte of ``path`` that is not UTF-8, or None when there is none."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with Path(path).open("rb") as fh:
        while True:
            chunk = fh.read(SAMPLE_BYTES)
            pending = len(decoder.getstate()[0])  # bytes of a character begun in the previous chunk
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return line + chunk[: max(0, exc.start - pending)].count(b"\n")
            if not chunk:
                return None
            line += chunk.count(b"\n")


def csv_header(path: Path) -> list[str]:
    """The stripped header row of a UTF-8 CSV file (DataError when missing, not text or empty)."""
    encoding = text_encoding(path)
    with Path(path).open(newline="", encoding=encoding) as fh:
        header = next(csv.reader(fh), None)
    if not header:
        raise DataError(f"{path} is empty (no header row)")
    return [h.strip() for h in header]


def require_columns(path: Path, header: Sequence[str], required: Sequence[str]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise DataError(f"{path} is missing column(s): {', '.join(missing)}")


def check_csv(path: Path, required: Sequence[str]) -> list[str]:
    """A UTF-8 CSV file with at least the ``required`` columns; return its header."""
    header = csv_header(path)
    require_columns(path, header, required)
    return header
