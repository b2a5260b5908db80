from __future__ import annotations

import string

import pytest

from agent.intents import classify, find_ordinal
from agent.language import SUPPORTED
from agent.llm.scripted import ScriptedBackend
from agent.prompts import Replies, plural_form, prompt_names, render
from agent.turn import Session
from agent.vocabulary import VocabularyMapper

VALUES = {"max_sentences": 3, "shown": "1. A", "text": "hi", "language": "en", "language_name": "English",
          "request": "hi", "action": "searched", "products": "1. A", "extra": "", "history": "- x",
          "candidates": "1: x", "k": 3}


@pytest.mark.parametrize("name", prompt_names())
def test_every_prompt_renders(name: str) -> None:
    text = render(name, **VALUES)
    assert text and "$" not in text


def test_prompt_names_and_missing_values() -> None:
    assert {"system", "intent", "reply", "recommend"} <= set(prompt_names())
    with pytest.raises(KeyError):
        render("reply", language="en")


PLURAL_SUFFIXES = ("_one", "_two", "_few")
SAMPLE = {"name": "Sunny Midi Dress", "k": 7, "count": 3, "item": "socks", "wanted": "x", "kept": "y", "price": "29.99",
          "colour": "red", "kind": "dresses", "description": "A light red midi dress."}


def _base_keys(table: dict[str, str]) -> set[str]:
    return {k for k in table if not k.endswith(PLURAL_SUFFIXES)}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_supported_language_has_every_reply_with_the_same_placeholders() -> None:
    r = Replies()
    english = r._table["en"]
    keys = _base_keys(english)
    assert set(r.languages) == set(SUPPORTED)
    for lang in r.languages:
        table = r._table[lang]
        assert _base_keys(table) == keys, (lang, sorted(keys ^ _base_keys(table)))
        forms = {plural_form(lang, n) for n in range(200)}
        for key, text in table.items():
            base, _, form = key.rpartition("_")
            if key not in keys:  # a plural form of a known key, one the language has
                assert base in keys and form in forms, (lang, key)
                # a form may spell its count out ("Here is 1 product"), and keeps every other placeholder
                assert _fields(text) <= _fields(english[base]) and _fields(english[base]) - _fields(text) <= {"n"}, (
                    lang, key)
            else:
                assert _fields(text) == _fields(english[key]), (lang, key)
            for n in (1, 2, 3, 11, 100):
                assert "{" not in r.get(lang, base if key not in keys else key, n=n, **SAMPLE), (lang, key)
        assert r.language_name(lang) == table["language_name"]
        assert lang == "en" or table["language_name"].endswith(")"), lang  # "Italian (italiano)"


def test_a_language_without_a_table_gets_english() -> None:
    r = Replies()
    assert r.get("fi", "found", n=2) == "Here are 2 products that match."
    assert r.get("fi", "similar", n=1) == "Here is 1 item that looks similar."  # English forms too
    assert r.language_name("fi") == "English"


def test_counted_replies_agree_with_the_count() -> None:
    r = Replies()
    assert r.get("en", "found", n=1) == "Here is 1 product that matches."
    assert r.get("en", "found", n=2) == "Here are 2 products that match."
    assert r.get("de", "found", n=1) == "Hier ist 1 passendes Produkt."
    assert r.get("fr", "found", n=1) == "Voici 1 produit qui correspond."
    assert r.get("ru", "found", n=1) == "Вот 1 подходящий товар."
    assert r.get("ru", "found", n=3) == "Вот 3 подходящих товара."
    assert r.get("ru", "found", n=5) == "Вот 5 подходящих товаров."
    assert r.get("ru", "found", n=11) == "Вот 11 подходящих товаров."
    assert r.get("ru", "found", n=21) == "Вот 21 подходящий товар."
    assert r.get("it", "found", n=1) == "Ecco un prodotto che corrisponde."
    assert r.get("it", "found", n=4) == "Ecco 4 prodotti che corrispondono."
    assert r.get("pt", "similar", n=1) == "Aqui está um item parecido."
    assert r.get("nl", "found", n=1) == "Hier is 1 passend product."
    assert r.get("sv", "found", n=2) == "Här är 2 produkter som passar."
    assert r.get("ko", "found", n=1) == "조건에 맞는 상품 1개를 찾았어요."
    # Arabic: a singular, a dual, a plural noun for 3-10, and the count apart from the noun for the rest
    assert r.get("ar", "found", n=1) == "وجدت منتجًا واحدًا مطابقًا."
    assert r.get("ar", "found", n=2) == "وجدت منتجين مطابقين."
    assert r.get("ar", "found", n=3) == "وجدت 3 منتجات مطابقة."
    assert r.get("ar", "found", n=11) == "وجدت منتجات مطابقة، وعددها 11."
    assert r.get("ar", "found", n=103) == "وجدت 103 منتجات مطابقة."
    # Polish: one, a few (2-4, 22-24, but not 12-14) and many; Turkish says "bir" for one; Hindi's "one" is 0 and 1
    assert [r.get("pl", "found", n=n) for n in (1, 3, 5, 12, 22)] == [
        "Oto 1 pasujący produkt.", "Oto 3 pasujące produkty.", "Oto 5 pasujących produktów.",
        "Oto 12 pasujących produktów.", "Oto 22 pasujące produkty."]
    assert r.get("pl", "recommend", n=4) == "Na podstawie Twoich zakupów mogą Ci się spodobać te 4 produkty."
    assert r.get("pl", "history", n=21) == "Oto Twoich 21 ostatnich zakupów."
    assert r.get("tr", "found", n=1) == "Aradığınıza uyan bir ürün buldum."
    assert r.get("tr", "found", n=4) == "Aradığınıza uyan 4 ürün buldum."
    assert r.get("hi", "found", n=1) == "1 मेल खाता उत्पाद मिला।"
    assert r.get("hi", "found", n=4) == "4 मेल खाते उत्पाद मिले।"
    # every counted text of a language with a singular has its singular form ("покупки: {n}" needs none),
    # Arabic its dual and Polish its form for a few
    for lang in ("en", "es", "fr", "de", "ru", "it", "pt", "nl", "sv", "ar", "tr", "pl", "hi"):
        table = r._table[lang]
        for key in _base_keys(table) - {"history"} if lang == "ru" else _base_keys(table):
            if "{n}" in r._table["en"][key]:
                assert f"{key}_one" in table, (lang, key)
                assert lang != "ar" or f"{key}_two" in table, (lang, key)
                assert lang != "pl" or f"{key}_few" in table, (lang, key)


def test_plural_categories() -> None:
    assert [plural_form("ar", n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103)] == [
        "other", "one", "two", "few", "few", "other", "other", "other", "other", "few"]
    assert [plural_form("it", n) for n in (0, 1, 2)] == ["other", "one", "other"]
    assert [plural_form("pl", n) for n in (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 102, 112, 1004)] == [
        "other", "one", "few", "few", "other", "other", "other", "other", "other", "few", "other", "few", "other", "few"]
    assert [plural_form("hi", n) for n in (0, 1, 2)] == ["one", "one", "other"]
    assert [plural_form("tr", n) for n in (0, 1, 2)] == ["other", "one", "other"]
    assert plural_form("ko", 1) == "other"


@pytest.mark.parametrize(("text", "intent"), [
    ("what did I buy last month?", "history"),
    ("hi there!", "greeting"),
    ("more like the second one but in blue", "similar"),
    ("cheaper ones", "refine"),
    ("给我推荐", "recommend"),
    ("第二个", "details"),
    ("谢谢", "thanks"),
])
def test_rules_fix_the_small_models_mistakes(text: str, intent: str) -> None:
    assert classify(text, has_shown=True, has_photo=False, has_colour="blue" in text).intent == intent


@pytest.mark.parametrize(("text", "intent"), [
    ("recommend something for me", "recommend"),
    ("what should I buy?", "recommend"),
    ("what should I wear today", "recommend"),
    ("any recommendations?", "recommend"),
    ("surprise me!", "recommend"),
    ("I have a wedding to go to next month, what should I wear", "search"),
    ("any suggestions for a beach holiday?", "search"),
    ("suggest a gift for my mom", "search"),
    ("what would you recommend for a rainy day?", "search"),
])
def test_a_request_for_picks_that_names_what_for_is_a_search(text: str, intent: str) -> None:
    assert classify(text, has_shown=False, has_photo=False).intent == intent


async def test_an_occasion_gets_products_for_it_not_the_link_your_account_note(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        turn = await service.ask(Session("occasion"), "what should I wear to a wedding?")
    assert turn.intent == "search" and turn.products and "Link your customer account" not in turn.reply


def test_ordinals() -> None:
    assert find_ordinal("more like the second one") == 1
    assert find_ordinal("第3个") == 2 and find_ordinal("第二件") == 1
    assert find_ordinal("#4 please") == 3
    assert find_ordinal("the last one") == -1
    assert find_ordinal("what did I buy last month") is None


async def test_vocabulary_mapping_never_passes_unknown_values() -> None:
    m = VocabularyMapper({"colour": ["Black", "Dark Blue", "Blue", "Red"], "product_type": ["Dress", "Trousers", "T-shirt"]})
    assert m.exact("colour", "navy") == "Dark Blue"
    assert m.exact("colour", "negra") == "Black"
    assert await m.map_value("colour", "ultraviolet") is None
    assert await m.map_value("product_type", "dresses") == "Dress"
    assert m.find_in_text("colour", "more like it but in blue") == "Blue"
    assert m.find_in_text("colour", "dark blue jeans") == "Dark Blue"
    assert m.find_in_text("product_type", "我想要一条牛仔裤") == "Trousers"
    assert m.find_in_text("product_type", "a cool tee") == "T-shirt"


def test_vocabulary_skips_placeholder_values_and_prefers_synonyms_for_other_languages() -> None:
    m = VocabularyMapper({"colour": ["Other", "Unknown", "Red"], "product_type": ["Robe", "Dress"]})
    assert m.find_in_text("colour", "any other ones?") is None
    assert m.find_in_text("product_type", "a cosy robe for the evening", "en") == "Robe"
    assert m.find_in_text("product_type", "une robe rouge", "fr") == "Dress"
    assert m.find_in_text("colour", "une robe rouge", "fr") == "Red"
