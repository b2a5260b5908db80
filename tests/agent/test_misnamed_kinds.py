"""Prose that calls the shown products a kind of garment none of them is ("Die erste rote Hose" above three
dresses, "一件蓝色的衬衫" above a shirt dress) is not shown: the turn's fixed reply is, and the drop is counted.
Words for the products' own kinds, compounds with them ("shirt dress", "衬衫裙"), generic words and a kind
the shopper asked for that the shop lacks still pass."""

from __future__ import annotations

from typing import Any

import pytest

from agent.kind_words import KindCheck
from agent.llm.scripted import ScriptedBackend
from agent.prompts import Replies
from agent.turn import Session
from catalog.models import Article


def _saying(text: str) -> Any:
    def rule(messages: list[dict[str, Any]]) -> str:
        return text
    return rule


@pytest.mark.parametrize(("language", "request_text", "prose"), [
    ("de", "rote Kleider", "Hier sind die Produkte, die Sie gesucht haben: Die erste Rote Hose ist der erste "
                           "Artikel in der Liste. Sie ist sehr bequem."),
    ("zh", "蓝色连衣裙", "我找到了一件蓝色的衬衫。它很适合夏天。"),
    ("en", "red dresses", "I found a lovely red shirt for you. It is great for summer."),
    ("en", "red dresses", "Here are some red trousers. They are great for summer."),
])
async def test_prose_naming_a_kind_none_of_the_products_is_gives_the_fixed_reply(
        open_service, language: str, request_text: str, prose: str) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(text_rule=_saying(prose))) as service:
        turn = await service.ask(Session(f"s-{language}", language=language), request_text)
    assert turn.products and {a.product_type for a in turn.products} == {"Dress"}
    assert turn.reply == Replies().get(language, "found", n=len(turn.products))
    assert turn.ungrounded_dropped >= 1
    assert turn.note is None  # the model answered; its prose was not used


async def test_a_follow_up_in_chinese_with_a_wrong_kind_gives_the_fixed_reply(open_service) -> None:  # type: ignore[no-untyped-def]
    said = iter(["这些红色连衣裙很漂亮。", "我找到了一件蓝色的衬衫。"])
    async with open_service(ScriptedBackend(text_rule=lambda messages: next(said))) as service:
        session = Session("zh-follow", language="zh")
        first = await service.ask(session, "红色连衣裙")
        second = await service.ask(session, "要蓝色的")
    assert first.reply == "这些红色连衣裙很漂亮。"
    assert second.products and all(a.product_type == "Dress" for a in second.products)
    assert "衬衫" not in second.reply and second.ungrounded_dropped == 1


async def test_the_prose_ends_at_a_sentence_that_names_another_kind(open_service) -> None:  # type: ignore[no-untyped-def]
    prose = "These red dresses are lovely. The first pair of trousers is very comfortable. It is my favourite."
    async with open_service(ScriptedBackend(text_rule=_saying(prose))) as service:
        turn = await service.ask(Session("ends"), "red dresses")
    assert turn.reply == "These red dresses are lovely."
    assert turn.ungrounded_dropped == 1


@pytest.mark.parametrize(("language", "request_text", "prose"), [
    ("de", "rote Kleider", "Diese roten Kleider sind wunderschön. Das erste Kleid ist ein toller Artikel für den Sommer."),
    ("zh", "红色连衣裙", "这些红色连衣裙很漂亮。这条裙子很适合夏天。这件商品很受欢迎。"),
    ("en", "red dresses", "This red shirt dress is a lovely item. Pair it with white sneakers for a casual look."),
    ("en", "red dresses", "Here are some red dresses. Each product is great for summer."),
])
async def test_prose_about_the_products_own_kind_is_kept(open_service, language: str, request_text: str,
                                                           prose: str) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(text_rule=_saying(prose))) as service:
        turn = await service.ask(Session(f"k-{language}", language=language), request_text)
    assert turn.products and turn.reply == prose and turn.ungrounded_dropped == 0


async def test_a_kind_the_shop_lacks_is_still_told_by_its_note(open_service) -> None:  # type: ignore[no-untyped-def]
    prose = "Sorry, there are no socks. These red dresses are lovely."
    async with open_service(ScriptedBackend(text_rule=_saying(prose))) as service:
        turn = await service.ask(Session("socks"), "red socks")
    assert turn.products
    assert turn.reply.startswith(Replies().get("en", "unstocked", item="socks"))
    assert turn.reply.endswith("These red dresses are lovely.")  # the sentence after the dropped one stands


def _dress(name: str = "Shirt dress") -> Article:
    return Article(article_id="0300000001", name=name, product_type="Dress", colour="Red")


@pytest.mark.parametrize(("language", "sentence", "wrong"), [
    ("en", "This shirt dress is lovely.", set()),
    ("en", "A red shirt.", {"shirt"}),
    ("en", "Dress it up with a blazer.", set()),
    ("de", "Ein rotes T-Shirt-Kleid.", set()),
    ("de", "Eine rote Hose.", {"hose"}),
    ("fr", "Une robe chemise rouge.", set()),
    ("fr", "Un pantalon rouge.", {"pantalon"}),
    ("zh", "衬衫式连衣裙很适合夏天。", set()),
    ("zh", "这些商品包括一条裙子。", set()),
    ("zh", "一条牛仔裤。", {"牛仔裤"}),
    ("ru", "Вот красные платья.", set()),
    ("ru", "Вот красные брюки.", {"брюки"}),
    ("es", "Un vestido rojo y una falda.", {"falda"}),
])
def test_kind_words_by_language(language: str, sentence: str, wrong: set[str]) -> None:
    check = KindCheck([_dress()], language)
    assert check.misnamed(sentence) == wrong


def test_a_product_of_an_unknown_kind_turns_the_check_off() -> None:
    odd = Article(article_id="0300000002", name="Hair clip", product_type="Hair clip", colour="Gold")
    assert KindCheck([odd, _dress()], "en").misnamed("A red shirt.") == set()


def test_near_kinds_pass() -> None:
    coat = Article(article_id="0300000003", name="Wool coat", product_type="Coat", colour="Grey")
    jeans = Article(article_id="0300000004", name="Slim jeans", product_type="Jeans", colour="Blue")
    assert KindCheck([coat], "en").misnamed("A warm grey jacket.") == set()
    assert KindCheck([jeans], "de").misnamed("Eine blaue Hose.") == set()
    assert KindCheck([coat], "en").misnamed("A warm grey dress.") == {"dress"}

