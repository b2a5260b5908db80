"""A word that says cheap or cheaper names no kind of product, however close its vector comes to one: on the H&M
store the Korean "싼" (cheap) was nearest to the product type Tie, so "더 싼 거" ("a cheaper one") and "첫 번째보다 싼
거" ("cheaper than the first one") started a search for ties instead of refining the products shown."""

from __future__ import annotations

import numpy as np
import pytest

from agent.vocabulary import VocabularyMapper


class CheapIsTie:
    """Vectors from a table: "싼" and "billiger" as close to "Tie" as a poor embedding puts them; "넥타이" (tie) too."""

    _AXES = {"tie": 0, "싼": 0, "billiger": 0, "넥타이": 0, "dress": 1}

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 8), dtype="float32")
        for row, text in enumerate(texts):
            out[row, self._AXES.get(text.lower(), 2 + sum(map(ord, text)) % 6)] = 1.0
        return out


@pytest.mark.parametrize(("text", "language"), [("더 싼 거", "ko"), ("첫 번째보다 싼 거", "ko"), ("billiger", "de")])
async def test_a_price_word_is_no_kind(text: str, language: str) -> None:
    vocab = VocabularyMapper({"product_type": ["Tie", "Dress"]}, embedder=CheapIsTie())
    assert await vocab.find("product_type", text, language) is None


async def test_a_kind_word_beside_it_still_names_the_kind() -> None:
    vocab = VocabularyMapper({"product_type": ["Tie", "Dress"]}, embedder=CheapIsTie())
    assert await vocab.find("product_type", "더 싼 넥타이", "ko") == "Tie"
