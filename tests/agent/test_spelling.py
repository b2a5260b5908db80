"""Misspelt catalog words are put right before the message is routed ("blak hodie" is a black hoodie), while real
words one letter from a catalog word ("back", "best", "skit") and words two catalog words are as close to ("shrt")
stay as they are."""

from __future__ import annotations

import pytest

from agent.spelling import closest_word, corrected
from tests.agent.conversation import converse

# word -> what it names (each its own value here)
KNOWN = {word: word for word in ("black", "white", "hoodie", "dress", "trousers", "skirt", "shirt", "short", "vest",
                                 "blau", "negro", "rouge", "jacket", "sweater")}
ENGLISH = frozenset({"black", "white", "hoodie", "dress", "trousers", "skirt", "shirt", "short", "vest", "jacket",
                     "sweater"})


@pytest.mark.parametrize(("word", "language", "right"), [
    ("blak", "en", "black"),  # as close to German "blau": the catalog's English word in an English message
    ("hodie", "en", "hoodie"),
    ("dres", "en", "dress"),
    ("trousrs", "en", "trousers"),  # two letters off in a long word
    ("sweatr", "en", "sweater"),
    ("whte", "en", "white"),
    ("jakcet", "en", "jacket"),  # two letters swapped
    ("negor", "es", "negro"),
    ("rouje", "fr", "rouge"),
    ("Blak", "en", "black"),
])
def test_a_misspelt_word_is_put_right(word: str, language: str, right: str) -> None:
    assert closest_word(word, KNOWN, language, ENGLISH) == right


@pytest.mark.parametrize("word", ["back", "best", "skit", "shrt", "dresses", "dress", "hat", "blue", "東京"])
def test_real_words_known_words_and_ambiguous_ones_stay(word: str) -> None:
    assert closest_word(word, KNOWN, "en", ENGLISH) is None


def test_a_sentence_keeps_its_other_words_and_punctuation() -> None:
    assert corrected("a blak hodie, please!", KNOWN, "en", ENGLISH) == "a black hoodie, please!"
    assert corrected("back to school", KNOWN, "en", ENGLISH) == "back to school"
    assert corrected("blak hodie", {}, "en") == "blak hodie"


async def test_a_misspelt_request_finds_what_it_means(open_service) -> None:  # type: ignore[no-untyped-def]
    (typed,) = await converse(open_service, "typo", "a blak swetr")
    (right,) = await converse(open_service, "no-typo", "a black sweater")
    assert right.products
    assert [p.article_id for p in typed.products] == [p.article_id for p in right.products]


async def test_the_warm_up_loads_the_english_word_frequencies(open_service) -> None:  # type: ignore[no-untyped-def]
    import wordfreq

    from agent.llm.scripted import ScriptedBackend

    wordfreq.get_frequency_dict.cache_clear()
    async with open_service(ScriptedBackend(mode="down")) as service:
        await service.warm_up()
    assert wordfreq.get_frequency_dict.cache_info().currsize >= 1  # the first misspelt word waits for none


def test_words_as_close_that_name_the_same_are_one() -> None:
    known = {"rojo": "colour:Red", "roja": "colour:Red", "rosa": "colour:Pink", "black": "colour:Black",
             "blau": "colour:Blue"}
    assert closest_word("rojp", known, "es") == "rojo"  # rojo or roja: red either way
    assert closest_word("rosp", known, "es") == "rosa"
    assert closest_word("blak", known, "es") is None  # black or blau: two colours, neither English-preferred here
