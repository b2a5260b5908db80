"""Photo validation: every bad upload becomes a BadImageError with a clear message."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from catalog.images import MAX_PHOTO_BYTES, load_image_file, load_photo
from reclmms.errors import BadImageError


def _jpeg(size: tuple[int, int] = (120, 180)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def test_valid_photo_decodes_to_rgb() -> None:
    buf = io.BytesIO()
    Image.new("RGBA", (40, 60), (0, 0, 255, 128)).save(buf, "PNG")
    image = load_photo(buf.getvalue())
    assert image.mode == "RGB" and image.size == (40, 60)
    assert load_photo(_jpeg()).size == (120, 180)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"hello, this is plain text and not a picture", "not an image"),
        (_jpeg()[:300], "corrupt"),
        (b"\0" * (MAX_PHOTO_BYTES + 1), "too large"),
    ],
)
def test_bad_photos_are_rejected(data: bytes, words: str) -> None:
    with pytest.raises(BadImageError, match=words):
        load_photo(data)


def test_decompression_bomb_is_rejected_without_touching_pillows_global() -> None:
    before = Image.MAX_IMAGE_PIXELS
    buf = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buf, "PNG")  # 81 MP of one colour: a few KB on disk
    assert len(buf.getvalue()) < 200_000
    with pytest.raises(BadImageError, match="megapixels"):
        load_photo(buf.getvalue())
    assert Image.MAX_IMAGE_PIXELS == before


def test_huge_header_beyond_pillows_own_limit_is_rejected() -> None:
    buf = io.BytesIO()
    Image.new("1", (15000, 15000)).save(buf, "PNG")  # 225 MP: Pillow's own bomb error
    with pytest.raises(BadImageError, match="bomb"):
        load_photo(buf.getvalue())


def test_catalog_image_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "a.jpg"
    good.write_bytes(_jpeg())
    assert load_image_file(good).size == (120, 180)
    bad = tmp_path / "b.jpg"
    bad.write_bytes(_jpeg()[:200])
    with pytest.raises(BadImageError, match="corrupt"):
        load_image_file(bad)
    with pytest.raises(BadImageError, match="cannot read"):
        load_image_file(tmp_path / "missing.jpg")
