"""Commands that change a conversation take their place in the chat's line: sent behind a
message, they act once its answer is out, not in the middle of it."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import pytest

from bot.fake_api import Failure
from bot.handlers import wait_in_line
from bot.i18n import t
from bot.runtime import Place
from bot.stats import collect_stats
from tests.bot.conftest import Harness
from tests.bot.fakes import png_bytes

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_a_reset_sent_behind_a_message_forgets_the_conversation_after_its_answer(fake_bot: Harness) -> None:
    api, agent = fake_bot.api, fake_bot.rt.services.agent
    chat = 2301
    after = len(api.calls)
    api.send_text(chat, "trickle dress")  # its reply trickles in over about 3.5 s
    api.send_text(chat, "/reset")
    await api.wait_for("sendMediaGroup", chat_id=chat, after=after)
    await asyncio.sleep(0.5)
    assert f"tg:{chat}" not in agent.resets  # the turn is still answering: the reset waits for it
    done = await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "forgotten" in c.text, after=after, wait_s=15)
    assert agent.resets.count(f"tg:{chat}") == 1
    assert api.shown(chat)[-1] == done.text  # after the whole reply, never before it
    assert any("word13" in text for text in api.shown(chat))


async def test_a_message_sent_right_after_a_link_is_answered_for_the_linked_customer(fake_bot: Harness) -> None:
    api, rt = fake_bot.api, fake_bot.rt
    chat = 2302
    code = await rt.linker.issue("cust-2")
    after = len(api.calls)
    api.send_text(chat, f"/start {code.code}")  # opening the shop's link, then asking at once
    api.send_text(chat, "a dress for me")
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "Here are" in c.text, after=after)
    session = next(s for s, text, _ in reversed(rt.services.agent.seen) if text == "a dress for me")
    assert session.customer_id == "cust-2"
    shown = [text for text in api.shown(chat) if "still working" not in text]
    assert "now linked" in shown[0] and "shopping assistant" in shown[1]  # the link's answer first, then the turn's
    assert "Here are" in shown[-1]


async def test_a_link_opened_behind_a_message_counts_for_the_messages_after_it(fake_bot: Harness) -> None:
    api, rt = fake_bot.api, fake_bot.rt
    chat = 2303
    code = await rt.linker.issue("cust-1")
    api.send_text(chat, "trickle dress")  # a turn still answering...
    api.send_text(chat, "a black dress")  # ...a message waiting behind it...
    api.send_text(chat, f"/start {code.code}")  # ...and the link opened meanwhile
    api.send_text(chat, "a red dress")
    for _ in range(300):  # until the last message's turn has started
        if any(text == "a red dress" for _, text, _ in rt.services.agent.seen):
            break
        await asyncio.sleep(0.05)
    customers = {text: s.customer_id for s, text, _ in rt.services.agent.seen if s.session_id == f"tg:{chat}"}
    assert customers == {"trickle dress": None, "a black dress": None, "a red dress": "cust-1"}


async def test_a_cancel_sent_right_behind_a_message_stops_its_turn(fake_bot: Harness) -> None:
    api, rt = fake_bot.api, fake_bot.rt
    chat = 2304
    cancelled = (await collect_stats(rt.metrics))["cancelled_turns"]
    after = len(api.calls)
    api.send_text(chat, "a red t-shirt")
    api.send_text(chat, "/cancel")  # in the same batch: before the message's turn has started
    stopped = await api.wait_for("sendMessage", chat_id=chat, where=lambda c: c.text == "Stopped.", after=after)
    assert stopped
    await api.settle(1.0)
    assert not api.calls_to("sendPhoto", chat) and not api.calls_to("sendMediaGroup", chat)  # no answer came
    assert (await collect_stats(rt.metrics))["cancelled_turns"] == cancelled + 1  # /stats counts it as stopped
    api.send_text(chat, "a red t-shirt")  # the next message is answered as usual
    photo = await api.wait_for("sendPhoto", chat_id=chat, after=after)
    assert "0100000005" in photo.text
    assert "nothing to stop" not in " ".join(api.shown(chat))


async def test_quick_refusals_sent_behind_a_message_come_after_its_answer(fake_bot: Harness) -> None:
    api = fake_bot.api
    chat = 2305
    after = len(api.calls)
    api.send_text(chat, "trickle dress")  # its reply trickles in over about 3.5 s
    api.push({"message": api.message(chat, sticker={"file_id": "S9", "file_unique_id": "S9", "width": 512,
                                                    "height": 512, "is_animated": False, "is_video": False,
                                                    "type": "regular"})})
    api.send_text(chat, "dress " * 1000)
    api.send_photo(chat, png_bytes(), file_size=25 * 1024 * 1024)  # refused before it is downloaded
    api.send_photo(chat, b"\xff\xd8\xff\xe0 this is not really a jpeg")  # refused once downloaded
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: c.text == t("en", "bad_image"), after=after,
                       wait_s=15)
    await api.wait_for("editMessageText", chat_id=chat, where=lambda c: "word13" in c.text, after=after, wait_s=15)
    await api.settle()
    calls = [c for c in api.calls[after:] if c.chat_id == chat and c.method in ("sendMessage", "editMessageText")]
    answered = max(i for i, c in enumerate(calls) if "word13" in c.text)  # the end of the running turn's reply
    refusals = [c.text for c in calls[answered + 1:] if c.method == "sendMessage"]
    assert [text for text in refusals if "still working" not in text] == [
        t("en", "unsupported"), t("en", "too_long", limit=2000), t("en", "too_large"), t("en", "bad_image")]


async def test_a_refusal_waits_no_longer_than_a_turn_may_take() -> None:
    rt = SimpleNamespace(settings=SimpleNamespace(agent=SimpleNamespace(turn_timeout_s=0.2)))
    never: asyncio.Future[None] = asyncio.get_running_loop().create_future()  # a turn ahead that hangs
    started = time.monotonic()
    await wait_in_line(rt, Place(1, never))  # type: ignore[arg-type]
    assert 0.15 < time.monotonic() - started < 2.0


async def test_after_a_flood_wait_the_first_answer_stays_whole(fake_bot: Harness) -> None:
    """Telegram asks the bot to wait (a 429) while it sends a turn's cards; /help and a follow-up sent meanwhile
    come after that turn's answer, and no "one moment" lands in the middle of it."""
    api = fake_bot.api
    chat = 2306
    after = len(api.calls)
    api.fail(Failure("sendMediaGroup", 429, "Too Many Requests: retry after 3", retry_after=3,
                     match=lambda p: p.get("chat_id") == chat))
    api.send_text(chat, "black jeans")
    await api.wait_for("sendMediaGroup", chat_id=chat, after=after)  # answered 429: the chat waits 3 s
    api.send_text(chat, "/help")
    api.send_text(chat, "cheaper ones")
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "Nothing matched" in c.text, after=after, wait_s=15)
    await api.settle()
    sent = [c for c in api.calls[after:] if c.chat_id == chat and c.method in ("sendMessage", "sendMediaGroup")]
    texts = [c.method if c.method == "sendMediaGroup" else c.text for c in sent]
    assert texts[-5:-1] == ["sendMediaGroup", t("en", "pick"), "Here are 2 picks for you.", t("en", "help")], texts
    assert texts[-1] == "Nothing matched, sorry." and t("en", "queued") not in texts
