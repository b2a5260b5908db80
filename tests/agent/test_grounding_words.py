"""The invented-name check reads the catalog's name words in place: a turn never copies them."""

from __future__ import annotations

from collections.abc import Iterator

from agent.grounding import Grounding, turn_words
from catalog.models import Article


class LookupOnly:
    """The catalog's name words as a container that may be searched but not copied (iterating fails)."""

    def __init__(self, words: set[str]) -> None:
        self._words = words
        self.lookups = 0

    def __contains__(self, word: object) -> bool:
        self.lookups += 1
        return word in self._words

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("the catalog's words were copied")


def test_the_catalog_words_are_looked_up_and_the_turn_words_kept_apart() -> None:
    catalog = LookupOnly({"sleek", "slip", "dress", "ultra"})
    shown = [Article(article_id="0512273002", name="Aurora wrap dress", colour="Sage", product_type="Dress")]
    own = turn_words(shown, "a dress like the Velvora")
    assert {"aurora", "wrap", "sage", "velvora"} <= own and "sleek" not in own
    g = Grounding({"0512273002": "Aurora wrap dress"}, known_words=catalog, turn_words=own, language="en")
    assert g.violations("I recommend the Zorblax Ultra Jacket.") == 1  # a word neither has
    for fine in ("The Sleek Slip Dress is lovely.",  # the catalog's words
                 "The Aurora Sage Dress suits you.",  # the shown product's
                 "Meet the Velvora Dress!"):  # the shopper's
        assert g.violations(fine) == 0, fine
    assert catalog.lookups > 0
    # in other languages the check is off, and the catalog's words are not even looked at
    other = LookupOnly({"sleek"})
    assert Grounding({}, known_words=other, turn_words=own, language="de").violations("Die Zorblax Ultra Jacket.") == 0
    assert other.lookups == 0
