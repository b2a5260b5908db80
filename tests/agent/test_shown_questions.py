"""Questions about a shown product by its position ("what material is the third one?", "¿de qué material es el
tercero?") are answered from its details and keep the shown list; small talk ("hi! how are you today?", "tell me a
joke") is answered without a search; "not that one, show me the others in grey" keeps the kind shown; Japanese
"2番目に似たもの" asks for look-alikes of the second one."""

from __future__ import annotations

import pytest

from agent.intents import classify
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session
from catalog.models import Article

QUESTIONS = [
    ("what material is the third one?", 2), ("what sizes does the first one come in?", 0),
    ("is the first one cotton?", 0), ("¿de qué material es el tercero?", 2), ("¿de qué material es la tercera?", 2),
    ("aus welchem Material ist das dritte?", 2), ("Welche Größen gibt es beim ersten?", 0),
    ("le premier est en coton ?", 0), ("la première est en quelle matière ?", 0), ("第三个是什么材质的？", 2),
]


@pytest.mark.parametrize(("text", "ordinal"), QUESTIONS)
def test_a_question_about_a_shown_position_asks_for_its_details(text: str, ordinal: int) -> None:
    c = classify(text, has_shown=True, has_photo=False)
    assert (c.intent, c.ordinal) == ("details", ordinal)


@pytest.mark.parametrize("text", ["what material is the third one?", "¿de qué material es el tercero?",
                                  "aus welchem Material ist das dritte?", "第三个是什么材质的？"])
async def test_the_answer_is_the_product_asked_about_and_the_list_stays(open_service, catalog, text: str) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        session = Session("q")
        shown = await service.ask(session, "a red dress")
        asked = await service.ask(session, text)
        then = await service.ask(session, "the first one")
    assert len(shown.products) >= 3
    assert [c["tool"] for c in asked.tool_calls] == ["article_details"]
    assert [p.article_id for p in asked.products] == [shown.products[2].article_id]
    assert not [c for c in catalog.calls if c[0] == "search_text" and c[1][0].startswith(text[:8])]
    assert [p.article_id for p in then.products] == [shown.products[0].article_id]  # the list shown is kept


def _colours(catalog) -> list[str]:  # type: ignore[no-untyped-def]
    """The fake catalog's dresses as one product code in three colours (the first is red, as shown by a search)."""
    ids = []
    for n, (colour, price) in enumerate((("Red", 11.5), ("Blue", 11.5), ("Grey", 11.5))):
        article = Article(article_id=f"0777777{n + 1:03d}", product_code="0777777", name="Poplin dress",
                          product_type="Dress", colour=colour, colour_master=colour, index_group="Ladieswear",
                          price=price, description=f"A {colour.lower()} poplin dress.", product_group="Garment",
                          garment_group="Dress")
        catalog.items.append(article)
        catalog.by_id[article.article_id] = article
        ids.append(article.article_id)
    return ids


async def test_other_colours_of_a_shown_product_are_its_product_codes_articles(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    ids = _colours(catalog)
    async with open_service(ScriptedBackend()) as service:
        session = Session("c")
        shown = await service.ask(session, "a red poplin dress under 12")
        asked = await service.ask(session, "does the 1st one come in other colours?")
    assert [p.article_id for p in shown.products] == [ids[0]]
    assert [c["tool"] for c in asked.tool_calls] == ["article_details"]
    assert [p.article_id for p in asked.products] == ids
    assert {p.colour for p in asked.products} == {"Red", "Blue", "Grey"}


@pytest.mark.parametrize(("text", "intent"), [
    ("hi! how are you today?", "greeting"), ("tell me a joke", "greeting"), ("расскажи анекдот", "greeting"),
    ("hola, ¿cómo estás?", "greeting"), ("thanks!", "thanks"), ("谢谢", "thanks"), ("thanks a lot!", "thanks"),
])
async def test_small_talk_searches_nothing_and_keeps_the_list(open_service, catalog, text: str, intent: str) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        session = Session("t")
        shown = await service.ask(session, "a red dress")
        searches = len([c for c in catalog.calls if c[0] == "search_text"])
        chat = await service.ask(session, text)
        then = await service.ask(session, "the second one")
    assert chat.intent == intent and not chat.products and not chat.tool_calls
    assert len([c for c in catalog.calls if c[0] == "search_text"]) == searches
    assert [p.article_id for p in then.products] == [shown.products[1].article_id]


@pytest.mark.parametrize("text", ["hi, I need a red dress", "hello, anything for a wedding?",
                                  "hello, something warm for winter", "hallo, ich suche ein Kleid"])
def test_a_greeting_before_a_request_is_no_small_talk(text: str) -> None:
    kind = "dress" in text or "Kleid" in text
    c = classify(text, has_shown=False, has_photo=False, has_type=kind, has_colour="red" in text)
    assert c.intent not in ("greeting", "thanks")


async def test_others_in_a_colour_keep_the_kind_shown(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        session = Session("g")
        await service.ask(session, "a red dress")
        grey = await service.ask(session, "not that one, show me the others in blue")
    assert grey.intent == "refine"
    assert grey.tool_calls[0]["args"].get("product_type") == "Dress"
    assert grey.products and all(p.product_type == "Dress" and p.colour == "Blue" for p in grey.products)


@pytest.mark.parametrize("text", ["2番目に似たものをもっと", "2番目に似た商品"])
def test_japanese_more_like_the_second_is_look_alikes(text: str) -> None:
    c = classify(text, has_shown=True, has_photo=False)
    assert (c.intent, c.ordinal) == ("similar", 1)
