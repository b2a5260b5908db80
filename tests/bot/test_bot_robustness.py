"""What a black-box pass found: updates without a sender, /stats in groups, greetings without a
name, bursts, buttons during a turn, transient Bot API failures and failed photo downloads.
End to end through PTB's real HTTP stack against the fake Bot API server (fake shopping service)."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.fake_api import BOT_ID, BOT_USERNAME, Failure, FakeBotApi
from bot.stats import collect_stats
from tests.bot.conftest import ADMIN_ID, Harness
from tests.bot.fakes import png_bytes

pytestmark = pytest.mark.asyncio(loop_scope="module")



async def errors_recorded(h: Harness) -> int:
    rows = await h.rt.metrics.rows("SELECT COUNT(*) FROM bot_errors")
    return int(rows[0][0])


async def test_updates_without_a_sender_are_ignored_silently(fake_bot: Harness) -> None:
    api = fake_bot.api
    channel = -100777
    errors = await errors_recorded(fake_bot)
    post = {"message_id": 9, "date": int(time.time()), "chat": {"id": channel, "type": "channel", "title": "c"},
            "text": "red dress"}
    api.push({"channel_post": post})
    api.push({"edited_channel_post": {**post, "text": "blue dress", "edit_date": int(time.time())}})
    api.send_text(600, "/help")  # a later update, to know the ones above were read
    await api.wait_for("sendMessage", chat_id=600)
    await api.settle()
    assert not [c for c in api.calls if c.chat_id == channel]
    assert await errors_recorded(fake_bot) == errors


async def test_stats_is_private_to_admins(fake_bot: Harness) -> None:
    api = fake_bot.api
    group = -610
    after = len(api.calls)
    api.send_text(group, "/stats", chat_type="group", user=api.user(ADMIN_ID))
    api.send_text(group, f"/stats@{BOT_USERNAME}", chat_type="group", user=api.user(611))
    api.send_text(612, "/help")
    await api.wait_for("sendMessage", chat_id=612, after=after)
    await api.settle()
    assert not [c for c in api.calls[after:] if c.chat_id == group]  # no figures, no refusal in groups
    api.send_text(613, "/stats", user=api.user(613))
    assert "isn't available" in (await api.wait_for("sendMessage", chat_id=613, after=after)).text


async def test_greeting_without_a_first_name(fake_bot: Harness) -> None:
    api = fake_bot.api
    api.send_text(620, "/start", user=api.user(620, first_name=""))
    assert (await api.wait_for("sendMessage", chat_id=620)).text.startswith("Hi! I'm your")
    api.send_text(621, "/start", user=api.user(621, "zh", first_name=" "))
    assert (await api.wait_for("sendMessage", chat_id=621)).text.startswith("你好！我是")


async def test_a_burst_gets_one_notice_of_each_kind(fake_bot: Harness) -> None:
    api = fake_bot.api
    chat = 630
    after = len(api.calls)
    api.send_text(chat, "a dress, trickle")  # a turn of about 3.5 s
    await api.wait_for("sendMediaGroup", chat_id=chat, after=after)
    for k in range(14):
        api.send_text(chat, f"a red t-shirt {k}")
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "a little fast" in c.text, after=after)
    deadline = time.monotonic() + 20
    while fake_bot.rt.turns.waiting(chat):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.1)
    await api.settle()
    texts = [c.text for c in api.calls[after:] if c.chat_id == chat and c.method == "sendMessage"]
    assert sum("One moment" in x for x in texts) == 1
    assert sum("can't take more" in x for x in texts) == 1
    assert sum("a little fast" in x for x in texts) == 1
    answered = [c for c in api.calls[after:] if c.chat_id == chat and c.method == "sendPhoto"]
    assert len(answered) == fake_bot.rt.turns.max_waiting  # the ones that waited their turn were answered


async def test_a_button_pressed_during_a_turn_is_answered_at_once(fake_bot: Harness) -> None:
    api = fake_bot.api
    chat = 640
    after = len(api.calls)
    api.send_text(chat, "a dress, trickle")  # a turn of about 3.5 s
    await api.wait_for("sendMediaGroup", chat_id=chat, after=after)
    api.fail(Failure("answerCallbackQuery", 400, "Bad Request: query is too old and response timeout expired or query "
                     "ID is invalid"))
    pressed = time.monotonic()
    api.press(chat, fake_bot.rt.signer.sign("details", "0100000001", chat))
    answer = await api.wait_for("answerCallbackQuery", after=after)
    assert answer.at - pressed < 1.5  # not after the running turn
    card = await api.wait_for("sendPhoto", chat_id=chat, after=after, where=lambda c: "A black dress." in c.text)
    prose = await api.wait_for("editMessageText", chat_id=chat, after=after, where=lambda c: c.text.endswith("word13"))
    assert prose.at <= card.at  # the card came after the turn's answer, not inside it
    await api.settle()
    assert not [c for c in api.calls[after:] if c.chat_id == chat and "went wrong" in c.text]


async def test_a_button_for_a_removed_article_says_so(fake_bot: Harness) -> None:
    api = fake_bot.api
    after = len(api.calls)
    api.press(641, fake_bot.rt.signer.sign("cheaper", "0999999999", 641))
    await api.wait_for("answerCallbackQuery", after=after)
    assert "no longer in the catalog" in (await api.wait_for("sendMessage", chat_id=641, after=after)).text


def _apologies(api: FakeBotApi, chat: int, after: int) -> list[str]:
    return [c.text for c in api.calls[after:] if c.chat_id == chat and "went wrong" in c.text]


async def test_a_passing_bot_api_failure_is_retried(fake_bot: Harness) -> None:
    api = fake_bot.api
    after = len(api.calls)
    api.fail(Failure("sendMessage", 502, "Bad Gateway", match=lambda p: p.get("chat_id") == 650, times=2))
    api.send_text(650, "/help")
    await api.wait_for("sendMessage", chat_id=650, after=after, where=lambda c: "What I can do" in c.text)
    api.fail(Failure("sendMediaGroup", 500, "Internal Server Error", match=lambda p: p.get("chat_id") == 651))
    api.send_text(651, "a black dress")
    await api.wait_for("sendMessage", chat_id=651, after=after, where=lambda c: "picks for you" in c.text)
    await api.settle()
    groups = [c for c in api.calls[after:] if c.chat_id == 651 and c.method == "sendMediaGroup"]
    assert len(groups) == 2  # the failed album, then the one that went through
    assert not _apologies(api, 650, after) and not _apologies(api, 651, after)


async def test_cards_that_keep_failing_do_not_stop_the_reply(fake_bot: Harness) -> None:
    api = fake_bot.api
    after = len(api.calls)
    api.fail(Failure("sendMediaGroup", 500, "Internal Server Error", match=lambda p: p.get("chat_id") == 652, times=10))
    api.send_text(652, "a black dress")
    prose = await api.wait_for("sendMessage", chat_id=652, after=after, where=lambda c: "picks for you" in c.text)
    assert prose and not _apologies(api, 652, after)
    api.failures.clear()


async def test_a_slow_album_upload_is_waited_for(fake_bot: Harness) -> None:
    api = fake_bot.api
    after = len(api.calls)
    api.delays["sendMediaGroup"] = 6.0  # longer than the 5 s read timeout of other calls
    try:
        api.send_text(653, "a black dress")
        await api.wait_for("sendMessage", chat_id=653, after=after, where=lambda c: "picks for you" in c.text, wait_s=20)
    finally:
        api.delays.clear()
    await api.settle()
    assert len([c for c in api.calls[after:] if c.chat_id == 653 and c.method == "sendMediaGroup"]) == 1
    assert not _apologies(api, 653, after)


@pytest.mark.parametrize("where", ["getFile", "file"])
async def test_a_failed_photo_download_asks_for_the_photo_again(
    fake_bot: Harness, where: str, caplog: pytest.LogCaptureFixture
) -> None:
    api = fake_bot.api
    chat = 660 if where == "getFile" else 661
    errors = await errors_recorded(fake_bot)
    if where == "getFile":
        api.fail(Failure("getFile", 500, "Internal Server Error", times=3))
    else:
        api.fail(Failure("file", 404, "Not Found"))
    with caplog.at_level("WARNING"):
        api.send_photo(chat, png_bytes("black"))
        reply = await api.wait_for("sendMessage", chat_id=chat)
    assert "couldn't download your photo" in reply.text
    assert await errors_recorded(fake_bot) == errors
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    warning = next(r.getMessage() for r in caplog.records if "could not download a photo" in r.getMessage())
    assert "InvalidToken" not in warning and ("404" in warning or "Internal Server Error" in warning)


async def test_a_message_whose_answer_timed_out_is_not_sent_twice(fake_bot: Harness) -> None:
    api = fake_bot.api
    after = len(api.calls)
    errors = await errors_recorded(fake_bot)
    api.delays["sendMessage"] = 5.5  # Telegram takes the message, but answers after the 5 s read timeout
    try:
        api.send_text(654, "/help")
        for _ in range(150):  # until the error handler has seen the timeout
            if await errors_recorded(fake_bot) > errors:
                break
            await asyncio.sleep(0.1)
    finally:
        api.delays.clear()
    await api.settle()
    sent = [c.text for c in api.calls[after:] if c.chat_id == 654 and c.method == "sendMessage"]
    assert len(sent) == 1 and "What I can do" in sent[0]  # most likely delivered: no second copy, no apology


async def test_commands_count_against_the_rate_limit(fake_bot: Harness) -> None:
    api, chat = fake_bot.api, 655
    for _ in range(25):  # a burst of /help (the tests' limit is 8 a minute)
        api.send_text(chat, "/help")
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "a little fast" in c.text)
    await api.settle()
    sent = [c.text for c in api.calls_to("sendMessage", chat)]
    assert sum("What I can do" in t for t in sent) == 8 and sum("a little fast" in t for t in sent) == 1


@pytest.mark.parametrize("kind", ["sticker", "long text", "empty text", "edit", "pdf", "huge photo"])
async def test_every_reply_counts_against_the_rate_limit(fake_bot: Harness, kind: str) -> None:
    """Not only turns: a flood of anything the bot answers gets the one "slow down" note."""
    api = fake_bot.api
    chat = 670 + ["sticker", "long text", "empty text", "edit", "pdf", "huge photo"].index(kind)
    for k in range(20):  # the tests' limit is 8 a minute
        if kind == "sticker":
            api.push({"message": api.message(chat, sticker={
                "file_id": f"STK{k}", "file_unique_id": f"s{k}", "width": 512, "height": 512,
                "is_animated": False, "is_video": False, "type": "regular"})})
        elif kind == "long text":
            api.send_text(chat, "x" * 2500)
        elif kind == "empty text":
            api.send_text(chat, "   ")
        elif kind == "edit":
            api.send_text(chat, "a red dress", edited=True)
        elif kind == "pdf":
            api.send_document(chat, b"%PDF-1.4", "application/pdf", "a.pdf")
        else:
            api.send_photo(chat, png_bytes("red"), file_size=25 * 1024 * 1024)
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "a little fast" in c.text)
    await api.settle()
    sent = [c.text for c in api.calls_to("sendMessage", chat)]
    assert len(sent) == 9 and sum("a little fast" in t for t in sent) == 1, sent


async def test_stats_count_only_what_shoppers_ask(fake_bot: Harness) -> None:
    """A block, a reaction, a join request, a forged button and group chatter are not users or messages."""
    api, rt = fake_bot.api, fake_bot.rt
    before = await collect_stats(rt.metrics)
    bot = {"id": BOT_ID, "is_bot": True, "first_name": "RecLMMs", "username": BOT_USERNAME}
    now = int(time.time())
    api.push({"my_chat_member": {"chat": {"id": 680, "type": "private", "first_name": "A"}, "from": api.user(680),
                                 "date": now, "old_chat_member": {"status": "member", "user": bot},
                                 "new_chat_member": {"status": "kicked", "user": bot, "until_date": 0}}})
    api.push({"message_reaction": {"chat": {"id": 681, "type": "private", "first_name": "A"}, "message_id": 1,
                                   "user": api.user(681), "date": now, "old_reaction": [],
                                   "new_reaction": [{"type": "emoji", "emoji": "👍"}]}})
    api.push({"chat_join_request": {"chat": {"id": -682, "type": "supergroup", "title": "G"}, "from": api.user(682),
                                    "user_chat_id": 682, "date": now}})
    api.press(683, "m|0100000001|0|forged")
    api.push({"message": api.message(-684, chat_type="supergroup", user=api.user(684), text="hello all")})
    api.send_text(685, "/help")
    await api.wait_for("answerCallbackQuery", where=lambda c: "expired" in c.text)
    await api.wait_for("sendMessage", chat_id=685)
    await api.settle()
    after = await collect_stats(rt.metrics)
    assert (after["users"], after["active_24h"], after["messages"]) == (
        before["users"] + 1, before["active_24h"] + 1, before["messages"] + 1)  # the /help only
