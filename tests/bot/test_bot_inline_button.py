"""A button press on a message sent in inline mode: the update has an ``inline_message_id`` and no
message, so no chat. The bot keeps no cards there, but the press is answered all the same (as an
expired button), so that the button stops spinning."""

from __future__ import annotations

import time

import pytest

from bot.fake_api import FakeBotApi
from bot.i18n import t
from tests.bot.conftest import Harness

pytestmark = pytest.mark.asyncio(loop_scope="module")


def inline_press(api: FakeBotApi, user_id: int, query_id: str, lang: str = "en") -> int:
    return api.push({"callback_query": {
        "id": query_id, "from": api.user(user_id, lang), "chat_instance": "-77", "data": "m:0100000001:abcdef",
        "inline_message_id": "AgAAAInlineMessage", "date": int(time.time()),
    }})


async def test_a_press_on_an_inline_message_is_answered_as_an_expired_button(fake_bot: Harness) -> None:
    api = fake_bot.api
    inline_press(api, 2201, "inline-press-1", lang="de")
    answer = await api.wait_for("answerCallbackQuery", where=lambda c: c.params.get("callback_query_id") == "inline-press-1",
                                wait_s=10)
    assert answer.params.get("text") == t("de", "stale_button")
    await api.settle(0.5)
    assert not [c for c in api.calls if c.method.startswith(("send", "edit"))
                and c.chat_id in (2201, None) and c.method != "sendChatAction"]  # nothing else is sent
