"""A question about sizes ("what sizes?", "what sizes does the second one come in?", "¿qué tallas hay?", "welche
Größen gibt es?", "有什么尺码？", "какие размеры есть?") gets a fixed sentence in the shopper's language: the catalog
lists no sizes, the product page shows those in stock. The product's card is shown as before, and the model's words,
which could only guess the sizes, are not asked for."""

from __future__ import annotations

import tomllib

import pytest

from agent.asked_detail import asked_detail
from agent.language import SUPPORTED
from agent.llm.scripted import ScriptedBackend
from agent.prompts import PROMPTS_DIR, Replies
from agent.turn import Session

SIZES = {
    "en": "The catalog doesn't list sizes; the product page shows the sizes in stock.",
    "es": "El catálogo no indica tallas; la página del producto muestra las tallas disponibles.",
    "de": "Der Katalog führt keine Größen; die Produktseite zeigt die vorrätigen Größen.",
    "zh": "商品目录中没有尺码信息；有货的尺码请看商品页面。",
    "ru": "В каталоге нет размеров; размеры в наличии указаны на странице товара.",
}


def _prose_calls(backend: ScriptedBackend) -> int:
    return sum(1 for call in backend.calls if call.get("kind") == "text")


@pytest.mark.parametrize("text", [
    "what sizes?", "what sizes does the second one come in?", "¿qué tallas hay?", "welche Größen gibt es?",
    "有什么尺码？", "какие размеры есть?", "quelles tailles ?", "サイズは？", "how much is size M?",
])
def test_a_question_about_sizes_asks_for_sizes(text: str) -> None:
    assert asked_detail(text) == ("price" if "how much" in text else "sizes")


def test_every_language_says_the_catalog_has_no_sizes() -> None:
    with open(PROMPTS_DIR / "replies.toml", "rb") as fh:
        table = tomllib.load(fh)
    assert set(table) == set(SUPPORTED) and len(table) == 16
    texts = {language: texts["details_sizes"] for language, texts in table.items()}
    assert len(set(texts.values())) == 16  # each in its own language, none left in English
    assert all("{" not in text for text in texts.values())


@pytest.mark.parametrize(("shown", "question", "position", "language"), [
    ("a red dress", "what sizes?", 0, "en"),
    ("a red dress", "what sizes does the second one come in?", 1, "en"),
    ("vestido rojo", "¿qué tallas hay?", 0, "es"),
    ("ein rotes Kleid", "welche Größen gibt es?", 0, "de"),
    ("红色连衣裙", "有什么尺码？", 0, "zh"),
    ("красное платье", "какие размеры есть?", 0, "ru"),
])
async def test_the_answer_says_so_with_the_products_card(open_service, shown: str, question: str,  # type: ignore[no-untyped-def]
                                                          position: int, language: str) -> None:
    backend = ScriptedBackend(text_rule=lambda messages: "It comes in sizes XS to XL.")
    async with open_service(backend) as service:
        session = Session("sizes")
        first = await service.ask(session, shown)
        asked_before = _prose_calls(backend)
        answer = await service.ask(session, question)
    assert len(first.products) > position
    assert answer.intent == "details" and answer.language == language
    assert [p.article_id for p in answer.products] == [first.products[position].article_id]
    assert answer.reply == SIZES[language] == Replies().get(language, "details_sizes")
    assert _prose_calls(backend) == asked_before  # the model was not asked for words about sizes


async def test_a_price_question_still_gets_the_model(open_service) -> None:  # type: ignore[no-untyped-def]
    backend = ScriptedBackend()
    async with open_service(backend) as service:
        session = Session("sizes-price")
        await service.ask(session, "a red dress")
        asked_before = _prose_calls(backend)
        answer = await service.ask(session, "how much is it?")
    assert answer.intent == "details" and _prose_calls(backend) == asked_before + 1
    assert answer.reply != SIZES["en"]
