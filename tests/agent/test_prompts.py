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


def test_replies_cover_every_key_in_every_language() -> None:
    r = Replies()
    keys = set(r._table["en"])
    for lang in r.languages:
        assert set(r._table[lang]) == keys, lang
        assert r.get(lang, "found", n=3)
    assert r.get("ko", "found", n=2) == "Here are 2 products that match."


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
