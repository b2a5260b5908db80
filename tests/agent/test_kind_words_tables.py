"""The words for kinds of garment that reply prose is checked with (``agent/kind_words.py``) are the synonym
tables' (``agent/synonyms.py``, ``agent/garments.py``): a word the tables give a language counts in its replies
("فستان" above shirts), a word added to them counts too, and kind_words keeps only the forms the tables lack. The
Latin-script words the tables hold for Dutch, French, Italian, Spanish, Portuguese and Swedish kinds ("trui",
"spijkerbroeken", "blouson", "maglietta", "giubbotti", "chemisier", "blusa", "skjorta") are named for their
languages, so reply prose that calls dresses by them is caught."""

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


@pytest.mark.parametrize(("language", "shown", "sentence", "wrong"), [
    ("ar", "Shirt", "هذا فستان أحمر جميل.", {"فستان"}),
    ("ar", "Dress", "هذا فستان أحمر جميل.", set()),
    ("ko", "Dress", "이 운동화는 아주 편해요.", {"운동화"}),
    ("hi", "Dress", "ये जूते बहुत आरामदायक हैं।", {"जूते"}),
    ("zh", "Dress", "这件雨衣很轻。", {"雨衣"}),
    # materials and parts name no kind in prose: a denim skirt, a knit dress, a coat with a hood
    ("ja", "Skirt", "デニム素材のスカートです。", set()),
    ("ko", "Dress", "니트 소재의 원피스예요.", set()),
    ("ko", "Coat", "후드가 달린 코트예요.", set()),
])
def test_the_synonym_tables_words_of_a_language_are_checked(language: str, shown: str, sentence: str,
                                                             wrong: set[str]) -> None:
    assert KindCheck([_product(shown)], language).misnamed(sentence) == wrong


def test_a_word_added_to_the_synonym_tables_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(SYNONYMS["product_type"], "юбочки", "skirt")
    assert lexicon("ru")["юбочки"] == {"skirt"}
    assert KindCheck([_product("Dress")], "ru").misnamed("Вот красные юбочки.") == {"юбочки"}
    assert "юбочки" not in lexicon("zh") and "юбочки" not in lexicon("en")


def test_a_han_word_of_japanese_catalog_words_is_not_chinese() -> None:
    # "水着" (Japanese: a swimsuit) would be read inside "防水着装" (waterproof clothing)
    assert "水着" in lexicon("ja") and "水着" not in lexicon("zh")
    assert KindCheck([_product("Jacket")], "zh").misnamed("这件夹克是防水着装的好选择。") == set()


def test_the_latin_words_named_for_a_language_are_the_tables() -> None:
    table = SYNONYMS["product_type"]
    assert [(code, word) for code, words in kind_words._LATIN_SYNONYMS.items() for word in words.split()
            if word not in table] == []


def test_kind_words_keeps_only_the_forms_the_tables_lack(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = kind_words._EXTRA
    monkeypatch.setattr(kind_words, "_EXTRA", {})
    tables = {code: lexicon(code) for code in extra}
    assert [(code, word) for code, forms in extra.items() for word, kinds in forms.items()
            if tables[code].get(word) == kind_words._families(kinds)] == []


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
