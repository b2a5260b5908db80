"""Plural garment words of Dutch, French, Italian and Swedish that are no singular with an -s ("jurken", "manteaux",
"camicie", "gonne", "broeken") name the catalog's kinds by the synonym table, not only through the embedder (which
a catalog without one lacks, and which took "camicie" for Blouse): the search filters by them, and a kind the
catalog lacks is said to be missing."""

from __future__ import annotations

import pytest

from agent.garments import absent_type
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session
from agent.vocabulary import VocabularyMapper

VOCAB = {"product_type": ["Dress", "Coat", "Shirt", "Blouse", "Skirt", "Trousers", "Jacket", "Sweater", "Bag",
                          "Hoodie", "Robe"],
         "colour": ["Red", "Blue", "Black", "White"]}


@pytest.mark.parametrize(("text", "language", "kind", "colour"), [
    ("rode jurken", "nl", "Dress", "Red"),
    ("zwarte broeken", "nl", "Trousers", "Black"),
    ("rokken", "nl", "Skirt", None),
    ("witte overhemden", "nl", "Shirt", "White"),
    ("truien", "nl", "Sweater", None),
    ("manteaux noirs", "fr", "Coat", "Black"),
    ("chemises noires", "fr", "Shirt", "Black"),
    ("jupes rouges", "fr", "Skirt", "Red"),
    ("robes rouges", "fr", "Dress", "Red"),
    ("camicie blu", "it", "Shirt", "Blue"),
    ("gonne rosse", "it", "Skirt", "Red"),
    ("cappotti neri", "it", "Coat", "Black"),
    ("giacche", "it", "Jacket", None),
    ("pantaloni", "it", "Trousers", None),
    ("vestiti", "it", "Dress", None),
    ("klänningar", "sv", "Dress", None),
    ("blouses", "en", "Blouse", None),
    ("hoodies", "en", "Hoodie", None),
])
def test_plural_kinds_map_by_the_synonym_table(text: str, language: str, kind: str, colour: str | None) -> None:
    vocab = VocabularyMapper(VOCAB)  # no embedder: the table alone
    assert vocab.find_in_text("product_type", text, language) == kind
    assert vocab.find_in_text("colour", text, language) == colour


def test_english_robes_are_still_the_catalogs_robes() -> None:
    # French "robes" are dresses; in English text the catalog's own type comes first
    assert VocabularyMapper(VOCAB).find_in_text("product_type", "bath robes", "en") == "Robe"


@pytest.mark.parametrize(("text", "absent"), [("rokken", "rokken"), ("gonne nere", "gonne"), ("manteaux", "manteaux"),
                                              ("rode jurken", None), ("camicie blu", None)])
def test_a_plural_kind_the_catalog_lacks_is_told(text: str, absent: str | None) -> None:
    vocab = VocabularyMapper({"product_type": ["Dress", "Shirt", "Trousers"], "colour": ["Red", "Blue"]})
    assert absent_type(vocab, text, set()) == absent


@pytest.mark.parametrize(("text", "language", "kind", "colour"), [
    ("rode jurken", "nl", "Dress", "Red"),
    ("camicie blu", "it", "Shirt", "Blue"),
    ("rokken", "nl", "Skirt", None),
    ("gonne rosse", "it", "Skirt", "Red"),
])
async def test_a_plural_request_searches_that_kind(open_service, catalog, text: str, language: str, kind: str,  # type: ignore[no-untyped-def]
                                                   colour: str | None) -> None:
    async with open_service(ScriptedBackend()) as service:
        turn = await service.ask(Session(f"p-{language}"), text)
    assert turn.language == language and turn.intent == "search"
    args = turn.tool_calls[0]["args"]
    assert args["product_type"] == kind and args.get("colour") == colour
    assert turn.products and all(p.product_type == kind for p in turn.products)
