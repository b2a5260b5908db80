"""Photos, and images sent as files: look-alikes, refined by the caption. Registered by ``bot.application``."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, InvalidToken, TelegramError

from bot.albums import Album
from bot.handlers import MAX_TEXT_CHARS, Ctx, accepted, addressed_text, allowed, refuse, shop, who
from bot.i18n import t
from bot.media import IMAGE_SUFFIXES, MAX_IMAGE_BYTES, UNTYPED_MIMES, ImageTooLarge, check_image
from bot.rendering import esc
from bot.retrying import is_transient
from bot.runtime import BotRuntime, Place, runtime
from bot.sending import reply_kwargs
from bot.turns import typing
from reclmms.errors import BadImageError, TooManyPixelsError

logger = logging.getLogger(__name__)


async def on_photo(update: Update, context: Ctx) -> None:
    """A photo, or an image sent as a file: look-alikes, refined by the caption. An album (``bot.albums``) is
    one request: its first photo answers, with the album's caption; the others are taken in silently."""
    msg, chat, _, lang = who(update)
    rt = runtime(context)
    album: Album | None = None
    if msg.media_group_id:
        album = rt.albums.arrive(chat.id, msg, update.update_id, resumed=rt.pending.is_resumed(update))
        if album is None:
            await rt.albums.follow(chat.id, msg)
            return
    caption = addressed_text(msg, rt, msg.caption or "")
    if caption is None and album is not None:  # in a group, the mention may be on another photo of the album
        captioned = await rt.albums.gathered(album)
        caption = addressed_text(captioned, rt, captioned.caption or "") if captioned is not None else None
    if caption is None:
        return
    item = msg.photo[-1] if msg.photo else msg.document
    if item is None or not await allowed(update, context):
        return
    if (item.file_size or 0) > MAX_IMAGE_BYTES:
        await refuse(update, context, esc(t(lang, "too_large")))
        return
    typed = bool(msg.photo) or (msg.document is not None and (msg.document.mime_type or "").startswith("image/"))
    async with accepted(update, context) as place:
        if album is not None:
            if not await rt.albums.lead(album, update.update_id):  # answered already, before a restart
                return
            caption = caption or await _album_caption(rt, album)
        await _photo_turn(update, context, place, item.file_id, caption, typed)


async def _album_caption(rt: BotRuntime, album: Album) -> str:
    """The caption of an album whose first photo has none: another photo's, once they have all come."""
    captioned = await rt.albums.gathered(album)
    if captioned is not None:
        return addressed_text(captioned, rt, captioned.caption or "") or ""
    return await rt.albums.stored_caption(album)


async def _photo_turn(
    update: Update, context: Ctx, place: Place | None, file_id: str, caption: str, typed: bool = True
) -> None:
    """``typed``: Telegram says it is an image; an untyped file that is no image is "not an image"."""
    msg, chat, user, lang = who(update)
    if place is None:  # the line is full: "busy", without downloading the photo
        await shop(update, context, place, caption, None)
        return
    rt = runtime(context)
    try:
        async with typing(rt, context.bot, chat.id, reply_kwargs(msg).get("message_thread_id")):  # it may be slow
            data = await download(context.bot, file_id)
    except TelegramError as exc:  # PTB raises a file server's 404 as InvalidToken: say what it is
        reason = "not found (HTTP 404)" if isinstance(exc, InvalidToken) else f"{type(exc).__name__}: {exc}"
        logger.warning("could not download a photo from user %d: %s", user.id, reason)
        if not place.stop:  # /cancel came meanwhile: its "Stopped." is the answer
            await refuse(update, context, esc(t(lang, "too_large" if too_big(exc) else "download_failed")), place)
        return
    # stopped with /cancel meanwhile: its turn (in ``shop``) is recorded as stopped, and nothing more is said
    unusable = None if place.stop else await _unusable(rt, data, typed)
    if unusable is not None:
        await refuse(update, context, esc(t(lang, unusable)), place)
        return
    await shop(update, context, place, caption[:MAX_TEXT_CHARS].strip(), data)


async def _unusable(rt: BotRuntime, data: bytes, typed: bool) -> str | None:
    """The key of the note that says why the photo cannot be used, or None when it can."""
    try:
        await rt.media.run(check_image, data)
    except ImageTooLarge:
        return "too_large"
    except TooManyPixelsError as exc:
        logger.info("rejected a photo: %s", exc)
        return "too_many_pixels"
    except BadImageError as exc:
        logger.info("rejected a photo: %s", exc)
        return "bad_image" if typed else "not_image_document"
    return None


def too_big(exc: TelegramError) -> bool:
    """getFile's "file is too big": bots may download files up to 20 MB (a photo without a size said,
    or one Telegram counts larger than it said); sending it again cannot help, a smaller one can."""
    return isinstance(exc, BadRequest) and "too big" in exc.message.lower()


async def download(bot: Bot, file_id: str, attempts: int = 3) -> bytes:
    """A shopper's file. getFile is retried by the rate limiter; the download itself here, when
    its failure may pass (a 404, which PTB raises as InvalidToken, is final)."""
    tg_file = await bot.get_file(file_id)
    for attempt in range(attempts):
        try:
            return bytes(await tg_file.download_as_bytearray())
        except TelegramError as exc:
            if attempt == attempts - 1 or not is_transient(exc):
                raise
            await asyncio.sleep(0.5 * 3**attempt)
    raise AssertionError("unreachable")


async def on_other_document(update: Update, context: Ctx) -> None:
    """A file Telegram does not type as an image: one without a type (or a generic one), or named
    like an image, may still be one, and its bytes decide; others are "not an image"."""
    msg, chat, _, lang = who(update)
    doc = msg.document
    if doc is not None and (
        (doc.mime_type or "application/octet-stream") in UNTYPED_MIMES
        or (doc.file_name or "").lower().endswith(IMAGE_SUFFIXES)
    ):
        await on_photo(update, context)
        return
    addressed = chat.type == ChatType.PRIVATE or addressed_text(msg, runtime(context), msg.caption or "") is not None
    if addressed and await allowed(update, context):
        await refuse(update, context, esc(t(lang, "not_image_document")))
