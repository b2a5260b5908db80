"""A shopper's words in any language map onto the catalog's vocabulary, word by word through the text
embedder."""

from __future__ import annotations

import pytest

from agent.vocabulary import VocabularyMapper
from tests.agent.vocabulary_cases import COLOUR_WORDS, DEMO_COLOURS, DEMO_TYPES, OTHER_WORDS, TYPE_WORDS


@pytest.fixture(scope="module")
def demo_vocabulary() -> VocabularyMapper:
    from catalog.embedders.text_use import UseTextEmbedder

    return VocabularyMapper({"product_type": list(DEMO_TYPES), "colour": list(DEMO_COLOURS)}, UseTextEmbedder())


async def test_words_of_seven_languages_map_onto_the_demo_vocabulary(demo_vocabulary: VocabularyMapper) -> None:
    """tests/agent/vocabulary_cases.py: product types 37/84 (44%) and colours 49/63 (78%) by the synonym table
    alone; 70/84 (83%) and 62/63 (98%) with single words through the embedder; no other word maps."""
    m = demo_vocabulary
    scores = {}
    for field, cases in (("product_type", TYPE_WORDS), ("colour", COLOUR_WORDS)):
        misses = [(word, expected[0], got) for word, language, expected in cases
                  if (got := await m.find(field, word, language)) not in expected]
        scores[field] = 1 - len(misses) / len(cases)
        print(f"{field}: {len(cases) - len(misses)}/{len(cases)} = {scores[field]:.1%}; misses: {misses}")
    mapped = [(word, found) for word, language in OTHER_WORDS
              if any(found := [await m.find(field, word, language) for field in ("product_type", "colour")])]
    assert scores["product_type"] >= 0.8 and scores["colour"] >= 0.95
    assert not mapped


async def test_a_word_in_a_sentence_maps_and_is_remembered_for_the_prose(demo_vocabulary: VocabularyMapper) -> None:
    m = demo_vocabulary
    assert m.find_in_text("product_type", "quiero unos vaqueros negros", "es") is None  # no synonym for it
    assert await m.find("product_type", "quiero unos vaqueros negros", "es") == "Jeans"
    assert await m.find("colour", "quiero unos vaqueros negros", "es") == "Black"
    assert "vaqueros" in m.surface_forms("product_type", "Jeans")
    assert await m.find("product_type", "me gustaría algo para una boda", "es") is None
    # an English word the vocabulary lacks names another garment more often than the nearest value
    assert await m.find("product_type", "a jumpsuit for the summer", "en") is None
    assert await m.find("product_type", "jeans", "it") == "Jeans"  # the synonym prefers the catalog's own type

