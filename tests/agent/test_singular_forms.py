"""A plural finds its catalog value through every singular it may be of: "blouses" is a Blouse (not a "blous"),
"chemises" a chemise (a shirt), "blanches" blanche (white), "hoodies" a Hoodie (not a "hoody"), without the
embedder and without a plural of its own in the synonym tables."""

from __future__ import annotations

import pytest

from agent.garments import absent_type, english_kind
from agent.synonyms import SYNONYMS
from agent.vocabulary import VocabularyMapper, singular_forms

VOCAB = {"product_type": ["Dress", "Shirt", "Blouse", "Hoodie", "Trousers", "Box", "Cap", "Shorts", "Short"],
         "colour": ["White", "Black", "Red"]}


def test_the_singulars_a_plural_may_be_of() -> None:
    assert singular_forms("blouses") == ["blouse", "blous"]
    assert singular_forms("chemises") == ["chemise", "chemis"]
    assert singular_forms("blanches") == ["blanche", "blanch"]
    assert singular_forms("hoodies") == ["hoodie", "hoody"]
    assert singular_forms("dresses") == ["dresse", "dress"]
    assert singular_forms("capes") == ["cape"]  # no "cap": -es only after a hissing sound
    assert singular_forms("dress") == [] and singular_forms("bus") == [] and singular_forms("robe") == []


@pytest.mark.parametrize(("text", "language", "kind", "colour"), [
    ("blouses", "en", "Blouse", None),
    ("white blouses", "en", "Blouse", "White"),
    ("hoodies", "en", "Hoodie", None),
    ("chemises", "fr", "Shirt", None),
    ("chemises blanches", "fr", "Shirt", "White"),
    ("robes blanches", "fr", "Dress", "White"),
    ("boxes", "en", "Box", None),
    ("dresses", "en", "Dress", None),
])
def test_plurals_map_through_any_of_their_singulars(text: str, language: str, kind: str, colour: str | None) -> None:
    vocab = VocabularyMapper(VOCAB)  # no embedder: the index and the synonym tables alone
    assert vocab.find_in_text("product_type", text, language) == kind
    assert vocab.find_in_text("colour", text, language) == colour


def test_the_tables_need_no_plural_that_is_a_singular_with_an_s() -> None:
    table = SYNONYMS["product_type"]
    assert "blouses" not in table and "hoodies" not in table  # found through "blouse" and "hoodie"
    vocab = VocabularyMapper(VOCAB)
    assert vocab.exact("product_type", "blouses") == "Blouse" and vocab.exact("colour", "blanches") == "White"
    assert english_kind("blouses", table) == "blouse" and english_kind("hoodies", table) == "hoodie"


def test_capes_are_no_caps_and_a_value_keeps_its_own_name() -> None:
    vocab = VocabularyMapper(VOCAB)
    assert vocab.exact("product_type", "capes") is None
    # "Short" is a value of its own, not the singular of "Shorts" (a more common value listed first)
    assert vocab.exact("product_type", "short") == "Short" and vocab.exact("product_type", "shorts") == "Shorts"


@pytest.mark.parametrize(("text", "absent"), [("blouses", "blouses"), ("hoodies", "hoodies"),
                                              ("white dresses", None)])
def test_a_plural_kind_the_catalog_lacks_is_told(text: str, absent: str | None) -> None:
    vocab = VocabularyMapper({"product_type": ["Dress", "Shirt", "Trousers"], "colour": ["White", "Red"]})
    assert absent_type(vocab, text, set()) == absent


def test_a_plural_of_a_catalog_word_is_named_in_the_catalog() -> None:
    from agent.scope import _named_in_catalog

    words = {"dress", "box", "hoodie"}
    assert _named_in_catalog("summer dresses", words) and _named_in_catalog("boxes", words)
    assert _named_in_catalog("hoodies", words) and not _named_in_catalog("sofas", words)
