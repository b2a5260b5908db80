"""Photos from shoppers: size limits, download, and a check that the bytes are a sane image."""

from __future__ import annotations

from catalog.images import load_photo
from reclmms.errors import BadImageError

MAX_IMAGE_BYTES = 20 * 1024 * 1024  # Telegram bots may download files up to 20 MB
# a document of one of these types (or none) may still be an image: its bytes decide
UNTYPED_MIMES = frozenset({"application/octet-stream", "binary/octet-stream", "application/x-binary"})
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".jfif")


class ImageTooLarge(BadImageError):
    pass


def check_image(data: bytes) -> tuple[int, int]:
    """(width, height) the photo is decoded at, with the rules every photo gets
    (``catalog.images``); raise BadImageError for what cannot be used, ImageTooLarge over 20 MB."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageTooLarge("image over 20 MB")
    image = load_photo(data, max_bytes=MAX_IMAGE_BYTES)
    return image.size
