"""End to end through the fake Bot API: shoppers whose Telegram language is Spanish, Japanese, Arabic
or a regional tag get the bot's own texts (greeting, /help, buttons, notes, the command menu) in it."""

from __future__ import annotations

import pytest

from bot.fake_api import FakeBotApi
from tests.bot.conftest import Harness

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def start_and_help(api: FakeBotApi, chat: int, code: str | None) -> tuple[str, str]:
    after = len(api.calls)
    api.send_text(chat, "/start", user=api.user(chat, code, first_name="Ana"))
    greeting = await api.wait_for("sendMessage", chat_id=chat, after=after)
    after = len(api.calls)
    api.send_text(chat, "/help", user=api.user(chat, code, first_name="Ana"))
    help_ = await api.wait_for("sendMessage", chat_id=chat, after=after)
    return greeting.text, help_.text


async def card_buttons(api: FakeBotApi, chat: int, code: str) -> tuple[str, list[str]]:
    """The note above the buttons and the first product's button labels, for a request in English
    (the assistant's words follow the message; the bot's follow the shopper's Telegram language)."""
    after = len(api.calls)
    api.send_text(chat, "black dress", user=api.user(chat, code))
    keyboard = await api.wait_for("sendMessage", chat_id=chat, where=lambda c: bool(c.params.get("reply_markup")),
                                  after=after)
    row = keyboard.params["reply_markup"]["inline_keyboard"][0]
    assert all(len(b["callback_data"].encode()) <= 64 for b in row)
    return keyboard.text, [b["text"] for b in row]


async def test_a_spanish_shopper_gets_the_bot_in_spanish(fake_bot: Harness) -> None:
    api = fake_bot.api
    greeting, help_ = await start_and_help(api, 801, "es")
    assert greeting.startswith("¡Hola, Ana! Soy tu asistente de compras de moda.")
    assert help_.startswith("<b>Qué puedo hacer</b>") and "/reset – olvidar nuestra conversación" in help_
    assert "Más como este · Detalles · Más barato" in help_
    note, labels = await card_buttons(api, 801, "es")
    assert note == "Toca un botón para ver más sobre un artículo:"
    assert labels == ["1. Más como este", "1. Detalles", "1. Más barato"]
    after = len(api.calls)
    api.press(801, "garbage", user=api.user(801, "es"))
    assert (await api.wait_for("answerCallbackQuery", after=after)).text.startswith("Este botón ha caducado.")
    after = len(api.calls)
    api.send_text(801, "/nonsense", user=api.user(801, "es"))
    assert (await api.wait_for("sendMessage", chat_id=801, after=after)).text == "No conozco ese comando. Prueba /help."


async def test_japanese_and_arabic_shoppers(fake_bot: Harness) -> None:
    api = fake_bot.api
    greeting, help_ = await start_and_help(api, 802, "ja")
    assert greeting.startswith("Anaさん、こんにちは！ファッションのお買い物アシスタントです。")
    assert help_.startswith("<b>できること</b>") and "/history – 購入履歴" in help_
    assert (await card_buttons(api, 802, "ja"))[1] == ["1. 似た商品", "1. 詳細", "1. もっと安く"]

    greeting, help_ = await start_and_help(api, 803, "ar")
    assert greeting.startswith("مرحبًا Ana! أنا مساعد التسوق")
    assert help_.startswith("<b>ما يمكنني فعله</b>") and "/cancel – إيقاف الرد الحالي" in help_
    assert (await card_buttons(api, 803, "ar"))[1] == ["1. منتجات مشابهة", "1. التفاصيل", "1. أرخص"]


async def test_regional_and_unknown_tags(fake_bot: Harness) -> None:
    api = fake_bot.api
    assert (await start_and_help(api, 804, "pt-br"))[0].startswith("Olá, Ana! Sou seu assistente de compras")
    assert (await start_and_help(api, 805, "zh-hant"))[0].startswith("Ana，你好！我是你的时尚购物助手。")
    for chat, code in ((806, "nb"), (808, None)):  # no table for Norwegian; no language given
        greeting, help_ = await start_and_help(api, chat, code)
        assert greeting.startswith("Hi Ana! I'm your fashion shopping assistant.")
        assert "More like this · Details · Cheaper" in help_


async def test_rate_limit_note_in_the_shoppers_language(fake_bot: Harness) -> None:
    api = fake_bot.api
    chat = 807
    after = len(api.calls)
    for _ in range(10):  # the budget is 8 a minute
        api.send_text(chat, "/help", user=api.user(chat, "pl"))
    note = await api.wait_for("sendMessage", chat_id=chat, after=after, where=lambda c: "szybko" in c.text)
    assert note.text.startswith("Wysyłasz wiadomości trochę za szybko.")
    assert api.calls_to("sendMessage", chat)[0].text.startswith("<b>Co potrafię</b>")


async def test_the_command_menu_in_every_language(fake_bot: Harness) -> None:
    menus = {c.params.get("language_code"): c.params["commands"] for c in fake_bot.api.calls_to("setMyCommands")}
    assert set(menus) == {None, "zh", "es", "fr", "de", "ru", "ja", "ko", "it", "pt", "nl", "sv", "ar", "tr", "pl", "hi"}
    for commands in menus.values():
        assert [c["command"] for c in commands] == ["start", "help", "reset", "history", "cancel"]
    assert menus["es"][1]["description"] == "Qué puedo hacer"
    assert menus["ja"][4]["description"] == "今の回答を停止"
    assert menus[None][1]["description"] == "What I can do"
