"""Photos from shoppers: size limits, download, and a check that the bytes are a sane image."""

from __future__ import annotations

import asyncio
import io
import warnings

from PIL import Image

from reclmms.errors import BadImageError

MAX_IMAGE_BYTES = 20 * 1024 * 1024  # Telegram bots may download files up to 20 MB
MAX_PIXELS = 40_000_000  # above this we treat an image as a decompression bomb
IMAGE_MIME_PREFIX = "image/"


class ImageTooLarge(BadImageError):
    pass


def check_image(data: bytes, max_pixels: int = MAX_PIXELS) -> tuple[int, int]:
    """Return (width, height) of a valid image; raise BadImageError for corrupt data or a bomb."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageTooLarge("image over 20 MB")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                if width * height > max_pixels:
                    raise BadImageError(f"image of {width}x{height} pixels is too large (decompression bomb?)")
                img.verify()
            with Image.open(io.BytesIO(data)) as img:
                img.load()
        except BadImageError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise BadImageError("decompression bomb") from exc
        except Exception as exc:  # noqa: BLE001 - PIL raises many types for corrupt files
            raise BadImageError(f"not a readable image ({type(exc).__name__})") from exc
    return width, height


async def check_image_async(data: bytes) -> tuple[int, int]:
    return await asyncio.to_thread(check_image, data)
