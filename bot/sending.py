"""Talking to Telegram: HTML with a plain-text fallback, product cards, streamed prose."""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from telegram import Bot, InputMediaPhoto, MaybeInaccessibleMessage, Message, ReplyParameters
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, InvalidToken, TelegramError

from bot.flood_limits import FloodWaitCut
from bot.i18n import t
from bot.rendering import (
    MEDIA_GROUP_MAX,
    MESSAGE_LIMIT,
    ButtonSigner,
    card_caption,
    card_text,
    esc,
    product_keyboard,
    split_text,
    units,
)
from bot.retrying import lost, maybe_delivered, refused_by_chat, unreachable, why_lost
from catalog.models import Article

logger = logging.getLogger(__name__)
T = TypeVar("T")

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # Telegram's sendPhoto limit
MEDIA_READ_TIMEOUT_S = 30.0  # photos and albums: Telegram may take a while to answer an upload
_TAG_RE = re.compile(r"<[^>]+>")


def to_plain(html_text: str) -> str:
    return html.unescape(_TAG_RE.sub("", html_text))


def _markup_rejected(exc: BadRequest) -> bool:
    text = str(exc).lower()
    return "parse" in text or "entit" in text or "tag" in text


def reply_kwargs(message: MaybeInaccessibleMessage | None) -> dict[str, Any]:
    """Where an answer to ``message`` goes: into its forum topic, and in a group as a reply to it
    (sent all the same if that message was deleted meanwhile)."""
    if not isinstance(message, Message):
        return {}
    kwargs: dict[str, Any] = {}
    if message.is_topic_message and message.message_thread_id:
        kwargs["message_thread_id"] = message.message_thread_id
    if message.chat.type != ChatType.PRIVATE:
        kwargs["reply_parameters"] = ReplyParameters(message.message_id, allow_sending_without_reply=True)
    return kwargs


async def send_html(bot: Bot, chat_id: int, text: str, **kwargs: Any) -> Message:
    """sendMessage with HTML; when Telegram rejects the markup, the same text as plain text."""
    try:
        return await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, **kwargs)
    except BadRequest as exc:
        if not _markup_rejected(exc):
            raise
        logger.warning("HTML rejected (%s); sending plain text", exc)
        return await bot.send_message(chat_id, to_plain(text), **kwargs)


async def edit_html(bot: Bot, chat_id: int, message_id: int, text: str, **kwargs: Any) -> None:
    try:
        await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML, **kwargs)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return
        if not _markup_rejected(exc):
            raise
        logger.warning("HTML rejected on edit (%s); editing as plain text", exc)
        await bot.edit_message_text(to_plain(text), chat_id=chat_id, message_id=message_id, **kwargs)


class ProductMedia:
    """Product photos for cards: the Telegram file_id once uploaded, else the local file's bytes,
    read on the bot's own small thread pool (never queued behind the catalog's embedding work)."""

    def __init__(self, max_ids: int = 50_000) -> None:
        self.file_ids: dict[str, str] = {}
        self.max_ids = max_ids
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bot-media")

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking media work (file reads, image checks) on the bot's own threads."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def remember(self, article_id: str, message: Message) -> None:
        if message.photo:
            if len(self.file_ids) >= self.max_ids:
                self.file_ids.clear()
            self.file_ids[article_id] = message.photo[-1].file_id

    def forget(self, article_ids: list[str]) -> None:
        for article_id in article_ids:
            self.file_ids.pop(article_id, None)

    async def media_for(self, article: Article) -> str | bytes | None:
        known = self.file_ids.get(article.article_id)
        if known is not None:
            return known
        if not article.image_path:
            return None
        path = Path(article.image_path)

        def read() -> bytes | None:
            try:
                if not path.is_file() or path.stat().st_size > MAX_UPLOAD_BYTES:
                    return None
                return path.read_bytes()
            except OSError:
                return None

        return await self.run(read)


def _file_id_refused(exc: BadRequest) -> bool:
    """Telegram no longer knows a photo's file_id ("wrong file identifier/HTTP URL specified")."""
    text = str(exc).lower()
    return "file identifier" in text or "file_id" in text or "file reference" in text


async def send_cards(
    bot: Bot,
    chat_id: int,
    products: list[Article],
    lang: str,
    signer: ButtonSigner,
    media: ProductMedia,
    details: bool = False,
    buttons: bool = True,
    **send_kwargs: Any,
) -> int:
    """Product cards: photos with captions (one media group when several), text for those without
    an image, and the More like this / Details / Cheaper buttons. Returns messages sent. A photo
    file_id that Telegram refuses is forgotten and the photo uploaded again."""
    products = products[:MEDIA_GROUP_MAX]
    if not products:
        return 0
    args = (bot, chat_id, products, lang, signer, media, details, buttons)
    try:
        return await _send_cards(*args, **send_kwargs)
    except BadRequest as exc:
        cached = [art.article_id for art in products if art.article_id in media.file_ids]
        if not cached or not _file_id_refused(exc):
            raise
        logger.warning("Telegram refused %d stored photo id(s) (%s); uploading the photos again", len(cached), exc)
        media.forget(cached)
        return await _send_cards(*args, **send_kwargs)


async def _send_cards(
    bot: Bot,
    chat_id: int,
    products: list[Article],
    lang: str,
    signer: ButtonSigner,
    media: ProductMedia,
    details: bool,
    buttons: bool,
    **send_kwargs: Any,
) -> int:
    numbered = len(products) > 1
    images: list[tuple[int, Article, str | bytes]] = []
    texts: list[tuple[int, Article]] = []
    found = await asyncio.gather(*(media.media_for(art) for art in products))
    for i, (art, item) in enumerate(zip(products, found, strict=True), start=1):
        if item is None:
            texts.append((i, art))
        else:
            images.append((i, art, item))
    keyboard = _keyboard(products, lang, signer, chat_id, numbered) if buttons else None
    sent = 0
    rests: list[str] = []  # what did not fit in the cards of a description
    if len(images) == 1:
        i, art, item = images[0]
        caption, rest = card_text(art, lang, i if numbered else None, details=details)
        attach = keyboard if not texts else None
        media.remember(art.article_id, await _send_photo(bot, chat_id, item, caption, attach, **send_kwargs))
        rests.append(rest)
        sent += 1
    elif images:
        group = [
            InputMediaPhoto(item, caption=card_caption(art, lang, i if numbered else None, details=details), parse_mode=ParseMode.HTML)
            for i, art, item in images
        ]
        msgs = await bot.send_media_group(chat_id, group, read_timeout=MEDIA_READ_TIMEOUT_S, **send_kwargs)
        for (_, art, _), msg in zip(images, msgs, strict=False):
            media.remember(art.article_id, msg)
        sent += 1
    if texts:
        cards = [card_text(art, lang, i if numbered else None, details=details, limit=MESSAGE_LIMIT) for i, art in texts]
        pieces = _packed([card for card, _ in cards])
        for n, piece in enumerate(pieces, start=1):  # the buttons go under the last
            await send_html(bot, chat_id, piece, reply_markup=keyboard if n == len(pieces) else None, **send_kwargs)
            sent += 1
        rests.extend(rest for _, rest in cards)
    elif len(images) > 1 and keyboard is not None:
        sent += await _send_pick(bot, chat_id, len(images), lang, keyboard, **send_kwargs)
    for rest in filter(None, rests):
        for piece in split_text(rest):
            await send_html(bot, chat_id, esc(piece), **send_kwargs)
            sent += 1
    return sent


def _keyboard(products: list[Article], lang: str, signer: ButtonSigner, chat_id: int, numbered: bool) -> Any:
    """The cards' buttons; the cards go without them when they cannot be made (they never stop the cards)."""
    try:
        return product_keyboard(products, lang, signer, chat_id, numbered)
    except Exception:  # noqa: BLE001 - the cards matter more than their buttons
        logger.warning("could not make the buttons of %d product cards for chat %d; sending the cards without them",
                       len(products), chat_id, exc_info=True)
        return None


def _packed(cards: list[str]) -> list[str]:
    """Cards (each within a message's limit) in as few messages as they fit, in order."""
    pieces: list[str] = []
    for card in cards:
        if pieces and units(pieces[-1]) + 2 + units(card) <= MESSAGE_LIMIT:
            pieces[-1] += "\n\n" + card
        else:
            pieces.append(card)
    return pieces


async def _send_pick(bot: Bot, chat_id: int, cards: int, lang: str, keyboard: Any, **send_kwargs: Any) -> int:
    """The "Tap a button…" message that carries the buttons of an album of cards. The cards are out: a failure
    here is its own log line, and the answer goes on."""
    try:
        await send_html(bot, chat_id, esc(t(lang, "pick")), reply_markup=keyboard, **send_kwargs)
    except TelegramError as exc:
        if isinstance(exc, InvalidToken):
            raise
        why = why_lost(exc) if lost(exc) else f"{type(exc).__name__}: {exc}"
        logger.warning("sent %d product cards to chat %d, but not the message with their buttons: %s",
                       cards, chat_id, why)
        return 0
    return 1


async def _send_photo(bot: Bot, chat_id: int, media: str | bytes, caption: str, keyboard: Any, **kwargs: Any) -> Message:
    try:
        return await bot.send_photo(chat_id, media, caption=caption, parse_mode=ParseMode.HTML, reply_markup=keyboard,
                                    read_timeout=MEDIA_READ_TIMEOUT_S, **kwargs)
    except BadRequest as exc:
        if not _markup_rejected(exc):
            raise
        return await bot.send_photo(chat_id, media, caption=to_plain(caption), reply_markup=keyboard,
                                    read_timeout=MEDIA_READ_TIMEOUT_S, **kwargs)


class ProseStream:
    """Streams the reply into messages: the first send waits up to ``first_delay_s`` (so a fast
    reply goes out whole), then at most one edit per ``min_interval_s``; pieces over the
    message limit continue in new messages.

    A lost edit (a timeout, any failure) or a send that may have arrived without an answer stops
    the streaming: the final text then goes out once more, whole, in new messages. A call that
    surely changed nothing in the chat (it never reached the Bot API, past the retries of
    ``bot.retrying``; the token was refused; the chat takes no messages from the bot; the bot stops
    during a 429's wait; a send failed with an answer) pauses the streaming
    instead: the agent's turn goes on, and ``finish`` carries on from there; it raises the error
    when the reply still cannot go out whole."""

    def __init__(self, bot: Bot, chat_id: int, min_interval_s: float = 1.0, first_delay_s: float = 1.0,
                 **send_kwargs: Any) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.min_interval_s = min_interval_s
        self.first_delay_s = first_delay_s
        self.send_kwargs = send_kwargs  # e.g. message_thread_id, reply_parameters
        self.text = ""
        self.sent: list[tuple[int, str]] = []  # (message_id, html)
        self.edits = 0
        self.lost = False  # an edit or a send went wrong: no more streaming
        self.failure: TelegramError | None = None  # what paused the streaming (nothing went wrong in the chat)
        self._started: float | None = None
        self._last_io = 0.0

    async def add(self, delta: str) -> None:
        if not delta:
            return
        self.text += delta
        if self.lost or self.failure is not None:
            return
        now = time.monotonic()
        if self._started is None:
            self._started = now
        if not self.sent:
            if now - self._started >= self.first_delay_s:
                await self._flush()
        elif now - self._last_io >= self.min_interval_s:
            await self._flush()

    async def finish(self, final_text: str | None = None, note_html: str = "") -> None:
        if final_text is not None and final_text.strip():
            self.text = final_text
        if not self.text.strip() and not note_html:
            return
        if self.sent and not self.lost:
            wait = self.min_interval_s - (time.monotonic() - self._last_io)
            if wait > 0:
                await asyncio.sleep(wait)
            self.failure = None
            await self._flush(note_html)
            if self.failure is not None:  # the rest of the reply cannot go out now
                raise self.failure
            if not self.lost:
                return
        self.sent = []  # streaming was cut off: the whole reply, in new messages
        await self._flush(note_html, final=True)

    async def _flush(self, note_html: str = "", final: bool = False) -> None:
        pieces = [esc(p) for p in split_text(self.text.strip())] if self.text.strip() else []
        if note_html:
            if pieces and len(pieces[-1]) + len(note_html) + 2 <= 4096:
                pieces[-1] = pieces[-1] + "\n\n" + note_html
            else:
                pieces.append(note_html)
        for idx, piece in enumerate(pieces):
            if idx < len(self.sent):
                message_id, old = self.sent[idx]
                if old != piece:
                    try:
                        await edit_html(self.bot, self.chat_id, message_id, piece)
                    except TelegramError as exc:
                        return self._stop("edit", exc)
                    self.sent[idx] = (message_id, piece)
                    self.edits += 1
            else:
                try:
                    msg = await send_html(self.bot, self.chat_id, piece, **self.send_kwargs)
                except TelegramError as exc:
                    if final:
                        raise
                    return self._stop("send", exc)
                self.sent.append((msg.message_id, piece))
        self._last_io = time.monotonic()

    def _stop(self, what: str, exc: TelegramError) -> None:
        """No more streaming after ``exc``: paused when the chat shows what it showed before, else cut off."""
        if refused_by_chat(exc) or isinstance(exc, FloodWaitCut):  # the turn's report says so, once
            logger.debug("could not %s the reply in chat %d (%s: %s)", what, self.chat_id, type(exc).__name__, exc)
            self.failure = exc
            return
        if unreachable(exc) or isinstance(exc, InvalidToken) or (what == "send" and not maybe_delivered(exc)):
            logger.info("could not %s the reply in chat %d for now (%s: %s)", what, self.chat_id, type(exc).__name__, exc)
            self.failure = exc
            return
        logger.warning("could not %s the reply in chat %d (%s: %s); the whole reply follows in a new message",
                       what, self.chat_id, type(exc).__name__, exc)
        self.lost = True
