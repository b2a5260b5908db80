"""The fixed note of a relaxed search names the catalog's values in the shopper's language
("Ich habe keine Jacken in Schwarz"), and a value the table lacks in the catalog's own word, quoted."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from agent.notes import describe, relaxation_note
from agent.prompts import PROMPTS_DIR, Replies
from agent.terms import CatalogTerms, shipped_terms
from agent.tools import ToolOutput
from catalog import demo_words

LANGUAGES = ("zh", "ja", "es", "fr", "de", "ru")


def _relaxed(filters: dict[str, Any], applied: dict[str, Any], relaxed: list[str], **extra: Any) -> ToolOutput:
    return ToolOutput(articles=[object()],  # type: ignore[list-item]
                      extra={"filters": filters, "applied": applied, "relaxed": relaxed, **extra})


BLACK_JACKET = _relaxed({"colour": "Black", "product_type": "Jacket"}, {"product_type": "Jacket"}, ["colour"])
MENS_BLUE_JEANS = _relaxed({"colour": "Blue", "product_type": "Jeans", "index_group": "Menswear"},
                           {"colour": "Blue", "product_type": "Jeans"}, ["index_group"])
UNKNOWN = _relaxed({"colour": "Ultraviolet", "product_type": "Poncho"}, {"product_type": "Poncho"}, ["colour"])
LOOK_ALIKES = _relaxed({"colour": "Dark Red", "max_price": 20}, {}, ["colour", "max_price"], source="0100000001")

COLOUR_NOTES = {
    "de": "Ich habe keine Jacken in Schwarz; hier sind Jacken in anderen Farben.",
    "ru": "У меня нет курток чёрного цвета; вот куртки других цветов.",
    "es": "No tengo chaquetas en negro; aquí tienes chaquetas en otros colores.",
    "fr": "Je n'ai pas de vestes en noir ; voici des vestes d'autres couleurs.",
    "zh": "目前没有黑色夹克，这里是其他颜色的夹克。",
    "ja": "ブラックのジャケットはありません。ほかの色のジャケットをご覧ください。",
}
OTHER_NOTES = {
    "de": "Ich habe keine Jeans in Blau für Herren; hier sind die ähnlichsten Jeans in Blau.",
    "ru": "У меня нет джинсов синего цвета для мужчин; вот самые похожие джинсы синего цвета.",
    "es": "No tengo vaqueros en azul para hombre; lo más parecido que tengo son vaqueros en azul.",
    "fr": "Je n'ai pas de jeans en bleu pour homme ; voici les jeans en bleu les plus proches.",
    "zh": "目前没有男装蓝色牛仔裤，这里是最接近的蓝色牛仔裤。",
    "ja": "ブルーのジーンズ（メンズ）はありません。近いブルーのジーンズをご覧ください。",
}
UNKNOWN_NOTES = {
    "de": "Ich habe keine „Poncho“ in „Ultraviolet“; hier sind „Poncho“ in anderen Farben.",
    "ru": "У меня нет «Poncho» цвета «Ultraviolet»; вот «Poncho» других цветов.",
    "es": "No tengo «Poncho» en color «Ultraviolet»; aquí tienes «Poncho» en otros colores.",
    "fr": "Je n'ai pas de « Poncho » en « Ultraviolet » ; voici des « Poncho » d'autres couleurs.",
    "zh": "目前没有“Ultraviolet”色“Poncho”，这里是其他颜色的“Poncho”。",
    "ja": "「Ultraviolet」の「Poncho」はありません。ほかの色の「Poncho」をご覧ください。",
}
LOOK_ALIKE_NOTES = {
    "de": "Ich habe nichts Ähnliches in Dunkelrot und unter 20.00 gefunden; hier sind die ähnlichsten Artikel.",
    "ru": "Похожих товаров тёмно-красного цвета и дешевле 20.00 нет; вот самые похожие.",
    "es": "No encontré nada parecido en rojo oscuro y por menos de 20.00; aquí tienes lo más parecido.",
    "fr": "Je n'ai rien trouvé de similaire en rouge foncé et à moins de 20.00 ; voici les articles les plus proches.",
    "zh": "没有找到深红色且低于20.00的相似商品，这里是最相似的几件。",
    "ja": "ダークレッドで20.00以下の似た商品はありませんでした。最も近い商品をご覧ください。",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_dropped_colour_is_said_in_the_shoppers_words(language: str) -> None:
    note = relaxation_note(BLACK_JACKET, language, Replies())
    assert note == COLOUR_NOTES[language]
    assert "Black" not in note and "Jacket" not in note


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_dropped_index_group_is_said_in_the_shoppers_words(language: str) -> None:
    note = relaxation_note(MENS_BLUE_JEANS, language, Replies())
    assert note == OTHER_NOTES[language]
    assert "Blue" not in note and "Menswear" not in note
    assert language == "de" or "Jeans" not in note  # German says "Jeans" too


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_value_the_table_lacks_is_the_catalogs_word_quoted(language: str) -> None:
    assert relaxation_note(UNKNOWN, language, Replies()) == UNKNOWN_NOTES[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_look_alikes_that_miss_a_colour_and_a_price_say_both(language: str) -> None:
    assert relaxation_note(LOOK_ALIKES, language, Replies()) == LOOK_ALIKE_NOTES[language]


def test_english_and_languages_without_a_table_keep_the_english_sentence() -> None:
    english = "I have no black jackets; here are jackets in other colours."
    assert relaxation_note(BLACK_JACKET, "en", Replies()) == english
    assert relaxation_note(BLACK_JACKET, "ko", Replies()) == english  # English template, English words
    assert relaxation_note(LOOK_ALIKES, "en", Replies()) == (
        "I found nothing similar that is dark red and under 20.00; here are the closest look-alikes.")


def test_the_other_forms_read_right() -> None:
    r = Replies()
    scarf = _relaxed({"product_type": "Scarf", "colour": "Black"}, {}, ["colour", "product_type"])
    assert relaxation_note(scarf, "fr", r) == "Je n'ai pas d'écharpes en noir ; voici les produits les plus proches."
    assert relaxation_note(scarf, "ru", r) == "У меня нет шарфов чёрного цвета; вот самые похожие товары."
    assert describe({"colour": "Off White", "index_group": "Ladieswear"}, "ru", r, missing=True) == (
        "товаров молочного цвета для женщин")
    assert describe({"product_type": "Trousers", "index_group": "Kids"}, "de", r) == "Hosen für Kinder"
    # a catalog spells "Khaki green" as it likes; the table matches without regard to case
    assert describe({"colour": "khaki GREEN", "product_type": "Coat"}, "es", r) == "abrigos en verde caqui"


def test_an_injected_table_is_used() -> None:
    with open(PROMPTS_DIR / "terms.toml", "rb") as fh:
        grammar = tomllib.load(fh)["grammar"]
    table = {"grammar": {"de": grammar["de"]}, "colour": {"Black": {"de": "Tiefschwarz"}}}
    note = relaxation_note(BLACK_JACKET, "de", Replies(), terms=CatalogTerms(table))
    assert note == "Ich habe keine „Jacket“ in Tiefschwarz; hier sind „Jacket“ in anderen Farben."


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_demo_type_colour_and_group_is_in_the_table(language: str) -> None:
    terms, r = shipped_terms(), Replies()
    masters = {master for master, _ in demo_words.COLOURS.values()}
    for field, values in (("product_type", demo_words.PRODUCT_TYPES), ("colour", set(demo_words.COLOURS) | masters),
                          ("index_group", demo_words.INDEX_GROUPS)):
        for value in values:
            assert terms.knows(field, value, language), (field, value, language)
    assert set(LANGUAGES) <= set(terms.languages) and set(terms.languages) < set(r.languages)
