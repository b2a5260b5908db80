from __future__ import annotations

from agent.language import LanguageDetector
from agent.llm.scripted import ScriptedBackend
from agent.turn import Session


def test_detector_handles_scripts_and_short_text() -> None:
    d = LanguageDetector()
    assert d.detect("红色连衣裙") == "zh"
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
