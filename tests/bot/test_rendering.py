"""Offline: cards, escaping, splitting, signed button data, languages, image checks, redaction."""

from __future__ import annotations

import io
import logging
import time

import pytest
from PIL import Image

from bot.i18n import STRINGS, lang_of, t
from bot.logging_redact import TokenRedactor
from bot.media import MAX_IMAGE_BYTES, ImageTooLarge, check_image
from bot.rendering import (
    CAPTION_LIMIT,
    ButtonData,
    ButtonSigner,
    card_caption,
    card_text,
    format_price,
    product_keyboard,
    split_text,
    units,
)
from catalog.models import Article
from reclmms.errors import BadImageError

ART = Article("0123456789", "Rose <Dress> & Co", product_type="Dress", colour="Dark Red", price=0.0254,
              description="Flowy & light.", index_group="Ladieswear")


def test_card_caption_has_name_colour_type_price_and_id_escaped() -> None:
    cap = card_caption(ART, "en", index=2)
    assert cap.startswith("<b>2. Rose &lt;Dress&gt; &amp; Co</b>")
    assert "Dark Red · Dress" in cap and "Price: 0.0254" in cap and "<code>0123456789</code>" in cap
    zh = card_caption(ART, "zh")
    assert "价格" in zh and "货号" in zh
    details = card_caption(ART, "en", details=True)
    assert "Flowy &amp; light." in details and "Ladieswear" in details
    assert format_price(None, "en") == "price on request" and format_price(12.5, "en") == "12.50"


def test_prices_are_written_in_the_shoppers_number_format() -> None:
    assert "Preis: 0,0254" in card_caption(ART, "de")
    assert format_price(1234.5, "de") == "1.234,50" and format_price(1234.5, "fr") == "1\u202f234,50"
    assert format_price(29.99, "pt-br") == "29,99" and format_price(29.99, "zh") == "29.99"
    assert format_price(29.99, "xx") == "29.99"  # a language the number data lacks: English marks


@pytest.mark.parametrize("text", ["a" * 10_000, ("word & <tag> " * 900), ("第一句话。" * 2000), "short"])
def test_split_text_respects_the_limit_after_escaping(text: str) -> None:
    pieces = split_text(text, limit=4096)
    import html

    assert all(len(html.escape(p, quote=False)) <= 4096 for p in pieces)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "").strip()
    if len(text) > 4096:
        assert len(pieces) >= 2


def test_split_prefers_sentence_boundaries() -> None:
    text = ("One sentence here. " * 300).strip()
    pieces = split_text(text, limit=1000)
    assert all(p.endswith(".") for p in pieces)


def test_button_data_is_signed_per_chat_and_expires() -> None:
    signer = ButtonSigner(b"k" * 32, ttl_s=3600)
    data = signer.sign("cheaper", "0123456789", chat_id=5)
    assert len(data.encode()) <= 64
    ok = signer.verify(data, chat_id=5)
    assert ok is not None and ok.action == "cheaper" and ok.article_id == "0123456789"
    assert signer.verify(data, chat_id=6) is None
    assert signer.verify(data.replace("0123456789", "0123456788"), chat_id=5) is None
    assert ButtonSigner(b"x" * 32).verify(data, chat_id=5) is None
    assert signer.verify("d|0123456789|zz|AAAA", 5) is None and signer.verify("", 5) is None
    old = signer.sign("more", "0123456789", chat_id=5, now=time.time() - 7200)
    assert signer.verify(old, chat_id=5) is None


@pytest.mark.parametrize("article_id", ["product-1b4e28ba-2fa1-11d2-883f-0016d3cca427", "SKU|RED|42", "#12",
                                        "商品-" * 12, "x" * 500])
def test_any_article_id_gets_working_buttons(article_id: str) -> None:
    signer = ButtonSigner(b"k" * 32)
    data = signer.sign("details", article_id, chat_id=5)
    assert len(data.encode()) <= 64 and article_id not in data  # a key stands for the id, signed
    assert signer.verify(data, chat_id=5) == ButtonData("details", article_id)
    assert signer.verify(data, chat_id=6) is None
    assert ButtonSigner(b"k" * 32).verify(data, chat_id=5) is None  # after a restart: stale, never a wrong product
    assert signer.sign("more", "0123456789", chat_id=5).split("|")[1] == "0123456789"  # H&M ids as before


def test_a_long_description_is_cut_at_a_word_to_fit_the_caption() -> None:
    text = "Soft 🌿 cotton & linen, woven <by hand>. " * 60
    art = Article("0123456789", "Robe", colour="Sand", price=9.0, description=text, index_group="Ladieswear")
    caption, rest = card_text(art, "en", details=True)
    assert units(caption) <= CAPTION_LIMIT and "Ladieswear" in caption and "Price: 9.00" in caption
    assert caption.endswith("…") and rest.startswith("…") and " ".join((caption + rest).split()).count("……") == 1
    assert card_caption(art, "en", details=True) == caption
    whole, none = card_text(art, "en", details=True, limit=4096)
    assert none == "" and "Soft 🌿 cotton &amp; linen, woven &lt;by hand&gt;." in whole


def test_keyboard_rows_per_product() -> None:
    signer = ButtonSigner(b"k" * 32)
    kb = product_keyboard([ART, ART], "zh", signer, 1, numbered=True)
    rows = kb.inline_keyboard
    assert len(rows) == 2 and [b.text for b in rows[1]] == ["2. 相似款", "2. 详情", "2. 更便宜"]


def test_languages() -> None:
    assert lang_of("zh-hans") == "zh" and lang_of("en-GB") == "en" and lang_of(None) == "en" and lang_of("xx") == "en"
    assert set(STRINGS["zh"]) == set(STRINGS["en"])  # every string is translated
    assert "20" in t("zh", "too_long", limit=20)


def _png(size: tuple[int, int], mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size).save(buf, format="PNG")
    return buf.getvalue()


def test_image_checks() -> None:
    assert check_image(_png((32, 16))) == (32, 16)
    with pytest.raises(BadImageError):
        check_image(b"not an image")
    with pytest.raises(BadImageError):
        check_image(_png((64, 64))[:60])  # truncated
    with pytest.raises(BadImageError):
        check_image(_png((10_000, 10_000), "1"))  # 100 Mpx in a few kB
    with pytest.raises(ImageTooLarge):
        check_image(b"\0" * (MAX_IMAGE_BYTES + 1))


def test_token_never_reaches_the_log() -> None:
    token = "123:SECRET"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(TokenRedactor(token))
    log = logging.getLogger("test.redaction")
    log.addHandler(handler)
    try:
        log.warning("calling https://api.telegram.org/bot%s/getMe", token)
        try:
            raise RuntimeError(f"failed url .../bot{token}/sendMessage")
        except RuntimeError:
            log.exception("boom")
    finally:
        log.removeHandler(handler)
    out = stream.getvalue()
    assert "SECRET" not in out and "<token>" in out and "Traceback" in out
