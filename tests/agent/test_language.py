from __future__ import annotations

import pytest

from agent.language import LanguageDetector
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session
from tests.agent.language_cases import CASES


def test_detector_handles_scripts_and_short_text() -> None:
    d = LanguageDetector()
    assert d.detect("红色连衣裙") == "zh"
    assert d.detect("लाल ड्रेस") == "hi" and d.detect("jeans नीली", fallback="de") == "hi"
    assert d.detect("more like the second one but in blue") == "en"
    assert d.detect("ok", fallback="zh") == "zh"
    assert d.detect("un vestido rojo para una boda") == "es"
    assert d.detect("", fallback="fr") == "fr"


async def test_chinese_request_gets_chinese_reply_and_same_products(open_service) -> None:
    async with open_service(ScriptedBackend()) as service:
        zh = await service.ask(Session("zh"), "红色连衣裙")
        en = await service.ask(Session("en"), "red dress")
    assert zh.language == "zh"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.reply)
    assert en.language == "en" and not any("\u4e00" <= ch <= "\u9fff" for ch in en.reply)
    assert [p.article_id for p in zh.products] == [p.article_id for p in en.products]
    assert zh.tool_calls[0]["args"]["colour"] == "Red" and zh.tool_calls[0]["args"]["product_type"] == "Dress"


async def test_fallback_replies_follow_the_language(open_service) -> None:
    async with open_service(ScriptedBackend(mode="down")) as service:
        zh = await service.ask(Session("zh2"), "我想要一条蓝色连衣裙")
        es = await service.ask(Session("es2"), "quiero un vestido azul")
        hi = await service.ask(Session("zh3"), "你好")
    assert zh.language == "zh" and "为您找到" in zh.reply
    assert zh.note and "语言模型暂时不可用" in zh.note
    assert es.language == "es" and "productos" in es.reply
    assert hi.intent == "greeting" and "您好" in hi.reply


async def test_wrong_script_reply_falls_back_to_template(open_service) -> None:
    backend = ScriptedBackend(text_replies=["Here are some dresses."])
    async with open_service(backend) as service:
        result = await service.ask(Session("zh4"), "红色连衣裙")
    assert "为您找到" in result.reply


def test_reply_language_on_the_evaluation_set() -> None:
    """Short shopper messages (tests/agent/language_cases.py): 78.6% right before hints and confidence
    were combined (159 cases), 98.7% after; with 16 more cases (175), 96.6% before the lower bar for sentences
    of 4+ words and a language's own letters, 98.9% after; with 7 more (182) and one case changed for words
    that belong to one language only ("calcetines" is Spanish), 99.5% (181 of 182); with 5 more, 98.9% (185 of 187).
    With Turkish, Polish and Hindi (22 more cases, one hint changed from "pl" to "fi": 209), 99.0% (207 of 209): the
    same two misses, and no other old case changed its answer. With the German forms of the catalog's colours and
    kinds (16 more cases: 231), 99.6% (230 of 231) instead of 96.5%, which answered 7 short German requests in
    English; no old case changed its answer. With the French, Spanish, Italian, Dutch and Portuguese forms (19 more
    cases: 250), 99.6% (249 of 250) instead of 94.4%, which answered 13 short requests in English or Portuguese; no
    old case changed its answer."""
    d = LanguageDetector()
    misses = [(text[:40], hint, previous, expected, got) for text, hint, previous, expected in CASES
              if (got := d.reply_language(text, hint=hint, previous=previous)) != expected]
    accuracy = 1 - len(misses) / len(CASES)
    print(f"reply language: {len(CASES) - len(misses)}/{len(CASES)} = {accuracy:.1%}; misses: {misses}")
    assert len(CASES) >= 150 and accuracy >= 0.97, misses


@pytest.mark.parametrize(("text", "hint", "previous", "expected"), [
    ("cardigan in beige", "en", None, "en"),  # lingua: Swedish 0.22
    ("leggings", "en", None, "en"),  # Dutch 0.62
    ("culottes", "en", None, "en"),  # French 0.50
    ("blue jeans " * 180, "en", None, "en"),  # French 0.46 said over and over
    ("👍", "en", "fr", "en"),  # the previous turn's language no longer beats the hint
    ("<b>hi</b><script>alert(1)</script>", "en", "fr", "en"),
    ("", "en", "es", "en"),  # a photo without a caption
    ("leggings noirs", "fr", None, "fr"),  # Dutch 0.52 because of one loanword
    ("quiero unos vaqueros negros", "en", "en", "es"),  # a clear sentence still switches
    ("leggings", None, "es", "es"),  # no hint: the conversation's language
    ("leggings", "fi", None, "en"),  # a hint the assistant does not speak
    ("leggings", "pl", None, "pl"),  # one it does
    ("Siyah bir ceket arıyorum", "en", None, "tr"),  # lingua without Turkish: Swedish
    ("Szukam czerwonej sukienki", "en", None, "pl"),
    ("मुझे नीली जींस चाहिए", "en", None, "hi"),  # Devanagari: Hindi by its script
    ("un regalo para mi madre", None, None, "es"),  # Spanish 0.39, English 0.05: a sentence of 5 words
    ("un regalo para mi madre", "en", None, "es"),
    ("un bañador", None, None, "es"),  # "bañador" is Spanish's own (1.0), no loanword
    ("calcetines", "es", None, "es"),  # one word: the hint
    ("gafas de sol", "es", "en", "es"),  # too weak to leave the hint
    ("a gift for my mother please", "es", None, "en"),
])
def test_unclear_text_follows_the_hint_then_the_conversation(text: str, hint: str | None, previous: str | None,
                                                             expected: str) -> None:
    assert LanguageDetector().reply_language(text, hint=hint, previous=previous) == expected


async def test_an_english_client_keeps_english_replies_until_a_clear_sentence(open_service) -> None:  # type: ignore[no-untyped-def]
    session = Session("hinted", language="en-GB")
    async with open_service(ScriptedBackend(mode="down")) as service:
        turns = [await service.ask(session, text) for text in ("red dress", "quiero un vestido azul para una boda")]
        turns.append(await service.ask(session, None, photo=b"\x89PNG\r\n\x1a\nfake"))
        turns += [await service.ask(session, text) for text in ("😍😍", "blue dress " * 150)]
    assert [t.language for t in turns] == ["en", "es", "en", "en", "en"]
    assert "productos" in turns[1].reply and "productos" not in turns[2].reply
