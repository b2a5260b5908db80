"""Cheap checks that an article image is a usable picture, before it is recorded and embedded."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from PIL import Image

# Real H&M images are a few hundred KB; anything far bigger is not a catalog photo.
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000


def image_ok(path: Path) -> bool:
    """True when ``path`` is a readable, non-truncated image of sane size.

    Reads the header and checks structure (PIL ``verify``) without decoding pixels; a JPEG must
    also end with its end-of-image marker, which catches the common truncated-download case.
    """
    try:
        size = path.stat().st_size
        if size == 0 or size > MAX_IMAGE_BYTES:
            return False
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                fmt = im.format
                width, height = im.size
                if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
                    return False
                im.verify()
        if fmt == "JPEG":
            with path.open("rb") as fh:
                fh.seek(max(0, size - 64))
                if b"\xff\xd9" not in fh.read():
                    return False
        return True
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return False


def scan_image_folders(images_dir: Path) -> set[str]:
    """Relative paths ("0XX/0XXXXXXXXX.jpg") of the files one level down: one directory listing per
    folder instead of one failed ``stat`` per article without an image."""
    found: set[str] = set()
    with os.scandir(images_dir) as folders:
        for folder in folders:
            if folder.is_dir():
                with os.scandir(folder.path) as files:
                    found.update(f"{folder.name}/{f.name}" for f in files if f.is_file())
    return found


def hm_image_path(images_dir: Path, article_id: str) -> Path:
    """Kaggle layout: images/0XX/0XXXXXXXXX.jpg (the folder is the first 3 characters of the id)."""
    return images_dir / article_id[:3] / f"{article_id}.jpg"
