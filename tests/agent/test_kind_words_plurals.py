"""The Latin-script words the synonym tables gained for Dutch, French, Italian, Spanish, Portuguese and Swedish
kinds ("trui", "spijkerbroeken", "blouson", "maglietta", "giubbotti", "chemisier", "blusa", "skjorta") are named
for their languages in ``agent/kind_words.py``, so reply prose that calls dresses by them is caught."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agent import kind_words
from agent.kind_words import KindCheck, lexicon
from agent.synonyms import SYNONYMS
from catalog.models import Article


@pytest.fixture(autouse=True)
def _fresh_lexicon() -> Iterator[None]:
    lexicon.cache_clear()
    yield
    lexicon.cache_clear()


def _product(kind: str) -> Article:
    return Article(article_id="0300000009", name=f"Plain {kind.lower()}", product_type=kind, colour="Red")


@pytest.mark.parametrize(("language", "sentence", "wrong"), [
    ("nl", "Deze trui is heerlijk zacht.", {"trui"}),
    ("nl", "Mooie spijkerbroeken voor elke dag.", {"spijkerbroeken"}),
    ("nl", "Deze schoenen zijn licht.", {"schoenen"}),
    ("fr", "Ce blouson est léger.", {"blouson"}),
    ("it", "Questa maglietta è leggera.", {"maglietta"}),
    ("it", "Due giubbotti caldi per l'inverno.", {"giubbotti"}),
])
def test_new_table_words_are_checked_in_their_language(language: str, sentence: str, wrong: set[str]) -> None:
    assert KindCheck([_product("Dress")], language).misnamed(sentence) == wrong


@pytest.mark.parametrize(("language", "shown", "sentence"), [
    ("nl", "Sweater", "Deze trui is heerlijk zacht."),
    ("it", "Jacket", "Due giubbotti caldi per l'inverno."),
    ("fr", "Blouse", "Ce chemisier est léger."),
])
def test_they_pass_above_their_own_kind(language: str, shown: str, sentence: str) -> None:
    assert KindCheck([_product(shown)], language).misnamed(sentence) == set()


@pytest.mark.parametrize(("language", "words"), [
    ("fr", "manteaux chemises chemisier blouson chaussures"),
    ("es", "blusa"),
    ("pt", "blusa"),
    ("it", "camicie gonne giacche cappotti maglioni borse camicetta camicette maglietta magliette giubbotto giubbotti"),
    ("nl", "jurken rokken broeken jassen jasjes tassen overhemd overhemden trui truien schoenen spijkerbroek "
           "spijkerbroeken"),
    ("sv", "klänningar kjolar jackor skjorta skjortor väskor"),
])
def test_the_tables_plurals_are_named_for_their_language(language: str, words: str) -> None:
    named = set(kind_words._LATIN_SYNONYMS[language].split())
    table = SYNONYMS["product_type"]
    assert [w for w in words.split() if w not in named or w not in table] == []
    assert [w for w in words.split() if w in kind_words._EXTRA.get(language, {})] == []  # the tables have them
    assert all(w in lexicon(language) for w in words.split())
