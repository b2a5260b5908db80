"""A message of several Latin-script words is not in the conversation's language when that is written in a script
of its own, and a Latin word of a Chinese (Russian...) message names no kind by its embedding.

"best sellers for kids" after "红色连衣裙" was read as Chinese (the conversation's language carried over, lingua
being unsure of the English: 0.27), and the embedder then mapped "best" onto the kind "Top": the request became
"kids' tops" in Chinese. The script alone says the message is not Chinese.
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from agent.language import LanguageDetector
from agent.vocabulary import VocabularyMapper
from tests.agent.conversation import converse


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize("previous", ["zh", "ja", "ko", "ru", "ar", "hi"])
@pytest.mark.parametrize("text", ["best sellers for kids", "in blue", "what's popular?", "show me more"])
def test_latin_words_are_not_a_language_of_another_script(detector: LanguageDetector, previous: str,
                                                          text: str) -> None:
    assert detector.reply_language(text, previous=previous) == "en"
    assert detector.reply_language(text, hint=previous, previous=previous) == "en"


def test_a_latin_language_of_the_client_or_conversation_still_holds(detector: LanguageDetector) -> None:
    # passed over are only the languages of other scripts: a Latin-script one is next in line
    assert detector.reply_language("in blue", hint="zh", previous="de") == "de"
    assert detector.reply_language("vestido rojo", previous="zh") == "es"


@pytest.mark.parametrize("previous", ["zh", "ru"])
def test_one_latin_word_keeps_the_conversation_language(detector: LanguageDetector, previous: str) -> None:
    # one word ("jeans", a brand) is no evidence: a Chinese shopper types it too
    assert detector.reply_language("jeans", previous=previous) == previous


def test_a_message_of_the_other_script_is_its_language(detector: LanguageDetector) -> None:
    assert detector.reply_language("红色的呢？", previous="en") == "zh"
    assert detector.reply_language("red 连衣裙", previous="en") == "zh"
    assert detector.reply_language("а красное?", previous="en") == "ru"


class TableEmbedder:
    """Vectors from a table: "best" is as close to "Top" as a translation would be; other words are apart."""

    _AXES = {"top": 0, "best": 0, "dress": 1, "连衣裙": 1}

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 8), dtype="float32")
        for row, text in enumerate(texts):
            out[row, self._AXES.get(text.lower(), 2 + hash(text) % 6)] = 1.0
        return out


async def test_a_latin_word_in_a_chinese_message_is_embedded_for_no_kind() -> None:
    vocab = VocabularyMapper({"product_type": ["Top", "Dress"]}, embedder=TableEmbedder())
    assert await vocab.find("product_type", "best sellers", "zh") is None
    assert await vocab.find("product_type", "best sellers", "ru") is None
    assert await vocab.find("product_type", "best sellers", "es") == "Top"  # the embedder's, in a Latin language
    assert await vocab.find("product_type", "连衣裙", "zh") == "Dress"


async def test_best_sellers_for_kids_after_a_chinese_turn_is_english_and_names_no_kind(open_service) -> None:  # type: ignore[no-untyped-def]
    first, then = await converse(open_service, "script-switch", "红色连衣裙", "best sellers for kids")
    assert first.language == "zh"
    assert then.language == "en"
    assert all(p.product_type != "Top" or p.index_group == "Kids" for p in then.products)
    popular = [c for c in then.tool_calls if c.get("tool") == "recommend_for_me"]
    assert popular and "product_type" not in popular[0]["args"]


class CountingEmbedder(TableEmbedder):
    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.batches.append(list(texts))
        return super().embed(texts)


async def test_the_vocabulary_embedded_ahead_leaves_a_first_spanish_message_only_its_own_words() -> None:
    embedder = CountingEmbedder()
    vocab = VocabularyMapper({"product_type": ["Top", "Dress"], "colour": ["Red", "Black"]}, embedder=embedder)
    await asyncio.to_thread(vocab.embed_values)
    assert sorted(map(sorted, embedder.batches)) == [["Black", "Red"], ["Dress", "Top"]]
    embedder.batches.clear()
    assert await vocab.find("product_type", "best sellers", "es") == "Top"  # a word the tables lack: embedded
    assert embedder.batches == [["best", "sellers"], ["best sellers"]]  # its words and phrase: the values were ready
