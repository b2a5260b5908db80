"""A kind of clothing the catalog has none of ("socks") gets the closest products, said so first."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from agent.garments import FASHION_TYPES, FOREIGN_TYPES_BY_LANGUAGE, absent_type
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session
from agent.vocabulary import VocabularyMapper

VOCAB = {"product_type": ["Dress", "Trousers", "Underwear Tights", "Sweater", "Sneakers"], "colour": ["Black", "Red"],
         "garment_group": ["Shoes"]}
NAME_WORDS = {"belt", "dress", "sunny", "midi"}


@pytest.mark.parametrize(("text", "absent"), [
    ("socks", "socks"),
    ("black socks please", "socks"),
    ("do you have sunglasses?", "sunglasses"),
    ("I need a bow tie", "bow tie"),
    ("calcetines negros", "calcetines"),
    ("lunettes de soleil", "lunettes de soleil"),
    ("我想买袜子", "袜子"),
    ("носки", "носки"),
    ("a red dress", None),  # a type the catalog has
    ("a belt for my trousers", None),  # a word of a product name ("belt")
    ("a scarf to go with my dress", "scarf"),  # the first kind named is the one asked for
    ("a dress to go with my scarf", None),
    ("tights", None),  # a word of the catalog's type "Underwear Tights"
    ("a belt", None),  # a word of a product name
    ("something for a wedding", None),  # names no kind
    ("I want to watch", None),  # words that are also verbs are not kinds
    ("that would suit me", None),
    ("shoes for running", None),  # a group of the catalog's types (garment group "Shoes")
    ("hai dei calzini neri?", "calzini"),
    ("meias pretas", "meias"),
    ("ik zoek sokken", "sokken"),
    ("svarta strumpor", "strumpor"),
    ("siyah çorap arıyorum", "çorap"),
    ("külotlu çorap", None),  # tights: "Underwear Tights"
    ("szukam czarnych skarpetek", "skarpetek"),
    ("okulary przeciwsłoneczne", "okulary przeciwsłoneczne"),
    # Korean writes particles onto the noun: the kind is read without them, also at the end of a compound
    ("양말을 추천해줘", "양말"),
    ("검정양말 있어요?", "양말"),
    ("청바지를 찾아요", None),  # jeans: the catalog's trousers
    ("사이즈가 모자라요", None),  # "is short of" begins with "모자" (hat) and names no hat
    ("모자를 찾아요", "모자"),
    # Arabic writes the article and some prepositions onto the noun
    ("أريد جوارب", "جوارب"),
    ("أريد الجوارب", "جوارب"),
    ("بالنظارات الشمسية", "نظارات شمسية"),
    # Devanagari's vowel signs are part of the word; a word with a precomposed nukta is the same word
    ("मुझे मोज़े चाहिए", "मोज़े"),
    ("मुझे मो\u095b\u0947 चाहिए", "मोज़े"),
    ("ब्राउन ड्रेस", None),
])
def test_a_kind_the_catalog_lacks(text: str, absent: str | None) -> None:
    assert absent_type(VocabularyMapper(VOCAB), text, NAME_WORDS) == absent


def test_each_language_names_the_common_kinds_in_its_own_words() -> None:
    kinds = {"socks", "sunglasses", "glasses", "gloves", "scarf", "hat", "earrings", "wallet", "backpack", "umbrella",
             "tights", "boots"}
    for language in ("es", "fr", "de", "ru", "it", "pt", "nl", "sv", "ko", "ar", "tr", "pl", "hi"):
        table = FOREIGN_TYPES_BY_LANGUAGE[language]
        assert kinds <= set(table.values()), (language, sorted(kinds - set(table.values())))
    for table in FOREIGN_TYPES_BY_LANGUAGE.values():
        for word, english in table.items():
            assert english in FASHION_TYPES and word == unicodedata.normalize("NFC", word) == word.lower(), word


def test_an_empty_catalog_judges_nothing_absent() -> None:
    assert absent_type(VocabularyMapper({}), "socks", set()) is None


def test_a_catalog_with_the_kind_maps_foreign_words_onto_it() -> None:
    mapper = VocabularyMapper({"product_type": ["Socks", "Sunglasses"]})
    assert mapper.find_in_text("product_type", "unos calcetines negros", "es") == "Socks"
    assert mapper.find_in_text("product_type", "我想买墨镜", "zh") == "Sunglasses"
    assert absent_type(mapper, "calcetines", set()) is None


def _calls_them_socks(messages: list[dict[str, Any]]) -> str:
    return "These socks are lovely. I picked them for you."


async def test_the_reply_says_first_that_there_are_none_and_never_calls_the_products_so(open_service) -> None:  # type: ignore[no-untyped-def]
    backend = ScriptedBackend(text_rule=_calls_them_socks)
    async with open_service(backend) as service:
        socks = await service.ask(Session("socks"), "black socks please")
        zh = await service.ask(Session("zh"), "我想买袜子")
        dress = await service.ask(Session("dress"), "a red dress")
        scarf = await service.ask(Session("scarf"), "a scarf to go with my red dress")
    assert socks.intent == "search" and socks.products
    assert socks.reply.startswith("I have no socks in the shop right now; here are the closest products I found.")
    assert socks.reply.lower().count("socks") == 1  # the model's "These socks are lovely" was dropped
    assert "I picked them for you." in socks.reply
    assert not any("socks" in str(c.get("messages")).lower() and c["kind"] in ("tool", "json") for c in backend.calls)
    assert zh.reply.startswith("店里目前没有袜子") and zh.products
    assert dress.products and "I have no" not in dress.reply
    assert all(p.product_type == "Dress" for p in dress.products)
    assert scarf.reply.startswith("I have no scarf in the shop right now") and scarf.products


async def test_without_the_model_the_note_is_the_reply(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        turn = await service.ask(Session("down"), "black sunglasses")
        none = await service.ask(Session("none"), "do you have sunglasses?")  # the search finds nothing at all
    assert turn.reply == "I have no sunglasses in the shop right now; here are the closest products I found."
    assert turn.products and turn.intent == "search"
    assert none.reply == "I have no sunglasses in the shop right now. Can I help you find something else?"
    assert none.products == []



async def test_the_german_note_writes_the_noun_with_a_capital(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        turn = await service.ask(Session("de", language="de"), "ich suche schwarze socken")
    assert turn.language == "de" and turn.reply.startswith("„Socken“ führen wir gerade nicht")


# The shopper's own word for socks, with no client hint: the language is the word's, and so is the note (a single
# word finds no products at all, a sentence the closest ones).
OWN_WORDS = [
    ("calzini", "it", "Non ho calzini in negozio al momento. Posso aiutarti a trovare qualcos'altro?"),
    ("양말을 추천해줘", "ko", "현재 매장에는 ‘양말’ 상품이 없어요. 대신 가장 비슷한 상품을 찾아 드렸어요."),
    ("çorap", "tr", "Şu anda mağazada “çorap” bulunmuyor. Başka bir şey bulmanıza yardımcı olayım mı?"),
    ("skarpetki", "pl", "W sklepie nie ma teraz produktów z kategorii „skarpetki”. Czy mogę pomóc Ci znaleźć coś innego?"),
    ("मुझे मोज़े चाहिए", "hi",
     "अभी दुकान में ‘मोज़े’ श्रेणी का कोई उत्पाद नहीं है; ये सबसे मिलते-जुलते उत्पाद हैं जो मुझे मिले।"),
    ("أريد الجوارب", "ar", "ليس لدي «جوارب» في المتجر حاليًا؛ إليك أقرب المنتجات التي وجدتها."),
]


@pytest.mark.parametrize(("text", "language", "reply"), OWN_WORDS, ids=[w[1] for w in OWN_WORDS])
async def test_a_kind_named_in_the_shoppers_language_gets_the_note_in_it(  # type: ignore[no-untyped-def]
    open_service, text: str, language: str, reply: str
) -> None:
    async with open_service(ScriptedBackend(mode="down")) as service:  # the fake catalog has no socks
        turn = await service.ask(Session(f"own-{language}"), text)
    assert (turn.language, turn.intent, turn.reply) == (language, "search", reply)
    assert bool(turn.products) == (" " in text)
