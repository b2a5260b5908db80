"""Photo validation: every bad upload becomes a BadImageError with a clear message."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from catalog.images import MAX_PHOTO_BYTES, load_image_file, load_photo
from reclmms.errors import BadImageError, TooManyPixelsError


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


@pytest.mark.parametrize("size", [(8064, 6048), (12000, 9000)])  # a 48 MP and a 108 MP phone photo
def test_a_jpeg_over_the_pixel_limit_is_decoded_reduced(size: tuple[int, int]) -> None:
    buf = io.BytesIO()
    Image.new("RGB", size, (30, 60, 200)).save(buf, "JPEG", quality=60)
    image = load_photo(buf.getvalue())
    assert image.mode == "RGB" and image.width * image.height <= 40_000_000
    assert image.width * 2 >= size[0] // 4 and abs(image.width / image.height - size[0] / size[1]) < 0.01
    assert image.getpixel((10, 10))[2] > 150  # still the blue photo


def test_a_png_over_the_pixel_limit_says_a_smaller_copy_will_do() -> None:
    buf = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buf, "PNG")
    with pytest.raises(TooManyPixelsError, match="9000x9000 pixels, over the limit of 40 megapixels"):
        load_photo(buf.getvalue())


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


def _sideways_jpeg() -> tuple[Image.Image, bytes]:
    """A photo with a red top half, stored rotated 90° with EXIF Orientation=6, as phones do."""
    upright = Image.new("RGB", (60, 100), (255, 255, 255))
    upright.paste((220, 20, 20), (0, 0, 60, 50))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # what the camera wrote: 100x60, sideways
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    buf = io.BytesIO()
    stored.save(buf, "JPEG", quality=95, exif=exif)
    return upright, buf.getvalue()


def test_photos_are_turned_upright_by_their_exif_orientation(tmp_path) -> None:  # type: ignore[no-untyped-def]
    upright, data = _sideways_jpeg()
    file = tmp_path / "sideways.jpg"
    file.write_bytes(data)
    for image in (load_photo(data), load_image_file(file)):
        assert image.size == upright.size == (60, 100)
        top, bottom = image.getpixel((30, 10)), image.getpixel((30, 90))
        assert top[0] > 180 and top[1] < 80, top  # red on top, as the shopper saw it
        assert min(bottom) > 200, bottom


@pytest.mark.parametrize("size", [(60000, 100), (100, 60000)])
def test_a_long_strip_is_scaled_down_so_nothing_pads_it_to_a_huge_square(size: tuple[int, int]) -> None:
    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, "JPEG")
    image = load_photo(buf.getvalue())
    assert max(image.size) == 4096 and min(image.size) >= 1
