from __future__ import annotations

import pytest

from agent.intents import classify, find_ordinal
from agent.prompts import Replies, prompt_names, render
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


def _base_keys(table: dict[str, str]) -> set[str]:
    return {k for k in table if not k.endswith(("_one", "_few"))}


def test_replies_cover_every_key_in_every_language() -> None:
    r = Replies()
    keys = _base_keys(r._table["en"])
    for lang in r.languages:
        assert _base_keys(r._table[lang]) == keys, lang
        assert {k.rsplit("_", 1)[0] for k in set(r._table[lang]) - keys} <= keys, lang  # forms of known keys only
        assert r.get(lang, "found", n=3)
    assert r.get("ko", "found", n=2) == "Here are 2 products that match."


def test_counted_replies_agree_with_the_count() -> None:
    r = Replies()
    assert r.get("en", "found", n=1) == "Here is 1 product that matches."
    assert r.get("en", "found", n=2) == "Here are 2 products that match."
    assert r.get("ko", "similar", n=1) == "Here is 1 item that looks similar."  # English fallback, English forms
    assert r.get("de", "found", n=1) == "Hier ist 1 passendes Produkt."
    assert r.get("fr", "found", n=1) == "Voici 1 produit qui correspond."
    assert r.get("ru", "found", n=1) == "Вот 1 подходящий товар."
    assert r.get("ru", "found", n=3) == "Вот 3 подходящих товара."
    assert r.get("ru", "found", n=5) == "Вот 5 подходящих товаров."
    assert r.get("ru", "found", n=11) == "Вот 11 подходящих товаров."
    assert r.get("ru", "found", n=21) == "Вот 21 подходящий товар."
    # every counted text of a language with a singular has its singular form ("покупки: {n}" needs none)
    for lang in ("en", "es", "fr", "de", "ru"):
        table = r._table[lang]
        for key in _base_keys(table) - {"history"} if lang == "ru" else _base_keys(table):
            if "{n}" in r._table["en"][key]:
                assert f"{key}_one" in table, (lang, key)


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
