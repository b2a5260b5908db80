"""Photos sent together (an album: one ``media_group_id``) are one request: one turn, with the album's
caption whichever photo carries it, answered once, also after a restart. End to end against the fake Bot
API server (fake shopping service)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from bot.albums import Albums
from bot.fake_api import BOT_USERNAME
from tests.bot.conftest import Harness
from tests.bot.fakes import png_bytes

pytestmark = pytest.mark.asyncio(loop_scope="module")

COLOURS = ("black", "white", "red")


def send_album(h: Harness, chat: int, group: str, captions: tuple[str | None, ...], **fields: Any) -> None:
    for colour, caption in zip(COLOURS, captions, strict=False):
        h.api.send_photo(chat, png_bytes(colour), caption=caption, media_group_id=group, **fields)


async def settled(h: Harness, chat: int) -> None:
    """Until the chat's line is empty and the Bot API has been quiet a while (an album waits up to a second)."""
    deadline = time.monotonic() + 20
    await h.api.settle(1.5)
    while h.rt.turns.busy(chat):
        assert time.monotonic() < deadline, f"chat {chat} did not settle"
        await asyncio.sleep(0.05)


def turns_of(h: Harness, chat: int, since: int) -> list[tuple[str, bytes | None]]:
    return [(text, photo) for session, text, photo in h.rt.services.agent.seen[since:]
            if session.session_id == f"tg:{chat}"]


def sent(h: Harness, chat: int, after: int) -> list[str]:
    """The texts sent to ``chat`` from call ``after``, but the line over the cards' buttons."""
    return [c.text for c in h.api.calls[after:] if c.chat_id == chat and c.method == "sendMessage"
            and not c.params.get("reply_markup")]


@pytest.mark.parametrize("captions", [("in black?", None, None), (None, None, "in black?")])
async def test_an_album_is_one_turn_with_its_caption(fake_bot: Harness, captions: tuple[str | None, ...]) -> None:
    chat = 1701 if captions[0] else 1702
    after, since = len(fake_bot.api.calls), len(fake_bot.rt.services.agent.seen)
    send_album(fake_bot, chat, f"album-{chat}", captions)
    await settled(fake_bot, chat)
    assert turns_of(fake_bot, chat, since) == [("in black?", png_bytes("black"))]  # its first photo, its caption
    texts = sent(fake_bot, chat, after)
    assert len(texts) == 1 and "picks" in texts[0]  # one answer, and no "one moment"


async def test_an_album_is_answered_once_across_a_restart(fake_bot: Harness) -> None:
    chat, rt = 1703, fake_bot.rt
    send_album(fake_bot, chat, "album-1703", ("in black?", None))
    await settled(fake_bot, chat)
    after, since = len(fake_bot.api.calls), len(rt.services.agent.seen)
    rt.albums = Albums(rt.services.db)  # the memory of a new process: its photos fetched after a restart
    fake_bot.api.send_photo(chat, png_bytes("red"), media_group_id="album-1703")
    await settled(fake_bot, chat)
    assert turns_of(fake_bot, chat, since) == [] and sent(fake_bot, chat, after) == []
    send_album(fake_bot, chat, "album-1703b", (None, None))  # another album is another request
    await settled(fake_bot, chat)
    assert turns_of(fake_bot, chat, since) == [("", png_bytes("black"))]


async def test_an_album_in_a_group_is_addressed_by_its_caption(fake_bot: Harness) -> None:
    chat, user = -1704, 1704
    mention = f"@{BOT_USERNAME}"
    sender = fake_bot.api.user(user)
    since = len(fake_bot.rt.services.agent.seen)
    fake_bot.api.send_photo(chat, png_bytes("black"), media_group_id="album-g", chat_type="group", user=sender)
    fake_bot.api.send_photo(chat, png_bytes("white"), caption=f"{mention} in black?", media_group_id="album-g",
                            chat_type="group", user=sender,
                            caption_entities=[{"type": "mention", "offset": 0, "length": len(mention)}])
    send_album(fake_bot, chat, "album-h", (None, None), chat_type="group", user=sender)  # not for the bot
    await settled(fake_bot, chat)
    assert turns_of(fake_bot, chat, since) == [("in black?", png_bytes("black"))]
