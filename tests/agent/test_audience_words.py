"""Who a request is for, in the words of each reply language ("мужские джинсы", "pantaloni da uomo", "spodnie
męskie", "남자 청바지", "tênis masculinos", "erkek pantolon"), becomes the index group filter."""

from __future__ import annotations

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session
from agent.vocabulary import VocabularyMapper

GROUPS = ["Ladieswear", "Menswear", "Kids", "Divided", "Sport"]


@pytest.mark.parametrize(("text", "language", "group"), [
    ("мужские джинсы до 40 евро", "ru", "Menswear"), ("платье для женщин", "ru", "Ladieswear"),
    ("pantaloni neri da uomo", "it", "Menswear"), ("vestiti da donna", "it", "Ladieswear"),
    ("scarpe da bambino", "it", "Kids"), ("spodnie męskie czarne", "pl", "Menswear"),
    ("sukienki damskie", "pl", "Ladieswear"), ("남자 검은 청바지", "ko", "Menswear"), ("남자를 위한 청바지", "ko", "Menswear"),
    ("tênis brancos masculinos", "pt", "Menswear"), ("calças femininas", "pt", "Ladieswear"),
    ("erkek siyah pantolonlar", "tr", "Menswear"), ("kadın elbise", "tr", "Ladieswear"),
    ("Hosen für Männer", "de", "Menswear"), ("ropa de niños", "es", "Kids"), ("بنطلون للرجال", "ar", "Menswear"),
    ("メンズのジーンズ", "ja", "Menswear"),
])
def test_audience_words_name_the_index_group(text: str, language: str, group: str) -> None:
    assert VocabularyMapper({"index_group": GROUPS}).find_in_text("index_group", text, language) == group


async def test_a_russian_request_for_mens_trousers_searches_menswear(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        turn = await service.ask(Session("ru-men"), "мужские брюки")
    searches = [c for c in turn.tool_calls if c["tool"] == "search_catalog"]
    assert searches and searches[0]["args"].get("index_group") == "Menswear"
    assert turn.products and all(p.index_group == "Menswear" for p in turn.products)
