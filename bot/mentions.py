"""Where a group message mentions the bot, and the message without that mention.

Telegram marks each ``@username`` it recognises with a ``mention`` entity (offsets in UTF-16
code units). When a message has mention entities, only those count: ``@shop_bot_fake`` is
another bot, ``sales@shop_bot.example.com`` an e-mail address. A message without any (an older
client, a text put together by hand) is matched on the whole word ``@username``, in any case.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from telegram import Message, MessageEntity


def _utf16_index(text: str, units: int) -> int:
    """The index in ``text`` of the character that starts ``units`` UTF-16 code units in."""
    return len(text.encode("utf-16-le")[: units * 2].decode("utf-16-le", errors="ignore"))


def mention_spans(text: str, entities: Sequence[MessageEntity], username: str) -> list[tuple[int, int]]:
    """(start, end) of each mention of ``@username`` in ``text``; none when not mentioned."""
    if not username:
        return []
    name = f"@{username}".lower()
    mentions = [e for e in entities if e.type == MessageEntity.MENTION]
    if mentions:
        spans = [(_utf16_index(text, e.offset), _utf16_index(text, e.offset + e.length)) for e in mentions]
        return [(start, end) for start, end in spans if text[start:end].lower() == name]
    # a whole word: not inside an e-mail address or a link, not the start of a longer username
    pattern = rf"(?<![\w@./]){re.escape(name)}(?![\w@]|\.\w)"
    return [m.span() for m in re.finditer(pattern, text, flags=re.IGNORECASE)]


def without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without ``spans``, and without the comma or colon right after one ("@bot, a dress")."""
    ordered = sorted(spans)
    parts = [text[: ordered[0][0]]]
    for (_, end), (start, _) in zip(ordered, [*ordered[1:], (len(text), len(text))], strict=True):
        parts.append(text[end:start].lstrip(",:;"))
    return " ".join(part.strip() for part in parts if part.strip())


def replied_to_bot(msg: Message | None, bot_id: int) -> bool:
    """Whether ``msg`` replies to a message of the bot (in a group, that addresses the bot as a mention does)."""
    reply = msg.reply_to_message if msg is not None else None
    return reply is not None and reply.from_user is not None and reply.from_user.id == bot_id
