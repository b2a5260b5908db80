"""Map words from the user or the model onto the catalog's own vocabulary.

Filters only ever carry values the catalog has (``CatalogService.vocabulary``). A value is
mapped by, in order: an exact (case-insensitive, singular/plural) match, a small multilingual
synonym table, and the catalog's text embedder (nearest vocabulary value above a threshold).
Anything else is dropped, never passed through.

In a shopper's message (``find``), the embedder looks at each word on its own: the whole
message ("quiero unos vaqueros negros") is far from every product type, but "vaqueros" is close
to "Jeans". A word maps when it is close enough (``WORD_THRESHOLDS``) and clearly closer than to
any unrelated value (``WORD_MARGIN``: "chaqueta" is about as close to "Sweater" as to "Jacket",
and maps onto neither).
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from typing import Any

from agent.arabic import bare_forms
from agent.garments import korean_word_names
from agent.intents import is_price_word
from agent.scripts import HANGUL as _HANGUL
from agent.scripts import OWN_SCRIPT_LANGUAGES, latin_word
from agent.synonyms import SYNONYMS
from reclmms.errors import describe_error

logger = logging.getLogger(__name__)

FIELDS = ("product_type", "colour", "index_group", "garment_group", "section")
SPELLING_FIELDS = ("product_type", "colour", "index_group")  # the words a misspelling is put right to


# Single words of a message, through the text embedder (multilingual USE, the demo catalog's vocabulary,
# tests/agent/vocabulary_cases.py): product-type words of seven languages score 0.45-0.87 against their
# type, request words ("quiero", "wedding", "cotton") at most 0.57 against any type; colour words 0.70-0.93,
# other words at most 0.45 against any colour. A value sharing a word with the best one ("Light Blue" for
# "Blue") is no rival for the margin.
WORD_THRESHOLDS = {"product_type": 0.6, "colour": 0.7}
WORD_MARGIN = 0.08
MAX_TEXT_WORDS = 12  # the words of one message looked up
MAX_LEARNED = 20_000  # words remembered with the value they mapped onto

# Catalog values that name no attribute ("Other", "Unknown"): never matched from text.
STOP_VALUES = {"other", "unknown", "undefined", "none", "n/a", "na", "mixed", "various", "misc"}

# German compounds by their last part, the kind ("Wintermantel" is a coat, "Sommerkleider" are dresses): only these
# heads, after a first part of 3 letters or more that does not make it another kind ("Bademantel", "Unterhose",
# "Handschuhe", "Strumpfhose"; words of ``SYNONYMS`` are looked up as they are).
GERMAN_HEADS = {"mantel": "coat", "mäntel": "coat", "kleid": "dress", "kleider": "dress", "schuhe": "shoes|sneakers",
                "schuh": "shoes|sneakers", "hose": "trousers", "hosen": "trousers", "jacke": "jacket", "jacken": "jacket"}
_GERMAN_NOT_HEADED = ("bade", "unter", "haus", "hand", "strumpf", "morgen", "schlaf", "nacht", "strampel", "schwimm")
MIN_GERMAN_PREFIX = 3
_WORD = re.compile(r"[\w'-]+", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s?$")
_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
# Scripts whose words are found in a message as substrings: no spaces (CJK), or vowel signs that are no
# word characters to ``\w`` (Devanagari).
_SUBSTRING_SCRIPTS = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af\u0900-\u097f]")


def _names(word: str, text: str, words: list[str]) -> bool:
    """Whether ``text`` (its ``words``) names ``word`` of a script without spaces or word characters. A
    Korean word must end a word of the text, before a particle or nothing ("모자를", not "모자라요")."""
    if _HANGUL.search(word):
        return any(korean_word_names(w, word) for w in words)
    return word in text


def singular(word: str) -> str:
    """The likeliest English singular of ``word`` (for text to embed or search: "sofas" -> "sofa"); lookups try
    every form of ``singular_forms``."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "shes", "ches")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def singular_forms(word: str) -> list[str]:
    """The singulars ``word`` may be the plural of, likeliest first; none for a word without a plural ending.
    Without -s ("blouses" -> "blouse", "chemises" -> "chemise", "blanches" -> "blanche", "hoodies" -> "hoodie"),
    without the -es English adds after a hissing sound ("dresses" -> "dress", "boxes" -> "box"), and -ies as -y
    ("berries" -> "berry"). Only those: "capes" is no "cap"."""
    forms: list[str] = []
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    if len(word) > 4 and word.endswith(("ses", "xes", "zes", "shes", "ches")):
        forms.append(word[:-2])
    if len(word) > 4 and word.endswith("ies"):
        forms.append(word[:-3] + "y")
    return forms


class VocabularyMapper:
    """Catalog vocabularies with exact, synonym and embedding lookups. Build with ``load``."""

    def __init__(self, vocab: dict[str, list[str]], embedder: Any = None, threshold: float = 0.78) -> None:
        self.vocab = vocab
        self._embedder = embedder
        self._threshold = threshold
        self._index: dict[str, dict[str, str]] = {}
        self._vectors: dict[str, Any] = {}
        # (field, word) -> (value, similarity) or None: what the embedder made of one word of a message
        self._learned: dict[tuple[str, str], tuple[str, float] | None] = {}
        self._lock = threading.Lock()
        self._spelling: tuple[dict[str, str], frozenset[str]] | None = None
        for field, values in vocab.items():
            index: dict[str, str] = {}
            names: list[tuple[str, str]] = []  # (a name of a value: itself or a part of "Hat/beanie", the value)
            for value in values:
                low = value.lower().strip()
                if low in STOP_VALUES:
                    continue
                names.append((low, value))
                names.extend((part, value) for part in (p.strip() for p in re.split(r"[/&,]", low)) if part)
            for name, value in names:  # a value's own name before another value's singular ("Shorts", "Short")
                index.setdefault(name, value)
            for name, value in names:
                for form in singular_forms(name):
                    index.setdefault(form, value)
            self._index[field] = index

    @classmethod
    async def load(cls, catalog: Any) -> VocabularyMapper:
        vocab: dict[str, list[str]] = {}
        for field in FIELDS:
            try:
                vocab[field] = list(await catalog.vocabulary(field))
            except Exception as exc:  # an unknown field or a catalog without vocabularies
                logger.debug("no vocabulary for %s: %s", field, describe_error(exc))
        try:  # "blue" should find the master colour even when the catalog only lists "Light Blue"
            masters = list(await catalog.vocabulary("colour_master"))
            vocab["colour"] = list(dict.fromkeys([*vocab.get("colour", []), *masters]))
        except Exception as exc:
            logger.debug("no colour_master vocabulary: %s", describe_error(exc))
        search = getattr(catalog, "search", None)
        embedder = getattr(search, "text_embedder", None)
        if embedder is not None and not callable(getattr(embedder, "embed", None)):
            embedder = None
        return cls(vocab, embedder)

    def exact(self, field: str, value: str | None, *, synonyms_first: bool = False) -> str | None:
        """A vocabulary value for ``value`` by exact/plural/synonym match, else None.

        ``synonyms_first``: for text that is not English, where a word can name another thing
        in the catalog's language (French "robe" is a dress, not a bathrobe)."""
        if not value:
            return None
        index = self._index.get(field, {})
        low = _POSSESSIVE.sub("", value.lower().strip()) or value.lower().strip()  # "women's" -> "women"
        # "blouses": "blouse" (or "blous"); Arabic "الأزرق", "بالأزرق": "أزرق" (the article and prepositions off)
        forms = (low, *singular_forms(low), *bare_forms(low))
        direct = next((index[key] for key in forms if key in index), None)
        if direct and not synonyms_first:
            return direct
        table = SYNONYMS.get(field, {})
        synonym = next((table[key] for key in forms if key in table), None)
        for alternative in (synonym or "").split("|"):  # "a|b": the first one the catalog has
            found = next((index[key] for key in (alternative, *singular_forms(alternative)) if key in index), None)
            if alternative and found:
                return found
        return direct

    def spelling_words(self) -> tuple[dict[str, str], frozenset[str]]:
        """The single words that name a colour, kind or audience of the catalog, in any language, each with what it
        names ("rojo" and "roja": "colour:Red"), and those of them that are the catalog's own (English): what a
        misspelt word of a message is put right to (``agent/spelling.py``)."""
        if self._spelling is None:
            words: dict[str, str] = {}
            for field in SPELLING_FIELDS:
                for word in (*self._index.get(field, {}), *SYNONYMS.get(field, {})):
                    value = self.exact(field, word)
                    if value and " " not in word and "/" not in word:
                        words.setdefault(word, f"{field}:{value}")
            own = frozenset(key for field in SPELLING_FIELDS for key in self._index.get(field, {}))
            self._spelling = (words, own)
        return self._spelling

    def surface_forms(self, field: str, value: str) -> set[str]:
        """Every word (lower case, any language) that maps onto the vocabulary ``value`` of ``field``:
        "Black" -> {"black", "noir", "黑色", ...}. Used to keep the prose from naming a value the
        search had to drop."""
        forms = {key for key, found in self._index.get(field, {}).items() if found == value}
        forms.update(word for word in SYNONYMS.get(field, {}) if self.exact(field, word) == value)
        with self._lock:
            learned = list(self._learned.items())
        forms.update(word for (f, word), found in learned if f == field and found is not None and found[0] == value)
        return forms

    async def map_value(self, field: str, value: Any) -> str | None:
        """Map an LLM- or user-given value; embedding fallback; None when nothing fits."""
        if not isinstance(value, str) or not value.strip() or len(value) > 60:
            return None
        found = self.exact(field, value)
        if found or self._embedder is None or not self.vocab.get(field):
            return found
        try:
            return await asyncio.to_thread(self._nearest, field, value)
        except Exception as exc:
            logger.warning("vocabulary embedding failed for %s=%r: %s", field, value, describe_error(exc))
            return None

    async def map_values(self, values: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
        """``map_value`` for each field of ``values`` given (not None): the catalog's own values, and the values
        that map onto none, as given (left out of any filter)."""
        mapped: dict[str, str] = {}
        dropped: dict[str, str] = {}
        for field, value in values.items():
            if value is None:
                continue
            found = await self.map_value(field, value)
            if found:
                mapped[field] = found
            else:
                dropped[field] = str(value)
        return mapped, dropped

    def _nearest(self, field: str, value: str) -> str | None:
        import numpy as np

        values = self.vocab[field]
        if field not in self._vectors:
            self._vectors[field] = np.asarray(self._embedder.embed(values), dtype="float32")
        query = np.asarray(self._embedder.embed([value]), dtype="float32")[0]
        scores = self._vectors[field] @ query
        best = int(np.argmax(scores))
        return values[best] if float(scores[best]) >= self._threshold else None

    async def find(self, field: str, text: str, language: str | None = None) -> str | None:
        """The vocabulary value of ``field`` that ``text`` names: ``find_in_text``, else, in a language other
        than the catalog's English, the word of the text that the embedder maps onto a value ("vaqueros" ->
        "Jeans"); None when nothing fits. An English word the vocabulary lacks more often names another
        garment than the nearest value ("jumpsuit" is no "Swimsuit"), and is left to the search; so is a Latin-script
        word in a language of a script of its own ("best" in a Chinese conversation is no "Top")."""
        found = self.find_in_text(field, text, language)
        if (found or language in (None, "en") or field not in WORD_THRESHOLDS or self._embedder is None
                or not self.vocab.get(field)):
            return found
        words = self._words_to_embed(field, text)
        if language in OWN_SCRIPT_LANGUAGES:  # "T恤 best": a Latin word there is English, or a name ("best" is no Top)
            words = [word for word in words if not latin_word(word)]
        if not words:
            return None
        try:
            found = await asyncio.to_thread(self._nearest_word, field, words)
            if found and field == "product_type":
                found = await asyncio.to_thread(self._qualified, field, text, found)
            return found
        except Exception as exc:
            logger.warning("vocabulary embedding failed for %s in %r: %s", field, text[:80], describe_error(exc))
            return None

    def _words_to_embed(self, field: str, text: str) -> list[str]:
        """The distinct words of ``text`` that may name a value of ``field``: not digits, not too short, and
        not a value of another field ("negros" is a colour, not a product type)."""
        others = [f for f in self._index if f != field]
        words: list[str] = []
        for word in dict.fromkeys(_WORD.findall(text.lower())):
            word = word.strip("'-")
            letters = "".join(_LETTERS.findall(word))
            if len(letters) < (1 if _CJK.search(word) else 3) or any(self.exact(f, word) for f in others):
                continue
            if is_price_word(word):  # "더 싼 거": "싼" (cheap) is no kind of product, however close its vector
                continue
            words.append(word)
            if len(words) >= MAX_TEXT_WORDS:
                break
        return words

    def embed_values(self) -> None:
        """Embed now the values that words of a message are compared with (blocking: run it in a thread). Left
        alone, the first message in another language than English pays for it (about 1.6 s on 2 cores)."""
        if self._embedder is not None:
            for field in WORD_THRESHOLDS:
                self._value_vectors(field)

    def _value_vectors(self, field: str) -> tuple[list[str], Any]:
        import numpy as np

        key = f"{field}:values"
        if key not in self._vectors:
            values = [v for v in self.vocab.get(field, []) if v.lower().strip() not in STOP_VALUES]
            vectors = np.asarray(self._embedder.embed(values), dtype="float32") if values else None
            self._vectors[key] = (values, vectors)
        return self._vectors[key]  # type: ignore[no-any-return]

    def _nearest_word(self, field: str, words: list[str]) -> str | None:
        """The value the closest of ``words`` maps onto (blocking: call it in a thread); learned per word."""
        import numpy as np

        values, vectors = self._value_vectors(field)
        new = [w for w in words if (field, w) not in self._learned]
        if new and vectors is not None:
            scores = np.asarray(self._embedder.embed(new), dtype="float32") @ vectors.T
            for word, row in zip(new, scores, strict=True):
                self._learn(field, word, self._accept(field, values, row))
        found = [hit for hit in (self._learned.get((field, w)) for w in words) if hit is not None]
        return max(found, key=lambda hit: hit[1])[0] if found else None

    def _qualified(self, field: str, text: str, found: str) -> str:
        """``found`` unless a phrase of 2-3 words around the word that named it is closer to another value
        than to ``found`` and close enough on its own ("sudadera con capucha": Hoodie 0.65, Sweater 0.61,
        while "sudadera" alone is a Sweater; "pantalones cortos" are Shorts)."""
        import numpy as np

        words = [w.strip("'-") for w in _WORD.findall(text.lower())][:MAX_TEXT_WORDS]
        with self._lock:
            heads = {i for i, w in enumerate(words) if (hit := self._learned.get((field, w))) and hit[0] == found}
        phrases = list(dict.fromkeys(" ".join(words[i:i + n]) for n in (3, 2) for h in heads
                                     for i in range(max(0, h - n + 1), min(h, len(words) - n) + 1)))
        values, vectors = self._value_vectors(field)
        if not phrases or vectors is None or found not in values:
            return found
        rows = np.asarray(self._embedder.embed(phrases), dtype="float32") @ vectors.T
        base = values.index(found)
        rivals = [(values[int(np.argmax(row))], float(np.max(row))) for row in rows
                  if float(np.max(row)) >= WORD_THRESHOLDS[field] and float(np.max(row)) > float(row[base])]
        return max(rivals, key=lambda hit: hit[1])[0] if rivals else found

    def _accept(self, field: str, values: list[str], row: Any) -> tuple[str, float] | None:
        """The best value of one word's scores, if it is close enough and clearly ahead of unrelated values."""
        order = sorted(range(len(values)), key=lambda i: -float(row[i]))
        top = order[0]
        top_words = set(_LETTERS.findall(values[top].lower()))
        rival = next((float(row[i]) for i in order[1:] if not top_words & set(_LETTERS.findall(values[i].lower()))),
                     0.0)
        score = float(row[top])
        if score >= WORD_THRESHOLDS[field] and score - rival >= WORD_MARGIN:
            return values[top], score
        return None

    def _learn(self, field: str, word: str, found: tuple[str, float] | None) -> None:
        with self._lock:
            if len(self._learned) >= MAX_LEARNED:
                self._learned.pop(next(iter(self._learned)))
            self._learned[(field, word)] = found

    def closeness(self, text: str, fields: tuple[str, ...]) -> float | None:
        """The highest embedding similarity of ``text`` to a vocabulary value of ``fields`` (blocking: call it
        in a thread); None without an embedder or values."""
        if self._embedder is None:
            return None
        import numpy as np

        key = "|".join(fields)
        if key not in self._vectors:
            values = [v for f in fields for v in self.vocab.get(f, []) if v.lower().strip() not in STOP_VALUES]
            self._vectors[key] = np.asarray(self._embedder.embed(values), dtype="float32") if values else None
        vectors = self._vectors[key]
        if vectors is None or not len(vectors):
            return None
        query = np.asarray(self._embedder.embed([text]), dtype="float32")[0]
        return float(np.max(vectors @ query))

    def find_in_text(self, field: str, text: str, language: str | None = None) -> str | None:
        """The longest vocabulary value (or synonym) named in free text, else None."""
        synonyms_first = language not in (None, "en")
        low = text.lower()
        words = _WORD.findall(low)
        best: tuple[int, str] | None = None
        for n in (3, 2, 1):
            for i in range(len(words) - n + 1):
                found = self.exact(field, " ".join(words[i : i + n]), synonyms_first=synonyms_first)
                if found and (best is None or n > best[0]):
                    best = (n, found)
            if best:
                return best[1]
        if language == "de" and field == "product_type":
            found = self._german_compound(words)
            if found:
                return found
        if _SUBSTRING_SCRIPTS.search(low):
            for word in sorted(SYNONYMS.get(field, {}), key=len, reverse=True):
                if _SUBSTRING_SCRIPTS.search(word) and _names(word, low, words):
                    found = self.exact(field, word)
                    if found:
                        return found
        return None

    def _german_compound(self, words: list[str]) -> str | None:
        """The kind a German compound of ``words`` names by its head ("wintermantel" -> Coat), else None."""
        table = SYNONYMS.get("product_type", {})
        for word in words:
            if word in table or word.startswith(_GERMAN_NOT_HEADED):
                continue
            for head in sorted(GERMAN_HEADS, key=len, reverse=True):
                if word.endswith(head) and len(word) - len(head) >= MIN_GERMAN_PREFIX:
                    for alternative in GERMAN_HEADS[head].split("|"):
                        found = self.exact("product_type", alternative)
                        if found:
                            return found
        return None
