"""Requests for things a fashion shop does not sell get a polite "we don't sell X", never products."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from agent.llm.scripted import ScriptedBackend
from agent.scope import request_object
from agent.turn import Session
from tests.agent.fakes import FakeCatalog


class TrigramEmbedder:
    """Unit vectors of hashed character trigrams: words that share spelling are close, others are not."""

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 256), dtype="float32")
        for row, text in enumerate(texts):
            padded = f"  {text.lower()} "
            for i in range(len(padded) - 2):
                out[row, hashlib.md5(padded[i : i + 3].encode()).digest()[0]] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


class FakeSearch:
    text_embedder = TrigramEmbedder()


class EmbeddingCatalog(FakeCatalog):
    """The fake catalog with a text embedder, as the real one has."""

    search = FakeSearch()


@pytest.mark.parametrize(("text", "language", "obj"), [
    ("recommend an iPhone", "en", "iPhone"),
    ("do you sell laptops?", "en", "laptops"),
    ("I want a new phone", "en", "phone"),
    ("recomiéndame un iPhone", "es", "iPhone"),
    ("推荐一部iPhone", "zh", "iPhone"),
    ("有卖手机吗", "zh", "手机"),
    ("recommend something for me", "en", None),  # generic
    ("a gift for my mum", "en", None),  # context
    ("an outfit for a party", "en", None),
    ("new arrivals", "en", None),  # not framed as a product
    ("sale", "en", None),
    ("a cute one", "en", None),  # points at a shown product
    ("推荐适合我的衣服", "zh", None),
    ("recomende um iPhone", "pt", "iPhone"),
    ("consigliami un iPhone", "it", "iPhone"),
    ("avete pizza?", "it", "pizza"),
    ("raad me een iPhone aan", "nl", "iPhone"),
    ("посоветуй айфон", "ru", "айфон"),
    ("bana bir iPhone öner", "tr", "iPhone"),
    ("اقترح لي آيفون", "ar", "آيفون"),
    ("iPhoneをおすすめして", "ja", "iPhone"),
    ("iPhoneが欲しいです", "ja", "iPhone"),
    ("아이폰 추천해줘", "ko", "아이폰"),
    ("아이폰을 추천해 주세요", "ko", "아이폰"),
    ("プレゼントにおすすめの服", "ja", None),  # context: a present, clothes
    ("선물로 뭐 추천해줘", "ko", None),
    ("consigliami qualcosa per un matrimonio", "it", None),
    ("kannst du mir ein iPhone empfehlen", "de", "iPhone"),
    ("poleć mi iPhone", "pl", "iPhone"),
    ("rekommendera en iPhone", "sv", "iPhone"),
    ("recommend an iPhone for my mom", "en", "iPhone"),  # who it is for does not hide the object
    ("suggest a laptop for work", "en", "laptop"),
    ("recommend a dress for my mom", "en", "dress"),
    ("do you have anything for running", "en", None),
])
def test_the_object_of_a_request(text: str, language: str, obj: str | None) -> None:
    assert request_object(text, language) == obj


async def test_an_out_of_catalog_request_gets_a_polite_no_and_no_products(open_service) -> None:  # type: ignore[no-untyped-def]
    backend = ScriptedBackend()
    async with open_service(backend, cat=EmbeddingCatalog()) as service:
        iphone = await service.ask(Session("phone"), "recommend an iPhone")
        zh = await service.ask(Session("phone-zh"), "推荐一部iPhone")
        dress = await service.ask(Session("dress"), "recommend a summer dress")
        linen = await service.ask(Session("linen"), "do you sell linen?")  # a word of the catalog's names
        mine = await service.ask(Session("mine"), "recommend something for me")
        for_mom = await service.ask(Session("phone-mom"), "recommend an iPhone for my mom")
    assert iphone.intent == "not_sold" and iphone.products == [] and iphone.tool_calls == []
    assert iphone.reply == "Sorry, that is not something we sell: this is a fashion shop. Can I help you find something to wear?"
    assert "iphone" not in iphone.reply.lower()  # the refusal never names the product
    assert zh.intent == "not_sold" and zh.products == [] and zh.reply.startswith("抱歉，我们不卖这类商品") and "iPhone" not in zh.reply
    assert [c for c in backend.calls if c["messages"] and "iPhone" in str(c["messages"])] == []  # no model call
    assert dress.intent == "search" and dress.products
    assert linen.intent == "search" and linen.products
    assert mine.intent == "recommend" and mine.products
    assert for_mom.intent == "not_sold" and for_mom.products == []


async def test_without_an_embedder_nothing_is_refused(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        turn = await service.ask(Session("plain"), "recommend an iPhone")
    assert turn.intent != "not_sold"


async def test_out_of_catalog_requests_in_other_languages_are_refused(open_service) -> None:  # type: ignore[no-untyped-def]
    """Japanese, Korean, Portuguese, Italian and Arabic requests for a phone get the refusal; the same
    frames around a kind of clothing search it ("セーターをおすすめして" shows sweaters, not popular items)."""
    refused = ["iPhoneをおすすめして", "아이폰 추천해줘", "recomende um iPhone", "consigliami un iPhone", "اقترح لي آيفون"]
    async with open_service(ScriptedBackend(), cat=EmbeddingCatalog()) as service:
        turns = [await service.ask(Session(f"no-{i}"), text) for i, text in enumerate(refused)]
        sweater = await service.ask(Session("sweater"), "セーターをおすすめして")
        dress = await service.ask(Session("dress"), "원피스 추천해줘")
    for text, turn in zip(refused, turns, strict=True):
        assert turn.intent == "not_sold" and turn.products == [], (text, turn.intent)
    assert turns[0].language == "ja" and turns[0].reply.startswith("申し訳ありません")
    assert turns[2].language == "pt" and turns[3].language == "it"
    assert sweater.intent == "search" and {p.product_type for p in sweater.products} == {"Sweater"}
    assert dress.intent == "search" and dress.products and {p.product_type for p in dress.products} == {"Dress"}
