"""A question about one shown product is answered from its catalog record: "how much is the second?" gets its
price, "what colour is it?" its colour, "what material is the third one?" its description, in the shopper's
language, when the model is down too; the model reads the price, kind and colour, and a right price it states
is kept by the grounding check."""

from __future__ import annotations

import tomllib

import pytest

from agent.asked_detail import asked_detail, detail_answer
from agent.grounding import Grounding
from agent.llm.scripted import ScriptedBackend
from agent.prompts import PROMPTS_DIR, Replies
from agent.turn import Session
from catalog.models import Article
from catalog.money import format_price

JACKET = Article("0514393001", "Quilted jacket", product_type="Jacket", colour="Black", price=37.99,
                 description="Jacket in a padded quilt with a stand-up collar; cotton lining.")


@pytest.mark.parametrize(("text", "detail"), [
    ("how much is the second?", "price"), ("第二个多少钱？", "price"), ("сколько стоит второй?", "price"),
    ("¿cuánto cuesta la primera?", "price"), ("Was kostet die zweite?", "price"), ("2番目はいくら？", "price"),
    ("what colour is the first one?", "colour"), ("第一个是什么颜色？", "colour"), ("какого цвета первая?", "colour"),
    ("what material is the third one?", "material"), ("la première est en quelle matière ?", "material"),
    ("¿de qué material es la tercera?", "material"), ("第三个是什么材质？", "material"),
    ("what kind of product is the first one?", "kind"),
    ("what sizes does it come in?", "sizes"), ("tell me more about the second", None),
])
def test_the_detail_a_question_asks_for(text: str, detail: str | None) -> None:
    assert asked_detail(text) == detail


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("how much is it?", "en", "Quilted jacket costs 37.99."),
    ("第二个多少钱？", "zh", "Quilted jacket 的价格是 37.99。"),
    ("сколько стоит второй?", "ru", "Quilted jacket стоит 37,99."),
    ("Was kostet die zweite?", "de", "Quilted jacket kostet 37,99."),
    ("what colour is it?", "en", "Quilted jacket is black."),
    ("какого цвета она?", "ru", "Quilted jacket — чёрного цвета."),
    ("是什么颜色？", "zh", "Quilted jacket 是黑色的。"),
    ("what type is it?", "en", "Quilted jacket is one of our jackets."),
    ("what is it made of?", "en", f"From the catalog description of Quilted jacket: {JACKET.description}"),
    ("what sizes does it come in?", "en", "The catalog doesn't list sizes; the product page shows the sizes in stock."),
    ("tell me more about it", "en", ""),
])
def test_the_answer_comes_from_the_catalog_record(text: str, language: str, expected: str) -> None:
    assert detail_answer(JACKET, text, language, Replies()) == expected


def test_every_language_answers_each_detail() -> None:
    with open(PROMPTS_DIR / "replies.toml", "rb") as fh:
        table = tomllib.load(fh)
    for language, texts in table.items():
        for key in ("details_price", "details_colour", "details_kind", "details_material"):
            assert key in texts and "{name}" in texts[key], (language, key)


@pytest.mark.parametrize(("question", "language"), [
    ("how much is the second?", "en"), ("第二个多少钱？", "zh"), ("сколько стоит второй?", "ru"),
])
async def test_a_price_question_without_the_model_gets_the_price(open_service, question: str,  # type: ignore[no-untyped-def]
                                                                 language: str) -> None:
    async with open_service(ScriptedBackend(mode="down")) as service:
        session = Session("price")
        shown = await service.ask(session, "a blue dress")
        answer = await service.ask(session, question)
    second = shown.products[1]
    assert second.price is not None and answer.tool_calls[0]["tool"] == "article_details"
    assert [p.article_id for p in answer.products] == [second.article_id]
    assert second.name in answer.reply and format_price(second.price, language) in answer.reply
    observation = answer.tool_calls[0]["observation"]
    assert f"price {format_price(second.price)}" in observation and f"colour: {second.colour}" in observation


async def test_the_model_reads_the_price_and_a_right_price_it_states_is_kept(open_service) -> None:  # type: ignore[no-untyped-def]
    backend = ScriptedBackend(text_replies=["A nice dress.", "Ruby Pleated Skirt 的价格是21.99元。"])
    async with open_service(backend) as service:
        session = Session("price-model")
        shown = await service.ask(session, "a red skirt")
        answer = await service.ask(session, "第一个多少钱？")
    assert shown.products[0].name == "Ruby Pleated Skirt"
    prompt = [c for c in backend.calls if c.get("kind") == "text"][-1]["messages"][-1]["content"]
    assert "price 21.99; kind: Skirt; colour: Red" in prompt
    assert "21.99" in answer.reply and answer.ungrounded_dropped == 0


def test_grounding_keeps_a_shown_price_and_drops_another() -> None:
    grounding = Grounding({"0514393001": "Quilted jacket"}, prices=[37.99], language="zh")
    for sentence in ("Quilted jacket 的价格是37.99元。", "价格：¥37.99。", "Der Preis beträgt 37,99 €.", "It costs $37.99."):
        assert grounding.violations(sentence) == 0, sentence
    assert grounding.violations("Quilted jacket 的价格是29.99元。") == 1
