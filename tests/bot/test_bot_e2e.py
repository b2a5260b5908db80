"""End to end through PTB's real HTTP stack against the fake Bot API server (fake shopping service)."""

from __future__ import annotations

import asyncio
import io
import time

import pytest
from PIL import Image

from bot.fake_api import BOT_USERNAME, Failure, FakeBotApi
from bot.i18n import t
from tests.bot.conftest import ADMIN_ID, Harness
from tests.bot.fakes import png_bytes

pytestmark = pytest.mark.asyncio(loop_scope="module")


def sent_texts(api: FakeBotApi, chat_id: int, after: int = 0) -> list[str]:
    return [c.text for c in api.calls[after:] if c.chat_id == chat_id and c.method in ("sendMessage", "editMessageText")]



async def test_startup_uses_the_bot_api(fake_bot: Harness) -> None:
    api = fake_bot.api
    methods = {c.method for c in api.calls}
    assert {"getMe", "setMyCommands", "deleteWebhook"} <= methods
    commands = [c for c in api.calls if c.method == "setMyCommands"]
    langs = {c.params.get("language_code") for c in commands}
    assert None in langs and "zh" in langs
    names = [cmd["command"] for cmd in commands[0].params["commands"]]
    assert names == ["start", "help", "reset", "history", "cancel"]


async def test_start_greets_in_the_users_language(fake_bot: Harness) -> None:
    api = fake_bot.api
    api.send_text(101, "/start", user=api.user(101, "en"))
    en = await api.wait_for("sendMessage", chat_id=101)
    assert "shopping assistant" in en.text and "Ann" in en.text
    api.send_text(102, "/start", user=api.user(102, "zh-hans"))
    zh = await api.wait_for("sendMessage", chat_id=102)
    assert "购物助手" in zh.text
    api.send_text(104, "/start")
    greet = await api.wait_for("sendMessage", chat_id=104)
    assert "shopping assistant" in greet.text
    await api.settle()
    assert len(api.calls_to("sendMessage", 104)) == 1  # a greeting, and nothing about a link
    api.send_text(103, "/help", user=api.user(103, "zh"))
    assert "/reset" in (await api.wait_for("sendMessage", chat_id=103)).text


async def test_text_gets_cards_first_then_prose(fake_bot: Harness) -> None:
    api = fake_bot.api
    after = len(api.calls)
    api.send_text(110, "show me a dress")
    prose = await api.wait_for("sendMessage", chat_id=110, where=lambda c: "picks for you" in c.text, after=after)
    calls = [c for c in api.calls[after:] if c.chat_id == 110]
    methods = [c.method for c in calls]
    assert "sendChatAction" in methods
    group = next(c for c in calls if c.method == "sendMediaGroup")
    assert calls.index(group) < calls.index(prose)  # cards first
    captions = [m["caption"] for m in group.params["media"]]
    assert len(captions) == 3
    assert "<code>0100000001</code>" in captions[0] and "29.99" in captions[0] and "Black" in captions[0]
    assert all(m["parse_mode"] == "HTML" for m in group.params["media"])
    assert len(group.files) == 3  # the product photos were uploaded
    keyboard = next(c for c in calls if c.method == "sendMessage" and c.params.get("reply_markup"))
    rows = keyboard.params["reply_markup"]["inline_keyboard"]
    assert len(rows) == 3 and rows[0][0]["text"].startswith("1.")
    assert all(len(b["callback_data"].encode()) <= 64 for row in rows for b in row)
    assert prose.params["parse_mode"] == "HTML"


async def test_product_without_image_is_a_text_card_with_escaping(fake_bot: Harness) -> None:
    api = fake_bot.api
    after = len(api.calls)
    api.send_text(111, "a sweater please")  # the only sweater has no image
    card = await api.wait_for("sendMessage", chat_id=111, where=lambda c: "0100000004" in c.text, after=after)
    assert "Knit Sweater" in card.text and card.params.get("reply_markup")
    assert not api.calls_to("sendPhoto", 111) and not api.calls_to("sendMediaGroup", 111)
    api.send_text(111, "t-shirt")
    photo = await api.wait_for("sendPhoto", chat_id=111)
    assert "Tee &lt;Basic&gt; &amp; Co" in photo.text  # HTML-escaped name
    assert photo.params.get("reply_markup")  # one card carries its own buttons


async def test_photo_and_image_document_search_with_caption(fake_bot: Harness) -> None:
    api = fake_bot.api
    agent = fake_bot.rt.services.agent
    after = len(api.calls)
    api.send_photo(120, png_bytes("black"), caption="cheaper")
    await api.wait_for("sendMediaGroup", chat_id=120, after=after)
    assert any(c.method == "getFile" for c in api.calls[after:])
    session, text, photo = agent.seen[-1]
    assert text == "cheaper" and photo == png_bytes("black") and session.session_id == "tg:120"
    after = len(api.calls)
    api.send_document(120, png_bytes("white"), "image/png", "dress.png")
    await api.wait_for("sendMediaGroup", chat_id=120, after=after)
    assert agent.seen[-1][2] == png_bytes("white")
    after = len(api.calls)
    api.send_document(120, png_bytes("red"), "application/octet-stream", "IMG_0042")  # no image type: the bytes decide
    await api.wait_for("sendMediaGroup", chat_id=120, after=after)
    assert agent.seen[-1][2] == png_bytes("red")


async def test_a_48_megapixel_phone_photo_sent_as_a_file_gets_look_alikes(fake_bot: Harness) -> None:
    api = fake_bot.api
    buf = io.BytesIO()
    Image.new("RGB", (8064, 6048), "navy").save(buf, format="JPEG", quality=60)
    after = len(api.calls)
    api.send_document(121, buf.getvalue(), "image/jpeg", "IMG_4032.jpg")
    await api.wait_for("sendMediaGroup", chat_id=121, after=after)
    assert fake_bot.rt.services.agent.seen[-1][2] == buf.getvalue()


@pytest.mark.parametrize(
    ("kind", "expect"),
    [
        ("sticker", "text and photos"),
        ("voice", "text and photos"),
        ("location", "text and photos"),
        ("video", "text and photos"),
        ("pdf", "isn't an image"),
        ("huge", "too large"),
        ("corrupt", "couldn't read"),
        ("bomb", "too many pixels"),
        ("pixels", "too many pixels"),
        ("untyped_junk", "isn't an image"),
        ("long", "too long"),
        ("unknown_cmd", "don't know that command"),
        ("edited", "only read new messages"),
    ],
)
async def test_bad_input_gets_a_clear_reply(fake_bot: Harness, kind: str, expect: str) -> None:
    api = fake_bot.api
    chat = 200 + len(api.calls)  # a fresh chat per case
    user = api.user(chat)
    if kind == "sticker":
        api.push({"message": api.message(chat, sticker={"file_id": "S1", "file_unique_id": "S1", "width": 512,
                                                        "height": 512, "is_animated": False, "is_video": False,
                                                        "type": "regular"})})
    elif kind == "voice":
        api.push({"message": api.message(chat, voice={"file_id": "V1", "file_unique_id": "V1", "duration": 3})})
    elif kind == "location":
        api.push({"message": api.message(chat, location={"latitude": 1.0, "longitude": 2.0})})
    elif kind == "video":
        api.push({"message": api.message(chat, video={"file_id": "D1", "file_unique_id": "D1", "width": 1,
                                                      "height": 1, "duration": 1})})
    elif kind == "pdf":
        api.send_document(chat, b"%PDF-1.4 ...", "application/pdf", "x.pdf")
    elif kind == "huge":
        api.send_photo(chat, png_bytes(), file_size=25 * 1024 * 1024)
    elif kind == "corrupt":
        api.send_photo(chat, b"\xff\xd8\xff\xe0 this is not really a jpeg")
    elif kind == "bomb":
        buf = io.BytesIO()
        Image.new("1", (12000, 12000)).save(buf, format="PNG")  # tiny file, 144 Mpx
        api.send_photo(chat, buf.getvalue())
    elif kind == "pixels":  # a huge PNG (not a JPEG, which is decoded reduced)
        buf = io.BytesIO()
        Image.new("1", (9000, 9000)).save(buf, format="PNG")
        api.send_document(chat, buf.getvalue(), "image/png", "scan.png")
    elif kind == "untyped_junk":
        api.send_document(chat, b"PK\x03\x04 an archive, not a photo", "application/octet-stream", "photos.zip")
    elif kind == "long":
        api.send_text(chat, "dress " * 1000, user=user)
    elif kind == "unknown_cmd":
        api.send_text(chat, "/frobnicate", user=user)
    elif kind == "edited":
        api.send_text(chat, "a dress", edited=True, user=user)
    reply = await api.wait_for("sendMessage", chat_id=chat)
    assert expect in reply.text
    assert fake_bot.app.updater.running  # still polling


async def test_group_messages_need_to_address_the_bot(fake_bot: Harness) -> None:
    api = fake_bot.api
    group = -500
    after = len(api.calls)
    api.send_text(group, "any dress here?", chat_type="group", user=api.user(501))
    api.push({"message": api.message(group, chat_type="group", user=api.user(501),
                                      sticker={"file_id": "S", "file_unique_id": "S", "width": 1, "height": 1,
                                               "is_animated": False, "is_video": False, "type": "regular"})})
    await api.settle()
    assert not [c for c in api.calls[after:] if c.chat_id == group]
    api.send_text(group, f"@{BOT_USERNAME} a black dress", chat_type="group", user=api.user(501))
    await api.wait_for("sendMediaGroup", chat_id=group, after=after)
    assert fake_bot.rt.services.agent.seen[-1][1] == "a black dress"
    assert fake_bot.rt.services.agent.seen[-1][0].customer_id is None  # never personal in groups


async def test_a_button_while_search_is_down_says_so(fake_bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    api = fake_bot.api
    chat = 131
    after = len(api.calls)
    api.send_text(chat, "black dress")
    kb = await api.wait_for("sendMessage", chat_id=chat, where=lambda c: bool(c.params.get("reply_markup")), after=after)
    more = kb.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    fake_bot.rt.services.catalog.search_down = True
    try:
        after = len(api.calls)
        api.press(chat, more)
        note = await api.wait_for("sendMessage", chat_id=chat, after=after, where=lambda c: "search" in c.text)
    finally:
        fake_bot.rt.services.catalog.search_down = False
    assert note.text == "Product search is unavailable right now. Please try again in a moment."
    assert not [r for r in caplog.records if r.exc_info]  # a warning line, not the error handler's traceback


async def test_buttons_details_more_cheaper_and_forged(fake_bot: Harness) -> None:
    api = fake_bot.api
    chat = 130
    after = len(api.calls)
    api.send_text(chat, "black dress")
    kb = await api.wait_for("sendMessage", chat_id=chat, where=lambda c: bool(c.params.get("reply_markup")), after=after)
    row = kb.params["reply_markup"]["inline_keyboard"][0]  # Summer Dress 29.99, black
    more, details, cheaper = (b["callback_data"] for b in row)

    after = len(api.calls)
    api.press(chat, details)
    card = await api.wait_for("sendPhoto", chat_id=chat, after=after)
    assert "0100000001" in card.text and "A black dress." in card.text
    assert await api.wait_for("answerCallbackQuery", after=after)

    after = len(api.calls)
    api.press(chat, cheaper)
    await api.wait_for("answerCallbackQuery", after=after)
    cheaper_cards = await api.wait_for("sendPhoto", chat_id=chat, after=after)
    assert "0100000006" in cheaper_cards.text  # Midi Dress 12.0 < 29.99

    after = len(api.calls)
    api.press(chat, more)
    group = await api.wait_for("sendMediaGroup", chat_id=chat, after=after)
    assert {"0100000002", "0100000006"} <= {m["caption"][-17:-7] for m in group.params["media"]}
    await api.settle()
    agent = fake_bot.rt.services.agent  # what each press showed is what the conversation refers to next
    assert [(ids[:1], action) for session, ids, source, action in agent.recorded if session == f"tg:{chat}"] == [
        (["0100000001"], "details"), (["0100000006"], "cheaper"), (["0100000002"], "more")]

    for forged in (more.replace("0100000001", "0100000002"), "m|0100000001|0|AAAAAAAAAAAA", "garbage", ""):
        after = len(api.calls)
        api.press(chat, forged)
        answer = await api.wait_for("answerCallbackQuery", after=after)
        assert "expired" in answer.text
    # data signed for another chat is refused too
    after = len(api.calls)
    api.press(chat + 1, details)
    assert "expired" in (await api.wait_for("answerCallbackQuery", after=after)).text


async def test_stale_button_is_answered_politely(fake_bot: Harness) -> None:
    api = fake_bot.api
    old = fake_bot.rt.signer.sign("details", "0100000001", 131, now=time.time() - 30 * 86400)
    after = len(api.calls)
    api.press(131, old)
    assert "expired" in (await api.wait_for("answerCallbackQuery", after=after)).text


async def test_account_linking_and_history(fake_bot: Harness) -> None:
    api, rt = fake_bot.api, fake_bot.rt
    chat = 140
    api.send_text(chat, "/history")
    assert "linked" in (await api.wait_for("sendMessage", chat_id=chat)).text
    code = await rt.linker.issue("cust-1")
    after = len(api.calls)
    api.send_text(chat, f"/start {code.code}")
    linked = await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "now linked" in c.text, after=after)
    assert linked
    await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "shopping assistant" in c.text, after=after)
    after = len(api.calls)
    api.send_text(chat, "/history")
    hist = await api.wait_for("sendMessage", chat_id=chat, after=after)
    assert "Slim Jeans" in hist.text and "<code>0100000003</code>" in hist.text
    # the agent sees the linked customer, from the session only
    after = len(api.calls)
    api.send_text(chat, "dress")
    await api.wait_for("sendMediaGroup", chat_id=chat, after=after)
    assert rt.services.agent.seen[-1][0].customer_id == "cust-1"
    # the same code cannot be used again, by anyone
    other = 141
    api.send_text(other, f"/start {code.code}")
    assert "doesn't work" in (await api.wait_for("sendMessage", chat_id=other)).text
    api.send_text(other, "/history")
    refused = await api.wait_for("sendMessage", chat_id=other, where=lambda c: "Slim" in c.text or "linked" in c.text)
    assert "Slim Jeans" not in refused.text
    # a guessed code fails
    api.send_text(142, "/start L" + "A" * 38)
    assert "doesn't work" in (await api.wait_for("sendMessage", chat_id=142)).text


async def test_a_malformed_link_code_is_refused_as_a_used_one(fake_bot: Harness) -> None:
    api, rt = fake_bot.api, fake_bot.rt
    code = (await rt.linker.issue("cust-1")).code
    # a code cut short (a link copied in part), any other word: the bot's links carry link codes only
    for chat, payload, lang in ((143, code[:-1], "en"), (144, "badcode123", "en"), (145, "summer-promo", "es")):
        after = len(api.calls)
        api.send_text(chat, f"/start {payload}", user=api.user(chat, lang))
        await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "Ann" in c.text, after=after)  # the greeting
        texts = [c.text for c in api.calls_to("sendMessage", chat)]
        assert len(texts) == 2 and texts[0] == t(lang, "link_failed"), payload
        assert await rt.links.customer_of(chat) is None
    api.send_text(146, f"/start {code}")  # the code itself still works
    assert "now linked" in (await api.wait_for("sendMessage", chat_id=146)).text


async def test_stats_for_admins_only(fake_bot: Harness) -> None:
    api = fake_bot.api
    api.send_text(150, "/stats")
    refusal = await api.wait_for("sendMessage", chat_id=150)
    assert "isn't available" in refusal.text and "users" not in refusal.text
    api.send_text(ADMIN_ID, "/stats", user=api.user(ADMIN_ID))
    text = await api.wait_for("sendMessage", chat_id=ADMIN_ID)
    for label in ("users", "active 24h", "turns", "p50", "tool usage", "top colours", "photos handled",
                  "ungrounded dropped", "errors", "LLM backend"):
        assert label in text.text
    assert "fake" in text.text and "search_catalog" in text.text
    chart = await api.wait_for("sendPhoto", chat_id=ADMIN_ID)
    assert chart.files["photo"].startswith(b"\x89PNG")


async def test_reset_and_cancel(fake_bot: Harness) -> None:
    api, rt = fake_bot.api, fake_bot.rt
    api.send_text(160, "/reset")
    assert "forgotten" in (await api.wait_for("sendMessage", chat_id=160)).text
    assert "tg:160" in rt.services.agent.resets
    api.send_text(161, "/cancel")
    assert "nothing to stop" in (await api.wait_for("sendMessage", chat_id=161)).text
    after = len(api.calls)
    api.send_text(162, "slow dress please")  # the fake agent sleeps 30 s on "slow"
    await api.wait_for("sendMediaGroup", chat_id=162, after=after)
    api.send_text(162, "a red t-shirt")  # waits behind the running turn
    assert await api.wait_for("sendMessage", chat_id=162, where=lambda c: "still working" in c.text, after=after)
    assert not api.calls_to("sendPhoto", 162)  # not started: one turn at a time
    api.send_text(162, "/cancel")
    assert await api.wait_for("sendMessage", chat_id=162, where=lambda c: c.text == "Stopped.", after=after)
    photo = await api.wait_for("sendPhoto", chat_id=162, after=after)  # the queued turn runs next
    assert "0100000005" in photo.text


async def test_rate_limit_is_friendly(fake_bot: Harness) -> None:
    api = fake_bot.api
    chat = 170
    for _ in range(12):
        api.send_text(chat, "nothing special")
    warn = await api.wait_for("sendMessage", chat_id=chat, where=lambda c: "a little fast" in c.text)
    assert warn
    await api.settle()
    assert sum("a little fast" in t for t in sent_texts(api, chat)) == 1


async def test_html_rejected_falls_back_to_plain_text(fake_bot: Harness) -> None:
    api = fake_bot.api
    api.fail(Failure("sendMessage", 400, "Bad Request: can't parse entities: unsupported tag",
                     match=lambda p: p.get("chat_id") == 180 and p.get("parse_mode") == "HTML"))
    api.send_text(180, "/help")
    plain = await api.wait_for("sendMessage", chat_id=180, where=lambda c: "parse_mode" not in c.params)
    assert "What I can do" in plain.text and "<b>" not in plain.text


async def test_retry_after_is_honoured(fake_bot: Harness) -> None:
    api = fake_bot.api
    api.fail(Failure("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1,
                     match=lambda p: p.get("chat_id") == 181))
    t0 = time.monotonic()
    api.send_text(181, "/help")
    calls = []
    while len(calls) < 2:
        await api.wait_for("sendMessage", chat_id=181)
        calls = api.calls_to("sendMessage", 181)
        await asyncio.sleep(0.05)
    assert calls[1].at - calls[0].at >= 0.9 and time.monotonic() - t0 < 10


async def test_long_prose_is_split_at_4096(fake_bot: Harness) -> None:
    api, agent = fake_bot.api, fake_bot.rt.services.agent
    long_reply = ("This is a long sentence about fashion & style <3. " * 200).strip()
    agent.reply_override["tell me everything"] = long_reply
    after = len(api.calls)
    api.send_text(190, "tell me everything")
    await api.wait_for("sendMessage", chat_id=190, after=after)
    await api.settle()
    msgs = [c for c in api.calls[after:] if c.chat_id == 190 and c.method == "sendMessage"]
    assert len(msgs) >= 3
    assert all(len(c.text) <= 4096 for c in msgs)
    assert "&amp;" in msgs[0].text and "&lt;3" in msgs[0].text


async def test_duplicate_update_is_processed_once(fake_bot: Harness) -> None:
    api = fake_bot.api
    uid = api.send_text(195, "/help")
    await api.wait_for("sendMessage", chat_id=195)
    api.push({"update_id": uid, "message": api.message(195, text="/help",
                                                       entities=[{"type": "bot_command", "offset": 0, "length": 5}])})
    api.send_text(196, "/help")  # a later update, to know the duplicate was read
    await api.wait_for("sendMessage", chat_id=196)
    await api.settle()
    assert len(api.calls_to("sendMessage", 195)) == 1


async def test_errors_get_an_apology_and_the_bot_keeps_running(fake_bot: Harness) -> None:
    api, agent = fake_bot.api, fake_bot.rt.services.agent

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    agent.reset, saved = broken, agent.reset  # type: ignore[method-assign]
    try:
        api.send_text(197, "/reset")
        apology = await api.wait_for("sendMessage", chat_id=197)
        assert "went wrong" in apology.text and "boom" not in apology.text
    finally:
        agent.reset = saved  # type: ignore[method-assign]
    api.send_text(197, "/help")
    assert await api.wait_for("sendMessage", chat_id=197, where=lambda c: "What I can do" in c.text)


async def test_prose_streams_with_at_most_one_edit_per_second(fake_bot: Harness) -> None:
    api = fake_bot.api
    after = len(api.calls)
    api.send_text(198, "a dress, trickle")  # 14 words, one every 0.25 s
    final = await api.wait_for("editMessageText", chat_id=198, after=after,
                               where=lambda c: c.text.endswith("word13"), wait_s=15)
    first = next(c for c in api.calls[after:] if c.chat_id == 198 and c.method == "sendMessage"
                 and "word0" in c.text)
    assert first.at < final.at - 1.5  # the reply showed up while it was still being written
    edits = [c for c in api.calls[after:] if c.chat_id == 198 and c.method == "editMessageText"]
    assert 2 <= len(edits) <= 4
    times = [first.at] + [c.at for c in edits]
    assert all(b - a >= 0.95 for a, b in zip(times, times[1:], strict=False))
    assert final.text == " ".join(f"word{i}" for i in range(14))
