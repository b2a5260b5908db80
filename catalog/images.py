"""Validation and decoding of photos: uploaded bytes and catalog image files.

Both are turned upright by their EXIF Orientation tag before anything embeds them.
A photo is rejected with ``BadImageError`` (and a message for the user) when it is
empty, over 20 MB, not an image, truncated/corrupt, or a decompression bomb. Pillow's
own bomb guard is a process-wide global; here the pixel limit is checked explicitly
from the header, before decoding, so nothing global changes.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from reclmms.errors import BadImageError

MAX_PHOTO_BYTES = 20 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000  # e.g. 8000 x 5000; a real phone photo is 12-50 MP, downscaled by Telegram
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


def _decode(buf: io.BytesIO, what: str, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(buf, formats=_FORMATS)
            width, height = image.size
            if width <= 0 or height <= 0:
                raise BadImageError(f"{what} has no pixels")
            if width * height > max_pixels:
                raise BadImageError(
                    f"{what} is {width}x{height} pixels, over the limit of {max_pixels // 1_000_000} megapixels"
                    " (a decompression bomb?)"
                )
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)
            image.load()
            rgb = _upright(image).convert("RGB")
    except BadImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadImageError(f"{what} is too many pixels (a decompression bomb?)") from None
    except UnidentifiedImageError:
        raise BadImageError(f"{what} is not an image (JPEG, PNG, WebP, GIF, BMP or TIFF)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise BadImageError(f"{what} is corrupt or truncated ({exc})") from None
    return rgb
