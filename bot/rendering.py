"""Pure rendering: product cards, HTML escaping, message splitting, signed button data.

Catalog text on a card (a name, a colour, a description) is shown without the characters that the model's text
loses too (``agent.llm.model_text.clean``: control characters and the bidirectional overrides and isolates that
show the rest of a line reversed) and without zero-width spaces. A card's caption fits Telegram's 1024
characters: a long description is cut at a word with "…", and its rest follows (``card_text``).

Nothing here talks to Telegram; the functions are unit-tested offline.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from agent.llm.model_text import clean
from bot.i18n import t
from catalog import money
from catalog.models import Article

MESSAGE_LIMIT = 4096  # characters in a text message
CAPTION_LIMIT = 1024  # characters in a photo caption
MEDIA_GROUP_MAX = 10
BUTTON_TTL_S = 7 * 24 * 3600

ACTIONS = {"m": "more", "d": "details", "c": "cheaper"}
NAME_MAX = 200  # characters of a product's name on a card; the other short fields get 100
MIN_DESCRIPTION = 40  # a caption with less room than this for the description sends all of it after the photo
# zero-width spaces (U+200B, the word joiner U+2060, the byte-order mark U+FEFF, U+180E); the joiners U+200C/D
# stay, as part of Persian, Indic and emoji writing
_ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff\u180e]")

logger = logging.getLogger(__name__)


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def counted(n: int, noun: str) -> str:
    """"1 turn", "2 turns": an English count for the log and /stats."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def units(text: str) -> int:
    """The length of ``text`` as Telegram counts it (UTF-16 code units: an emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def shown(text: str | None, limit: int | None = None) -> str:
    """Catalog text fit for a card: without control characters, bidirectional overrides or isolates
    (``agent.llm.model_text.clean``) and zero-width spaces; cut to ``limit`` characters with "…"."""
    text = _ZERO_WIDTH.sub("", clean(text or "")).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def format_price(price: float | None, lang: str) -> str:
    if price is None:
        return t(lang, "no_price")
    return money.format_price(price, lang)


def card_caption(article: Article, lang: str, index: int | None = None, details: bool = False) -> str:
    """HTML caption of a product card: name, colour, type, price and the article id (with ``details``,
    the product's groups and its description, cut to fit the caption)."""
    return card_text(article, lang, index, details)[0]


def card_text(article: Article, lang: str, index: int | None = None, details: bool = False,
              limit: int = CAPTION_LIMIT) -> tuple[str, str]:
    """A product card as HTML that fits ``limit`` (a caption's 1024, a message's 4096), and the rest of its
    description that did not fit, as plain text ("" when all of it did): the card's description then ends
    in "…" at a word, and the rest starts with "…"."""
    head = f"{index}. " if index is not None else ""
    lines = [f"<b>{esc(head + shown(article.name, NAME_MAX))}</b>"]
    kind = " · ".join(x for x in (shown(article.colour, 100), shown(article.product_type, 100)) if x)
    if kind:
        lines.append(esc(kind))
    lines.append(f"{esc(t(lang, 'price'))}: {esc(format_price(article.price, lang))}")
    lines.append(f"{esc(t(lang, 'article'))}: <code>{esc(article.article_id)}</code>")
    if details:
        groups = (shown(x, 100) for x in (article.index_group, article.section, article.garment_group))
        extra = " · ".join(x for x in groups if x)
        if extra:
            lines.append(esc(extra))
    card = "\n".join(lines)
    description = shown(article.description) if details else ""
    if not description:
        return card, ""
    room = limit - units(card) - 2  # the blank line before the description
    if units(esc(description)) <= room:
        return f"{card}\n\n{esc(description)}", ""
    if room < MIN_DESCRIPTION:
        return card, description
    first = split_text(description, room - 1)[0]  # and "…"
    rest = description[len(first):].lstrip()
    return f"{card}\n\n{esc(first)}…", f"…{rest}"


def split_text(text: str, limit: int = MESSAGE_LIMIT, escaped: bool = True) -> list[str]:
    """Split plain ``text`` into pieces whose (HTML-escaped, when ``escaped``) length fits ``limit``, counted
    as Telegram counts it (``units``).

    Pieces break at a paragraph, line, sentence or word boundary when there is one in the
    second half of the piece; otherwise mid-word.
    """

    def size(s: str) -> int:
        return units(esc(s)) if escaped else units(s)

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


KEY_MARK = "#"  # the article-id field holds ``#`` and the key of an id the data cannot carry
KEYS_KEPT = 100_000  # keys of such ids remembered, the most recently shown first


def article_key(article_id: str) -> str:
    """A short fixed-length key for an article id: 16 characters of its SHA-256."""
    return _b64(hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).digest()[:12])


class ButtonSigner:
    """Callback data ``<a>|<article_id>|<minute>|<tag>``, signed per chat, at most 64 bytes.

    A forged or altered value fails the tag; a value older than ``ttl_s`` is stale. An article id that
    the data cannot carry (longer than about 40 bytes, as "product-<uuid>" is, or holding the separator
    ``|``) is carried as ``#`` and its key (``article_key``), signed all the same; the signer remembers the
    ids of the keys it signed (the ``keys_kept`` most recent), so a press resolves the key to the id. After
    a restart the first such press has the catalog's ids learned (``learn``), so the button still works
    while its product is in the catalog; a 10-digit H&M id is carried as it is, as it always was.
    """

    def __init__(self, secret: bytes, ttl_s: int = BUTTON_TTL_S, keys_kept: int = KEYS_KEPT) -> None:
        self._secret = secret
        self._ttl_s = ttl_s
        self._keys: OrderedDict[str, str] = OrderedDict()
        self._keys_kept = keys_kept
        self.catalog_learned = False  # the catalog's keyed ids were learned (``learn``), after a restart

    def _tag(self, body: str, chat_id: int) -> str:
        return _b64(hmac.new(self._secret, f"{body}|{chat_id}".encode(), hashlib.sha256).digest()[:9])

    def _field(self, article_id: str, room: int) -> str:
        """What the data carries for ``article_id``: the id itself, or ``#`` and its key."""
        try:
            size = len(article_id.encode())
        except UnicodeEncodeError:  # a lone surrogate: no callback data can hold it
            size = room + 1
        if article_id and "|" not in article_id and not article_id.startswith(KEY_MARK) and size <= room:
            return article_id
        key = article_key(article_id)
        self._keys[key] = article_id
        self._keys.move_to_end(key)
        while len(self._keys) > self._keys_kept:
            self._keys.popitem(last=False)
        return KEY_MARK + key

    def sign(self, action: str, article_id: str, chat_id: int, now: float | None = None) -> str:
        code = next(k for k, v in ACTIONS.items() if v == action)
        minute = f"{int((now or time.time()) // 60):x}"
        room = 64 - len(code) - len(minute) - 15  # three separators and the 12-character tag
        body = f"{code}|{self._field(article_id, room)}|{minute}"
        return f"{body}|{self._tag(body, chat_id)}"

    def _genuine(self, data: str, chat_id: int, now: float | None) -> tuple[str, str] | None:
        """(action code, article field) of a button this bot signed for ``chat_id`` and not yet stale."""
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
        return parts[0], parts[1]

    def verify(self, data: str, chat_id: int, now: float | None = None) -> ButtonData | None:
        """The button's meaning, or None when forged, malformed or stale (also: a key this signer does not know,
        ``unknown_key``)."""
        genuine = self._genuine(data, chat_id, now)
        if genuine is None:
            return None
        code, field = genuine
        article_id = self._keys.get(field[len(KEY_MARK):]) if field.startswith(KEY_MARK) else field
        if article_id is None:
            logger.info("a button for a product not shown since the bot started: stale")
            return None
        return ButtonData(ACTIONS[code], article_id)

    def unknown_key(self, data: str, chat_id: int, now: float | None = None) -> bool:
        """Whether ``data`` is a genuine, fresh button whose article key this signer does not know: one signed
        before a restart, for an id too long to carry. ``learn`` the catalog's ids, and it verifies."""
        genuine = self._genuine(data, chat_id, now)
        return genuine is not None and genuine[1].startswith(KEY_MARK) and genuine[1][len(KEY_MARK):] not in self._keys

    def learn(self, article_ids: Iterable[str]) -> int:
        """Remember the keys of those ``article_ids`` a button carries as a key; how many."""
        keyed = [i for i in article_ids if "|" in i or i.startswith(KEY_MARK) or len(i.encode(errors="replace")) > 30]
        for article_id in keyed:
            self._keys[article_key(article_id)] = article_id
        while len(self._keys) > self._keys_kept:
            self._keys.popitem(last=False)
        return len(keyed)


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
        lines.append(f"{esc(day)} · {esc(shown(name, NAME_MAX))} · {esc(format_price(price, lang))} · <code>{esc(article_id)}</code>")
    return "\n".join(lines)
