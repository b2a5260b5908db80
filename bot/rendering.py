"""Pure rendering: product cards, HTML escaping, message splitting, signed button data.

Nothing here talks to Telegram; the functions are unit-tested offline.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import time
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import t
from catalog import money
from catalog.models import Article

MESSAGE_LIMIT = 4096  # characters in a text message
CAPTION_LIMIT = 1024  # characters in a photo caption
MEDIA_GROUP_MAX = 10
BUTTON_TTL_S = 7 * 24 * 3600

ACTIONS = {"m": "more", "d": "details", "c": "cheaper"}


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def format_price(price: float | None, lang: str) -> str:
    if price is None:
        return t(lang, "no_price")
    return money.format_price(price, lang)


def card_caption(article: Article, lang: str, index: int | None = None, details: bool = False) -> str:
    """HTML caption of a product card: name, colour, type, price and the article id."""
    head = f"{index}. " if index is not None else ""
    lines = [f"<b>{esc(head + article.name)}</b>"]
    kind = " · ".join(x for x in (article.colour, article.product_type) if x)
    if kind:
        lines.append(esc(kind))
    lines.append(f"{esc(t(lang, 'price'))}: {esc(format_price(article.price, lang))}")
    lines.append(f"{esc(t(lang, 'article'))}: <code>{esc(article.article_id)}</code>")
    if details:
        extra = " · ".join(x for x in (article.index_group, article.section, article.garment_group) if x)
        if extra:
            lines.append(esc(extra))
        if article.description:
            lines.append("")
            lines.append(esc(article.description))
    caption = "\n".join(lines)
    if len(caption) > CAPTION_LIMIT:
        caption = "\n".join(lines[:4])
    return caption


def split_text(text: str, limit: int = MESSAGE_LIMIT, escaped: bool = True) -> list[str]:
    """Split plain ``text`` into pieces whose (HTML-escaped, when ``escaped``) length fits ``limit``.

    Pieces break at a paragraph, line, sentence or word boundary when there is one in the
    second half of the piece; otherwise mid-word.
    """

    def size(s: str) -> int:
        return len(esc(s)) if escaped else len(s)

    pieces: list[str] = []
    rest = text
    while rest and size(rest) > limit:
        # the longest prefix that fits
        lo, hi = 1, min(len(rest), limit)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if size(rest[:mid]) <= limit:
                lo = mid
            else:
                hi = mid - 1
        cut = lo
        window = rest[:cut]
        for sep in ("\n\n", "\n", ". ", "。", " "):
            pos = window.rfind(sep)
            if pos >= cut // 2:
                cut = pos + len(sep)
                break
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return [p for p in pieces if p]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass(frozen=True, slots=True)
class ButtonData:
    action: str  # "more" | "details" | "cheaper"
    article_id: str


class ButtonSigner:
    """Callback data ``<a>|<article_id>|<minute>|<tag>``, signed per chat, at most 64 bytes.

    A forged or altered value fails the tag; a value older than ``ttl_s`` is stale.
    """

    def __init__(self, secret: bytes, ttl_s: int = BUTTON_TTL_S) -> None:
        self._secret = secret
        self._ttl_s = ttl_s

    def _tag(self, body: str, chat_id: int) -> str:
        return _b64(hmac.new(self._secret, f"{body}|{chat_id}".encode(), hashlib.sha256).digest()[:9])

    def sign(self, action: str, article_id: str, chat_id: int, now: float | None = None) -> str:
        code = next(k for k, v in ACTIONS.items() if v == action)
        minute = int((now or time.time()) // 60)
        body = f"{code}|{article_id}|{minute:x}"
        data = f"{body}|{self._tag(body, chat_id)}"
        if len(data.encode()) > 64:
            raise ValueError("callback data over 64 bytes")
        return data

    def verify(self, data: str, chat_id: int, now: float | None = None) -> ButtonData | None:
        """The button's meaning, or None when forged, malformed or stale."""
        parts = data.split("|")
        if len(parts) != 4 or parts[0] not in ACTIONS:
            return None
        body = "|".join(parts[:3])
        if not hmac.compare_digest(parts[3], self._tag(body, chat_id)):
            return None
        try:
            minute = int(parts[2], 16)
        except ValueError:
            return None
        if (now or time.time()) - minute * 60 > self._ttl_s:
            return None
        return ButtonData(ACTIONS[parts[0]], parts[1])


def product_keyboard(
    articles: list[Article], lang: str, signer: ButtonSigner, chat_id: int, numbered: bool
) -> InlineKeyboardMarkup:
    """One row per product: More like this · Details · Cheaper (numbered when several)."""
    rows = []
    for i, art in enumerate(articles, start=1):
        prefix = f"{i}. " if numbered else ""
        rows.append(
            [
                InlineKeyboardButton(prefix + t(lang, "btn_more"), callback_data=signer.sign("more", art.article_id, chat_id)),
                InlineKeyboardButton(prefix + t(lang, "btn_details"), callback_data=signer.sign("details", art.article_id, chat_id)),
                InlineKeyboardButton(prefix + t(lang, "btn_cheaper"), callback_data=signer.sign("cheaper", art.article_id, chat_id)),
            ]
        )
    return InlineKeyboardMarkup(rows)


def history_text(rows: Sequence[tuple[str, str, float | None, str]], lang: str) -> str:
    """``rows`` = (date, name, price, article_id), newest first."""
    lines = [t(lang, "history_title")]
    for day, name, price, article_id in rows:
        lines.append(f"{esc(day)} · {esc(name)} · {esc(format_price(price, lang))} · <code>{esc(article_id)}</code>")
    return "\n".join(lines)
