"""The fixed note of a relaxed search names the catalog's values in the shopper's language
("Ich habe keine Jacken in Schwarz"), and a value the table lacks in the catalog's own word, quoted."""

from __future__ import annotations

import string
import tomllib
from typing import Any

import pytest

from agent.language import SUPPORTED
from agent.llm.scripted import ScriptedBackend
from agent.notes import describe, relaxation_note
from agent.prompts import PROMPTS_DIR, Replies
from agent.terms import FIELDS, CatalogTerms, shipped_terms
from agent.tools import ToolOutput
from agent.turn import Session
from catalog import demo_words

LANGUAGES = ("zh", "ja", "es", "fr", "de", "ru", "ko", "it", "pt", "nl", "sv", "ar", "tr", "pl", "hi")


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
    "ko": "현재 블랙 재킷의 재고가 없습니다. 다음은 다른 색상의 재킷입니다.",
    "it": "Non ho giacche in nero; ecco giacche in altri colori.",
    "pt": "Não tenho jaquetas em preto; aqui estão jaquetas em outras cores.",
    "nl": "Ik heb geen jassen in zwart; hier zijn jassen in andere kleuren.",
    "sv": "Jag har inga jackor i svart; här är jackor i andra färger.",
    "ar": "ليس لدي جاكيتات باللون الأسود؛ إليك جاكيتات بألوان أخرى.",
    "tr": "Maalesef siyah ceket bulunmuyor; işte başka renklerde ceket seçenekleri.",
    "pl": "Nie mam kurtek w kolorze czarnym; oto kurtki w innych kolorach.",
    "hi": "माफ़ कीजिए, अभी काले रंग में जैकेट उपलब्ध नहीं; ये दूसरे रंगों में जैकेट हैं।",
}
OTHER_NOTES = {
    "de": "Ich habe keine Jeans in Blau für Herren; hier sind die ähnlichsten Jeans in Blau.",
    "ru": "У меня нет джинсов синего цвета для мужчин; вот самые похожие джинсы синего цвета.",
    "es": "No tengo vaqueros en azul para hombre; lo más parecido que tengo son vaqueros en azul.",
    "fr": "Je n'ai pas de jeans en bleu pour homme ; voici les jeans en bleu les plus proches.",
    "zh": "目前没有男装蓝色牛仔裤，这里是最接近的蓝色牛仔裤。",
    "ja": "ブルーのジーンズ（メンズ）はありません。近いブルーのジーンズをご覧ください。",
    "ko": "현재 블루 청바지(남성)의 재고가 없습니다. 다음은 가장 비슷한 블루 청바지입니다.",
    "it": "Non ho jeans in blu da uomo; ecco jeans in blu simili a quello che cerchi.",
    "pt": "Não tenho calças jeans em azul para homens; aqui estão calças jeans em azul semelhantes ao que você procura.",
    "nl": "Ik heb geen jeans in blauw voor heren; hier zijn jeans in blauw die er het dichtst bij komen.",
    "sv": "Jag har inga jeans i blått för herr; här är jeans i blått som ligger närmast.",
    "ar": "ليس لدي بناطيل جينز باللون الأزرق للرجال؛ إليك أقرب ما لدي من بناطيل جينز باللون الأزرق.",
    "tr": "Maalesef erkekler için mavi kot pantolon bulunmuyor; işte en yakın mavi kot pantolon seçenekleri.",
    "pl": "Nie mam dżinsów w kolorze niebieskim dla mężczyzn; oto najbardziej zbliżone dżinsy w kolorze niebieskim.",
    "hi": "माफ़ कीजिए, अभी पुरुषों के लिए नीले रंग में जींस उपलब्ध नहीं; इसके सबसे क़रीब ये नीले रंग में जींस हैं।",
}
UNKNOWN_NOTES = {
    "de": "Ich habe keine „Poncho“ in „Ultraviolet“; hier sind „Poncho“ in anderen Farben.",
    "ru": "У меня нет «Poncho» цвета «Ultraviolet»; вот «Poncho» других цветов.",
    "es": "No tengo «Poncho» en color «Ultraviolet»; aquí tienes «Poncho» en otros colores.",
    "fr": "Je n'ai pas de « Poncho » en « Ultraviolet » ; voici des « Poncho » d'autres couleurs.",
    "zh": "目前没有“Ultraviolet”色“Poncho”，这里是其他颜色的“Poncho”。",
    "ja": "「Ultraviolet」の「Poncho」はありません。ほかの色の「Poncho」をご覧ください。",
    "ko": "현재 ‘Ultraviolet’ 색상 ‘Poncho’의 재고가 없습니다. 다음은 다른 색상의 ‘Poncho’입니다.",
    "it": "Non ho «Poncho» in «Ultraviolet»; ecco «Poncho» in altri colori.",
    "pt": "Não tenho “Poncho” em “Ultraviolet”; aqui estão “Poncho” em outras cores.",
    "nl": "Ik heb geen ‘Poncho’ in ‘Ultraviolet’; hier zijn ‘Poncho’ in andere kleuren.",
    "sv": "Jag har inga ”Poncho” i färgen ”Ultraviolet”; här är ”Poncho” i andra färger.",
    "ar": "ليس لدي «Poncho» بلون «Ultraviolet»؛ إليك «Poncho» بألوان أخرى.",
    "tr": "Maalesef “Ultraviolet” renkli “Poncho” bulunmuyor; işte başka renklerde “Poncho” seçenekleri.",
    "pl": "Nie mam „Poncho” w kolorze „Ultraviolet”; oto „Poncho” w innych kolorach.",
    "hi": "माफ़ कीजिए, अभी ‘Ultraviolet’ रंग में ‘Poncho’ उपलब्ध नहीं; ये दूसरे रंगों में ‘Poncho’ हैं।",
}
LOOK_ALIKE_NOTES = {
    "de": "Ich habe nichts Ähnliches in Dunkelrot und unter 20,00 gefunden; hier sind die ähnlichsten Artikel.",
    "ru": "Похожих товаров тёмно-красного цвета и дешевле 20,00 нет; вот самые похожие.",
    "es": "No encontré nada parecido en rojo oscuro y por menos de 20,00; aquí tienes lo más parecido.",
    "fr": "Je n'ai rien trouvé de similaire en rouge foncé et à moins de 20,00 ; voici les articles les plus proches.",
    "zh": "没有找到深红色且低于20.00的相似商品，这里是最相似的几件。",
    "ja": "ダークレッドで20.00以下の似た商品はありませんでした。最も近い商品をご覧ください。",
    "ko": "조건(다크 레드, 20.00 이하)에 맞는 비슷한 상품은 찾지 못했어요. 대신 가장 비슷한 상품을 보여 드릴게요.",
    "it": "Non ho trovato niente di simile in rosso scuro e a meno di 20,00; ecco gli articoli più somiglianti.",
    "pt": "Não encontrei nada parecido em vermelho-escuro e por menos de 20,00; aqui estão os itens mais semelhantes.",
    "nl": "Ik heb niets vergelijkbaars in donkerrood en onder 20,00 gevonden; hier zijn de artikelen die er het meest op lijken.",
    "sv": "Jag hittade inget liknande i mörkrött och under 20,00; här är de artiklar som liknar mest.",
    "ar": "لم أجد منتجات مشابهة باللون الأحمر الداكن وبسعر أقل من 20.00؛ إليك أقرب المنتجات شبهًا.",
    "tr": "Benzer ürünler arasında koyu kırmızı ve fiyatı en fazla 20,00 olan bir ürün bulamadım; işte en çok benzeyenler.",
    "pl": ("Nie udało mi się znaleźć niczego podobnego w kolorze ciemnoczerwonym i w cenie poniżej 20,00; "
           "oto najbardziej podobne produkty."),
    "hi": "गहरे लाल रंग में और 20.00 से कम दाम में कोई मिलता-जुलता उत्पाद नहीं मिला; ये सबसे ज़्यादा मिलते-जुलते उत्पाद हैं।",
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
    assert relaxation_note(BLACK_JACKET, "fi", Replies()) == english  # English template, English words
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
    # a kind with no colour says the language's word for products; Swedish colours take the neuter after "i"
    assert relaxation_note(scarf, "it", r) == "Non ho sciarpe in nero; ecco prodotti simili a quello che cerchi."
    assert describe({"colour": "Light Grey", "product_type": "Coat", "index_group": "Ladieswear"}, "sv", r) == (
        "kappor och rockar i ljusgrått för dam")
    assert describe({"colour": "Navy Blue", "index_group": "Sport"}, "ar", r) == "منتجات باللون الكحلي للرياضة"
    # Polish, like Russian, says "I have no" with the genitive; Turkish and Hindi put the group first
    assert relaxation_note(scarf, "pl", r) == "Nie mam szalików w kolorze czarnym; oto najbardziej zbliżone produkty."
    assert describe({"colour": "Off White", "index_group": "Ladieswear"}, "pl", r, missing=True) == (
        "produktów w kolorze złamanej bieli dla kobiet")
    assert describe({"colour": "Navy Blue", "index_group": "Sport"}, "tr", r) == "spora uygun lacivert ürün"
    assert describe({"product_type": "Hat", "index_group": "Kids"}, "hi", r) == "बच्चों के लिए टोपियाँ"


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


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_of_the_table_names_the_same_values_and_joins_them_alike() -> None:
    with open(PROMPTS_DIR / "terms.toml", "rb") as fh:
        table = tomllib.load(fh)
    grammar = table["grammar"]
    assert set(grammar) == set(SUPPORTED) - {"en"}  # every language the assistant replies in but English
    reference = grammar["de"]
    for lang, rules in grammar.items():
        assert set(rules) == set(reference), lang
        for key, text in rules.items():
            for form in [text] if isinstance(text, str) else text:
                assert _fields(form) == _fields(reference[key]), (lang, key)
    for field in FIELDS:
        for value, words in table[field].items():
            assert set(words) == set(grammar), (field, value, sorted(set(grammar) ^ set(words)))
            for lang, word in words.items():
                # Russian and Polish product types have the nominative and the genitive; every other word is one form
                forms = 2 if lang in ("ru", "pl") and field == "product_type" else 1
                assert (len(word) if isinstance(word, list) else 1) == forms and all(word), (field, value, lang)


# Through the service, with the model down, in each language added after the first six: the note is the reply.
NEW_LANGUAGE_TURNS = [
    ("it", "un maglione nero", "Non ho maglioni in nero; ecco maglioni in altri colori."),
    ("pt", "um vestido branco", "Não tenho vestidos em branco; aqui estão vestidos em outras cores."),
    ("nl", "ik zoek een rok in zwart", "Ik heb geen rokken in zwart; hier zijn rokken in andere kleuren."),
    ("sv", "en svart kjol", "Jag har inga kjolar i svart; här är kjolar i andra färger."),
    ("ko", "검은색 스웨터", "현재 블랙 스웨터의 재고가 없습니다. 다음은 다른 색상의 스웨터입니다."),
    ("ar", "تنورة سوداء", "ليس لدي تنانير باللون الأسود؛ إليك تنانير بألوان أخرى."),
    ("tr", "siyah bir etek arıyorum", "Maalesef siyah etek bulunmuyor; işte başka renklerde etek seçenekleri."),
    ("pl", "czarna spódnica", "Nie mam spódnic w kolorze czarnym; oto spódnice w innych kolorach."),
    ("hi", "काली स्कर्ट", "माफ़ कीजिए, अभी काले रंग में स्कर्ट उपलब्ध नहीं; ये दूसरे रंगों में स्कर्ट हैं।"),
]
UNSTOCKED_NONE = {
    "it": "Non ho socks in negozio al momento. Posso aiutarti a trovare qualcos'altro?",
    "pt": "No momento não tenho socks na loja. Posso ajudar você a encontrar outra coisa?",
    "nl": "Ik heb op dit moment geen socks in de winkel. Kan ik je helpen iets anders te vinden?",
    "sv": "”socks” har vi inte i butiken just nu. Kan jag hjälpa dig att hitta något annat?",
    "ko": "현재 매장에는 ‘socks’ 상품이 없어요. 다른 상품을 찾아 드릴까요?",
    "ar": "ليس لدي «socks» في المتجر حاليًا. هل أساعدك في العثور على شيء آخر؟",
    "tr": "Şu anda mağazada “socks” bulunmuyor. Başka bir şey bulmanıza yardımcı olayım mı?",
    "pl": "W sklepie nie ma teraz produktów z kategorii „socks”. Czy mogę pomóc Ci znaleźć coś innego?",
    "hi": "अभी दुकान में ‘socks’ श्रेणी का कोई उत्पाद नहीं है। क्या कुछ और ढूँढ़ने में आपकी मदद करूँ?",
}


@pytest.mark.parametrize(("language", "text", "note"), NEW_LANGUAGE_TURNS, ids=[turn[0] for turn in NEW_LANGUAGE_TURNS])
async def test_the_shopper_hears_the_notes_in_their_own_language(  # type: ignore[no-untyped-def]
    open_service, language: str, text: str, note: str
) -> None:
    r = Replies()
    async with open_service(ScriptedBackend(mode="down")) as service:
        relaxed = await service.ask(Session(f"relaxed-{language}"), text)
        # one English word says nothing of its language: the client's hint decides, and the shopper's word is kept
        unstocked = await service.ask(Session(f"socks-{language}", language=language), "socks")
    assert relaxed.language == language and relaxed.products
    assert relaxed.reply == note
    assert relaxed.note == r.get(language, "llm_note") != r.get("en", "llm_note")
    assert unstocked.language == language and unstocked.products == []
    assert unstocked.reply == UNSTOCKED_NONE[language]


async def test_arabic_counts_take_the_singular_and_the_plural(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        one = await service.ask(Session("ar-one"), "تنورة حمراء")  # one red skirt in the fake catalog
        three = await service.ask(Session("ar-three"), "فستان أزرق")  # three blue dresses
    assert (len(one.products), one.reply) == (1, "وجدت منتجًا واحدًا مطابقًا.")
    assert (len(three.products), three.reply) == (3, "وجدت 3 منتجات مطابقة.")


async def test_polish_counts_take_one_few_and_many(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down")) as service:
        one = await service.ask(Session("pl-one"), "czerwona spódnica")  # one red skirt in the fake catalog
        three = await service.ask(Session("pl-three"), "niebieska sukienka")  # three blue dresses
        five = await service.ask(Session("pl-five", language="pl"), "sukienki")  # eight dresses, five shown
        turkish = await service.ask(Session("tr-one"), "kırmızı etek arıyorum")
        hindi = await service.ask(Session("hi-three"), "नीली ड्रेस")
    assert (len(one.products), one.reply) == (1, "Oto 1 pasujący produkt.")
    assert (len(three.products), three.reply) == (3, "Oto 3 pasujące produkty.")
    assert (len(five.products), five.reply) == (5, "Oto 5 pasujących produktów.")
    assert (len(turkish.products), turkish.reply) == (1, "Aradığınıza uyan bir ürün buldum.")
    assert (len(hindi.products), hindi.reply) == (3, "3 मेल खाते उत्पाद मिले।")
