"""Offline: the bot's own texts in every language (prompts/bot_strings.toml) and how a Telegram
language_code picks one."""

from __future__ import annotations

import html
import re
import string
from pathlib import Path

import pytest

from agent.language import SUPPORTED
from bot.i18n import LANGUAGES, STRINGS, greeting, lang_of, load_strings, t
from bot.rendering import ButtonSigner, product_keyboard
from catalog.models import Article

# The assistant's languages (agent/language.py); the bot speaks each of them.
BOT_LANGUAGES = ("en", "zh", "es", "fr", "de", "ru", "ja", "ko", "it", "pt", "nl", "sv", "ar", "tr", "pl", "hi")
TRANSLATED = [lang for lang in BOT_LANGUAGES if lang != "en"]
ENGLISH = STRINGS["en"]

TAG = re.compile(r"</?[a-z]+>")
COMMAND = re.compile(r"(?<![\w/])/[a-z_]+(?![a-z_])")  # "/history를": Korean particles join on
MENTION = re.compile(r"@\{bot\}")
HTML_KEYS = {"help", "history_title"}  # sent as they are; every other text is escaped first
SAMPLE = {"name": "Ann", "hello": "Hi!", "bot": "shop_bot", "quote": "red dress", "what": "your photo",
          "limit": 2000, "seconds": 3}


def placeholders(text: str) -> list[str]:
    return sorted(field for _, field, _, _ in string.Formatter().parse(text) if field is not None)


def test_the_bot_speaks_every_language_the_assistant_answers_in() -> None:
    assert LANGUAGES[0] == "en" and set(LANGUAGES) == set(BOT_LANGUAGES)
    assert set(SUPPORTED) <= set(LANGUAGES)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_table_has_the_english_keys_placeholders_tags_and_commands(lang: str) -> None:
    table = STRINGS[lang]
    assert set(table) == set(ENGLISH)
    for key, english in ENGLISH.items():
        text = table[key]
        assert text.strip(), key
        assert placeholders(text) == placeholders(english), key
        assert TAG.findall(text) == TAG.findall(english), key
        assert sorted(COMMAND.findall(text)) == sorted(COMMAND.findall(english)), key
        assert len(MENTION.findall(text)) == len(MENTION.findall(english)), key


@pytest.mark.parametrize("lang", BOT_LANGUAGES)
def test_every_text_renders_as_telegram_html(lang: str) -> None:
    for key, template in STRINGS[lang].items():
        text = t(lang, key, **{name: SAMPLE[name] for name in placeholders(template)})
        assert "{" not in text and "}" not in text, key
        markup = text if key in HTML_KEYS else html.escape(text, quote=False)
        assert not re.search(r"[<>&]", TAG.sub("", markup).replace("&lt;", "").replace("&gt;", "")
                             .replace("&amp;", "")), key
        assert len(markup) <= 4096, key
    assert "Ann" in greeting(lang, "Ann") and t(lang, "hello") in greeting(lang, None)
    for what in ("msg_quoted", "msg_photo", "msg_photo_quoted", "msg_button", "msg_button_quoted"):
        phrase = t(lang, what, quote="red dress")
        for note in ("restart_resumed", "restart_lost"):
            assert phrase in t(lang, note, what=phrase)


@pytest.mark.parametrize("lang", BOT_LANGUAGES)
def test_buttons_commands_and_pop_ups_fit_telegram(lang: str) -> None:
    labels = [t(lang, key) for key in ("btn_more", "btn_details", "btn_cheaper")]
    assert all(0 < len(label) <= 16 for label in labels), labels  # three to a row, "1. " in front
    assert " · ".join(labels) in t(lang, "help")  # /help calls the buttons by their names
    assert all(1 <= len(t(lang, f"cmd_{c}")) <= 256 for c in ("start", "help", "reset", "history", "cancel"))
    assert len(t(lang, "rate_limited", seconds=60)) <= 200
    assert len(t(lang, "stale_button")) <= 200 and len(t(lang, "button_busy")) <= 200


def test_button_data_carries_no_label() -> None:
    """The labels are only the buttons' text: the signed data (64 bytes at most) is an action and an
    article id, the same in every language."""
    signer = ButtonSigner(b"k" * 32)
    art = Article("0123456789", "Dress", product_type="Dress", colour="Red", price=9.99)
    chat = -1001234567890  # a supergroup's id, the longest kind
    for lang in BOT_LANGUAGES:
        for row in product_keyboard([art, art], lang, signer, chat, numbered=True).inline_keyboard:
            for button, action in zip(row, ("more", "details", "cheaper"), strict=True):
                data = str(button.callback_data)
                assert len(data.encode()) <= 64
                verified = signer.verify(data, chat)
                assert verified is not None and (verified.action, verified.article_id) == (action, "0123456789")
    texts = [b.text for b in product_keyboard([art, art], "es", signer, 1, numbered=True).inline_keyboard[1]]
    assert texts == ["2. Más como este", "2. Detalles", "2. Más barato"]


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        (None, "en"), ("", "en"), ("  ", "en"), ("en", "en"), ("en-GB", "en"), ("en_US", "en"),
        ("es", "es"), ("ES", "es"), (" es-419 ", "es"), ("pt-br", "pt"), ("pt-PT", "pt"), ("pt_BR", "pt"),
        ("zh", "zh"), ("zh-hans", "zh"), ("zh-hant", "zh"), ("zh-Hant-TW", "zh"), ("zh-HK", "zh"), ("yue", "zh"),
        ("ja", "ja"), ("ar", "ar"), ("ar-EG", "ar"), ("tr", "tr"), ("pl", "pl"), ("hi-IN", "hi"), ("sv-FI", "sv"),
        ("nl-BE", "nl"), ("fr-CA", "fr"), ("de-CH", "de"), ("ko-KR", "ko"), ("it", "it"), ("ru", "ru"),
        ("nb", "en"), ("no", "en"), ("nn", "en"), ("da", "en"), ("uk", "en"), ("be", "en"), ("ca", "en"),
        ("xx", "en"), ("x-klingon", "en"), ("-pt", "en"), ("pt-", "pt"), ("123", "en"), ("e" * 300, "en"),
    ],
)
def test_language_code_to_table(code: str | None, lang: str) -> None:
    assert lang_of(code) == lang


def test_a_region_gets_its_languages_words() -> None:
    assert t(lang_of("pt-br"), "btn_cheaper") == "Mais baratos"
    assert t(lang_of("zh-hant"), "btn_details") == "详情"
    assert t(lang_of("nb"), "btn_details") == "Details"


def test_a_missing_key_falls_back_to_english(tmp_path: Path) -> None:
    assert t("xx", "btn_more") == "More like this"
    path = tmp_path / "strings.toml"
    path.write_text('[en]\nbtn_more = "More like this"\n\n[es]\n', encoding="utf-8")
    assert load_strings(path)["es"] == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[es]\nbtn_more = "Más"\n', "no [en] table"),
        ('[en]\nbtn_more = 3\n', "[en] btn_more is not a text"),
        ('title = "x"\n[en]\nbtn_more = "More"\n', "title is not a [table]"),
    ],
)
def test_a_malformed_file_says_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "strings.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_strings(path)
