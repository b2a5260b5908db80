"""Photo files a shopper might send that are not usable photos, each with the message it must get."""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image


def bad_photos(folder: Path) -> dict[str, tuple[Path, str]]:
    """Write the files into ``folder``: kind -> (path, a part of the one-line error it must get)."""
    text = folder / "notes.jpg"
    text.write_text("not a photo at all", encoding="utf-8")
    buf = io.BytesIO()
    Image.new("RGB", (200, 300), "red").save(buf, "JPEG")
    corrupt = folder / "broken.jpg"
    corrupt.write_bytes(buf.getvalue()[:400])
    bomb = folder / "bomb.png"
    Image.new("1", (9000, 9000)).save(bomb)
    big = folder / "big.jpg"
    with big.open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    empty = folder / "empty.jpg"
    empty.write_bytes(b"")
    a_folder = folder / "album.jpg"
    a_folder.mkdir(exist_ok=True)
    fifo = folder / "pipe.jpg"  # reading it would wait for a writer forever
    if not fifo.exists():
        os.mkfifo(fifo)
    return {
        "text": (text, "is not an image"),
        "corrupt": (corrupt, "corrupt or truncated"),
        "bomb": (bomb, "megapixels"),
        "big": (big, "too large"),
        "empty": (empty, "the photo is empty"),
        "missing": (folder / "nope.jpg", "photo file not found"),
        "folder": (a_folder, f"the photo {a_folder} is not a regular file"),
        "fifo": (fifo, f"the photo {fifo} is not a regular file"),
        "device": (Path("/dev/zero"), "the photo /dev/zero is not a regular file"),
    }
