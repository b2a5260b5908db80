"""Validation and decoding of photos: uploaded bytes and catalog image files.

Both are turned upright by their EXIF Orientation tag before anything embeds them.
A photo is rejected with ``BadImageError`` (and a message for the user) when it is
empty, over 20 MB, not an image, truncated/corrupt, or a decompression bomb. Pillow's
own bomb guard is a process-wide global; here the pixel limit is checked explicitly
from the header, before decoding, so nothing global changes.

A JPEG over the limit (a 48 MP phone photo sent as a file) is decoded at a half, a quarter or
an eighth of its size, which JPEG allows without decoding it whole; only other formats are
refused for their size (``TooManyPixelsError``).
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from reclmms.errors import BadImageError, TooManyPixelsError

MAX_PHOTO_BYTES = 20 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000  # e.g. 8000 x 5000; a real phone photo is 12-50 MP, downscaled by Telegram
MAX_SIDE = 4096  # longer sides are scaled down after decoding: embedders look at a few hundred pixels
_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")


def load_photo(data: bytes, *, max_bytes: int = MAX_PHOTO_BYTES, max_pixels: int = MAX_PHOTO_PIXELS) -> Image.Image:
    """Decode uploaded photo bytes into an RGB image, or raise BadImageError."""
    if not data:
        raise BadImageError("the photo is empty")
    if len(data) > max_bytes:
        raise BadImageError(
            f"the photo is too large ({len(data) / 1e6:.1f} MB); the limit is {max_bytes // (1024 * 1024)} MB"
        )
    return _decode(io.BytesIO(data), "the photo", max_pixels)


def load_image_file(path: str | Path, *, max_pixels: int = MAX_PHOTO_PIXELS) -> Image.Image:
    """Decode a catalog image file (for indexing), or raise BadImageError."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_PHOTO_BYTES + 1)
    except OSError as exc:
        raise BadImageError(f"cannot read image {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_PHOTO_BYTES:
        raise BadImageError(f"image {path} is over {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
    if not data:
        raise BadImageError(f"image {path} is empty")
    return _decode(io.BytesIO(data), f"image {Path(path).name}", max_pixels)


def _upright(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF Orientation tag says (phone photos are often stored sideways).

    A broken EXIF block is not a reason to refuse a photo: it is then used as stored.
    """
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on malformed EXIF
        return image


def _within(width: int, height: int, max_pixels: int) -> tuple[int, int]:
    """The size to ask ``Image.draft`` for: it decodes at the largest JPEG reduction (1/2 to 1/8) the
    asked size allows, so this asks for the first one that brings the image within ``max_pixels``."""
    for scale in (2, 4, 8):
        if (width // scale) * (height // scale) <= max_pixels:
            break
    return max(1, width // scale), max(1, height // scale)


def _decode(buf: io.BytesIO, what: str, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow's warning (over ~89 MP) is left to the explicit check below, so that a JPEG
            # between that and Pillow's hard limit (~179 MP) can still be decoded reduced
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(buf, formats=_FORMATS)
            width, height = image.size
            if width <= 0 or height <= 0:
                raise BadImageError(f"{what} has no pixels")
            if width * height > max_pixels and image.format == "JPEG":
                image.draft("RGB", _within(width, height, max_pixels))
                width, height = image.size
            if width * height > max_pixels:
                raise TooManyPixelsError(
                    f"{what} is {width}x{height} pixels, over the limit of {max_pixels // 1_000_000} megapixels"
                    " (a smaller copy will do)"
                )
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)
            image.load()
            rgb = _upright(image).convert("RGB")
            if max(rgb.size) > MAX_SIDE:  # a 60000x100 strip: embedders pad to a square of its long side
                rgb.thumbnail((MAX_SIDE, MAX_SIDE))
    except BadImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooManyPixelsError(f"{what} has too many pixels to decode (a decompression bomb?)") from None
    except UnidentifiedImageError:
        raise BadImageError(f"{what} is not an image (JPEG, PNG, WebP, GIF, BMP or TIFF)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise BadImageError(f"{what} is corrupt or truncated ({exc})") from None
    return rgb
