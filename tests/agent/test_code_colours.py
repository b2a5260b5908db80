"""A typed product code or article id with a colour it does not come in ("0512466 in blue?") is said so, with the
colours the product does come in; German compounds name their kind by their last part ("Wintermantel": a coat)."""

from __future__ import annotations

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session
from agent.vocabulary import VocabularyMapper
from catalog.models import Article

CODE = "0512466"
VARIANTS = {f"{CODE}001": "Brown", f"{CODE}002": "Red", f"{CODE}003": "Grey"}


def _add_variants(catalog) -> None:  # type: ignore[no-untyped-def]
    for article_id, colour in VARIANTS.items():
        article = Article(article_id=article_id, product_code=CODE, name="Shirt dress", product_type="Dress",
                          colour=colour, colour_master=colour, index_group="Ladieswear", price=26.99,
                          description=f"A {colour.lower()} shirt dress.", product_group="Garment", garment_group="Dress")
        catalog.items.append(article)
        catalog.by_id[article_id] = article


@pytest.mark.parametrize(("text", "said"), [(f"{CODE} in blue?", "I have no 0512466 (blue)"),
                                            (f"{CODE}002 in blue?", "I have no 0512466 (blue)"),
                                            (f"¿{CODE} en azul?", "0512466 (azul)")])
async def test_a_code_in_a_colour_it_lacks_says_so_and_shows_its_colours(open_service, catalog, text: str,
                                                                        said: str) -> None:  # type: ignore[no-untyped-def]
    _add_variants(catalog)
    async with open_service(ScriptedBackend(mode="down")) as service:
        turn = await service.ask(Session("c"), text)
    assert [p.article_id for p in turn.products] == list(VARIANTS)
    assert said in turn.reply
    assert not [c for c in catalog.calls if c[0] in ("search_text", "similar_to")]


async def test_a_code_in_a_colour_it_has_shows_that_one(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    _add_variants(catalog)
    async with open_service(ScriptedBackend(mode="down")) as service:
        turn = await service.ask(Session("c"), f"{CODE} in red")
    assert [p.article_id for p in turn.products] == [f"{CODE}002"] and "I have no" not in turn.reply


@pytest.mark.parametrize(("text", "kind"), [
    ("Ich suche einen warmen Wintermantel für Herren", "Coat"), ("Sommerkleider in Rot", "Dress"),
    ("eine Regenjacke bitte", "Jacket"), ("Jeanshose für Herren", "Trousers"), ("Laufschuhe", "Sneakers"),
    ("ein Bademantel", None), ("eine Unterhose", None), ("Mantel", "Coat"),
])
def test_german_compounds_name_their_kind_by_their_head(text: str, kind: str | None) -> None:
    vocab = VocabularyMapper({"product_type": ["Coat", "Dress", "Jacket", "Trousers", "Sneakers", "Scarf"]})
    assert vocab.find_in_text("product_type", text, "de") == kind
    assert vocab.find_in_text("product_type", "a wintermantel", "en") is None  # German words in German only
