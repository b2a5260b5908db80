"""Follow-ups with a filler word ("cheaper please", "I want a cheaper one", "in blue, please") refine the shown
products in every reply language, as the bare "cheaper" and "in blue" do, instead of starting a search for their
words (an Arabic "أرخص من فضلك" after black dresses for women gave tank tops and shorts)."""

from __future__ import annotations

import pytest

from agent.arabic import bare_forms
from agent.intents import classify
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session

RED_DRESS = {"en": "red dress", "zh": "红色连衣裙", "es": "vestido rojo", "fr": "robe rouge", "de": "rotes Kleid",
             "ru": "красное платье", "ja": "赤いワンピース", "ko": "빨간 드레스", "it": "vestito rosso",
             "pt": "vestido vermelho", "nl": "rode jurk", "sv": "röd klänning", "ar": "فستان أحمر",
             "tr": "kırmızı elbise", "pl": "czerwona sukienka", "hi": "लाल ड्रेस"}
# (language, follow-up, in blue): each asks for cheaper ones, or for the same in blue
FOLLOW_UPS = [
    ("en", "cheaper please", False), ("en", "I want a cheaper one", False), ("en", "I want it in blue", True),
    ("zh", "我想要便宜一点的", False), ("zh", "请给我蓝色的", True),
    ("es", "quiero uno más barato", False), ("es", "¿tienes algo más barato?", False), ("es", "lo quiero en azul", True),
    ("fr", "je veux une moins chère", False), ("fr", "avez-vous quelque chose de moins cher ?", False),
    ("fr", "je la veux en bleu", True), ("fr", "vous l'avez en bleu ?", True),
    ("de", "ich möchte ein günstigeres", False), ("de", "ich will es in blau", True),
    ("ru", "хочу подешевле", False), ("ru", "хочу такое же в синем", True),
    ("ja", "もっと安いのが欲しい", False), ("ja", "青でお願いします", True),
    ("ko", "더 저렴한 걸 원해요", False), ("ko", "파란색으로 주세요", True), ("ko", "파란색 있어요?", True),
    ("it", "ne voglio uno più economico", False), ("it", "avete qualcosa di più economico?", False),
    ("it", "lo voglio in blu", True),
    ("pt", "quero um mais barato", False), ("pt", "tem algo mais barato?", False), ("pt", "quero em azul", True),
    ("nl", "goedkoper alsjeblieft", False), ("nl", "heb je iets goedkopers?", False),
    ("nl", "in het blauw, alsjeblieft", True), ("nl", "ik wil hem in het blauw", True),
    ("sv", "billigare tack", False), ("sv", "jag vill ha en billigare", False), ("sv", "i blått, tack", True),
    ("sv", "jag vill ha den i blått", True),
    ("ar", "أرخص من فضلك", False), ("ar", "أريد أرخص", False), ("ar", "أريد واحدا أرخص", False),
    ("ar", "ارخص لو سمحت", False), ("ar", "باللون الأزرق", True), ("ar", "أريده باللون الأزرق", True),
    ("ar", "بالأزرق من فضلك", True), ("ar", "هل يوجد باللون الأزرق؟", True),
    ("tr", "daha ucuz lütfen", False), ("tr", "daha ucuz bir tane istiyorum", False),
    ("tr", "bana daha ucuzunu göster lütfen", False), ("tr", "mavi renkte lütfen", True),
    ("tr", "mavisini istiyorum", True),
    ("pl", "tańsze proszę", False), ("pl", "chcę tańszą", False), ("pl", "w kolorze niebieskim, proszę", True),
    ("pl", "chcę ją w niebieskim", True),
    ("hi", "मुझे सस्ता चाहिए", False), ("hi", "मुझे यह नीले रंग में चाहिए", True),
]


@pytest.mark.parametrize(("language", "text", "blue"), FOLLOW_UPS)
async def test_a_follow_up_with_filler_words_refines_the_shown_dresses(open_service, language: str, text: str,
                                                                       blue: bool) -> None:  # type: ignore[no-untyped-def]
    s = Session(f"filler-{text}")
    async with open_service(ScriptedBackend()) as service:
        shown = await service.ask(s, RED_DRESS[language])
        turn = await service.ask(s, text)
    args = turn.tool_calls[0]["args"]
    assert turn.intent == "refine" and args["product_type"] == "Dress"
    if blue:
        assert args["colour"] == "Blue" and turn.products and {p.product_type for p in turn.products} == {"Dress"}
    else:
        assert args["colour"] == "Red" and args["strict"] and args["max_price"] < max(p.price for p in shown.products)


async def test_arabic_follow_ups_keep_the_kind_colour_and_audience(open_service) -> None:  # type: ignore[no-untyped-def]
    """The shopper's report: black dresses for women, then "cheaper please", "I want cheaper", "in blue"."""
    async with open_service(ScriptedBackend()) as service:
        turns = []
        for text in ("أرخص من فضلك", "أريد أرخص", "باللون الأزرق"):
            s = Session(f"ar-{text}")
            shown = await service.ask(s, "فستان أسود للنساء")
            turns.append(await service.ask(s, text))
    assert [p.name for p in shown.products] == ["Night Satin Dress"]
    for turn in turns:
        assert turn.intent == "refine"
        assert {k: turn.tool_calls[0]["args"].get(k) for k in ("product_type", "index_group")} == \
            {"product_type": "Dress", "index_group": "Ladieswear"}
    assert [t.tool_calls[0]["args"].get("colour") for t in turns] == ["Black", "Black", "Blue"]
    assert turns[2].products and all(p.colour == "Blue" and p.product_type == "Dress" for p in turns[2].products)


@pytest.mark.parametrize("text", ["show me more please", "请给我看更多", "muéstrame más por favor",
                                  "montrez-moi plus s'il vous plaît", "zeig mir mehr bitte", "покажите ещё, пожалуйста",
                                  "أرني المزيد من فضلك", "please, more"])
def test_more_with_please_asks_for_more_of_the_same(text: str) -> None:
    c = classify(text, has_shown=True, has_photo=False)
    assert (c.intent, c.more) == ("refine", True)


@pytest.mark.parametrize(("text", "cheapest"), [("tem algo mais barato?", False), ("quero uma mais barata", False),
                                                ("qual é o mais barato?", True), ("¿cuál es el más barato?", True)])
def test_something_cheaper_is_no_question_for_the_cheapest(text: str, cheapest: bool) -> None:
    """"algo mais barato" (something cheaper) ends in "o mais barato" (the cheapest)."""
    c = classify(text, has_shown=True, has_photo=False)
    assert c.cheapest is cheapest and c.intent == ("details" if cheapest else "refine")


@pytest.mark.parametrize(("word", "forms"), [
    ("الأزرق", ["أزرق"]), ("بالأزرق", ["أزرق", "الأزرق"]), ("باللون", ["لون", "اللون"]), ("وأرخص", ["أرخص"]),
    ("الازرق", ["ازرق", "أزرق"]), ("اريد", ["أريد"]), ("بيج", []), ("blue", []),
])
def test_arabic_words_are_also_looked_up_without_what_is_written_onto_them(word: str, forms: list[str]) -> None:
    assert bare_forms(word) == forms
