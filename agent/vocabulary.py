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

from agent.garments import FOREIGN_TYPES

logger = logging.getLogger(__name__)

FIELDS = ("product_type", "colour", "index_group", "garment_group", "section")

# word (any language, lower case) -> an English word that is looked up in the vocabulary.
SYNONYMS: dict[str, dict[str, str]] = {
    "colour": {
        # zh
        "黑色": "black", "黑": "black", "白色": "white", "红色": "red", "红": "red",
        "蓝色": "blue", "蓝": "blue", "深蓝": "dark blue", "浅蓝": "light blue", "绿色": "green", "绿": "green",
        "黄色": "yellow", "黄": "yellow", "粉色": "pink", "粉红": "pink", "粉": "pink", "灰色": "grey",
        "灰": "grey", "棕色": "brown", "咖啡色": "brown", "米色": "beige", "紫色": "purple", "紫": "purple",
        "橙色": "orange", "橙": "orange", "金色": "gold", "银色": "silver",
        # ja
        "黒": "black", "赤": "red", "青": "blue", "緑": "green",
        # es / pt / it
        "negro": "black", "negra": "black", "negros": "black", "negras": "black", "preto": "black", "nero": "black",
        "blanco": "white", "blanca": "white", "branco": "white", "bianco": "white", "rojo": "red", "roja": "red",
        "rosso": "red", "vermelho": "red", "azul": "blue", "blu": "blue", "verde": "green", "rosa": "pink",
        "amarillo": "yellow", "gris": "grey", "marrón": "brown", "beis": "beige",
        # fr
        "noir": "black", "noire": "black", "blanc": "white", "blanche": "white", "rouge": "red", "bleu": "blue",
        "bleue": "blue", "vert": "green", "verte": "green", "jaune": "yellow", "grise": "grey", "marron": "brown",
        # de / nl / sv
        "schwarz": "black", "schwarze": "black", "schwarzes": "black", "weiß": "white", "weiss": "white",
        "rot": "red", "rote": "red", "blau": "blue", "blaue": "blue", "grün": "green", "gelb": "yellow",
        "grau": "grey", "braun": "brown", "zwart": "black", "svart": "black",
        # ru
        "черный": "black", "чёрный": "black", "черное": "black", "белый": "white", "красный": "red",
        "красное": "red", "синий": "blue", "синее": "blue", "зеленый": "green",
        **{f"{stem}{end}": english for stem, english in (
            ("чёрн", "black"), ("черн", "black"), ("бел", "white"), ("красн", "red"), ("син", "blue"),
            ("зелён", "green"), ("зелен", "green"), ("жёлт", "yellow"), ("желт", "yellow"), ("розов", "pink"),
            ("сер", "grey"), ("коричнев", "brown"), ("бежев", "beige"), ("оранжев", "orange"),
            ("фиолетов", "purple"),
        ) for end in ("ый", "ий", "ая", "яя", "ое", "ее", "ую", "юю", "ые", "ие", "ых", "их", "ом", "ем")},
        # ja / ko / ar (words inside a message without spaces are found as substrings)
        "白": "white", "茶色": "brown", "ブラック": "black", "ホワイト": "white", "レッド": "red",
        "ブルー": "blue", "ネイビー": "dark blue", "グリーン": "green", "ピンク": "pink", "グレー": "grey",
        "ベージュ": "beige", "ブラウン": "brown", "검은색": "black", "검정": "black", "흰색": "white", "하얀": "white",
        "빨간": "red", "빨강": "red", "파란": "blue", "파랑": "blue", "남색": "dark blue", "초록": "green",
        "분홍": "pink", "핑크": "pink", "회색": "grey", "베이지": "beige", "갈색": "brown", "노란": "yellow",
        "أسود": "black", "سوداء": "black", "أبيض": "white", "بيضاء": "white", "أحمر": "red", "حمراء": "red",
        "أزرق": "blue", "زرقاء": "blue", "أخضر": "green", "خضراء": "green", "وردي": "pink", "رمادي": "grey",
        "بني": "brown", "بيج": "beige",
        # en
        "navy": "dark blue", "gray": "grey", "cream": "off white", "khaki": "khaki green", "burgundy": "dark red",
        "violet": "purple", "lilac": "light purple", "denim": "blue",
    },
    "product_type": {
        **FOREIGN_TYPES,  # kinds of clothing and accessories (``agent/garments.py``); the entries below win
        "连衣裙": "dress", "裙子": "skirt", "半身裙": "skirt", "裤子": "trousers", "长裤": "trousers",
        "牛仔裤": "jeans|trousers", "短裤": "shorts", "衬衫": "shirt", "t恤": "t-shirt", "毛衣": "sweater",
        "针织衫": "sweater", "卫衣": "hoodie", "外套": "jacket", "夹克": "jacket", "大衣": "coat",
        "上衣": "top", "背心": "vest top", "鞋": "shoes|sneakers", "鞋子": "shoes|sneakers", "运动鞋": "sneakers", "靴子": "boots",
        "包包": "bag", "手提包": "bag", "皮包": "bag", "帽子": "hat|hat/beanie", "睡衣": "pyjama set|pyjamas",
        "百褶裙": "skirt", "晚礼服": "dress", "礼服": "dress", "雨衣": "jacket|coat", "跑步鞋": "sneakers", "围巾": "scarf",
        "凉鞋": "sandals", "打底裤": "leggings|leggings/tights", "西装外套": "blazer", "袜子": "socks", "泳衣": "swimsuit|swimwear", "开衫": "cardigan",
        "ワンピース": "dress", "スカート": "skirt", "ドレス": "dress", "パンツ": "trousers", "ジーンズ": "jeans|trousers",
        "デニム": "jeans|trousers", "ジャケット": "jacket", "コート": "coat", "スニーカー": "sneakers", "ブーツ": "boots",
        "サンダル": "sandals", "シャツ": "shirt", "tシャツ": "t-shirt", "ブラウス": "blouse", "セーター": "sweater",
        "ニット": "sweater", "パーカー": "hoodie", "カーディガン": "cardigan", "バッグ": "bag", "かばん": "bag",
        "鞄": "bag", "水着": "swimsuit|swimwear", "ショートパンツ": "shorts", "靴": "shoes|sneakers",
        "원피스": "dress", "드레스": "dress", "치마": "skirt", "스커트": "skirt", "바지": "trousers", "청바지": "jeans|trousers",
        "재킷": "jacket", "자켓": "jacket", "코트": "coat", "운동화": "sneakers", "스니커즈": "sneakers", "부츠": "boots",
        "샌들": "sandals", "셔츠": "shirt", "티셔츠": "t-shirt", "블라우스": "blouse", "스웨터": "sweater",
        "니트": "sweater", "후드티": "hoodie", "후드": "hoodie", "가디건": "cardigan", "가방": "bag", "모자": "hat|hat/beanie",
        "수영복": "swimsuit|swimwear", "반바지": "shorts", "신발": "shoes|sneakers",
        "فستان": "dress", "فساتين": "dress", "تنورة": "skirt", "بنطلون": "trousers", "بنطال": "trousers",
        "جينز": "jeans|trousers", "قميص": "shirt", "جاكيت": "jacket", "سترة": "jacket", "معطف": "coat",
        "حذاء": "shoes|sneakers", "أحذية": "shoes|sneakers", "حقيبة": "bag", "شنطة": "bag", "كنزة": "sweater",
        "giacca": "jacket", "pantaloni": "trousers", "camicia": "shirt", "cappotto": "coat",
        "maglione": "sweater", "borsa": "bag", "scarpe": "shoes", "saia": "skirt", "calça": "trousers",
        "calças": "trousers", "jaqueta": "jacket", "casaco": "coat", "bolsa": "bag", "sapatos": "shoes",
        "tênis": "sneakers", "jurk": "dress", "rok": "skirt", "broek": "trousers",
        "jas": "coat", "jasje": "jacket", "tas": "bag", "klänning": "dress", "kjol": "skirt", "byxor": "trousers",
        "jacka": "jacket", "väska": "bag",
        "vestido": "dress", "vestidos": "dress", "falda": "skirt", "pantalones": "trousers", "pantalón": "trousers",
        "camisa": "shirt", "camiseta": "t-shirt", "chaqueta": "jacket", "abrigo": "coat", "zapatos": "shoes",
        "robe": "dress", "jupe": "skirt", "pantalon": "trousers", "chemise": "shirt", "veste": "jacket",
        "manteau": "coat", "kleid": "dress", "rock": "skirt", "hose": "trousers", "hemd": "shirt",
        "jacke": "jacket", "mantel": "coat", "платье": "dress", "юбка": "skirt", "брюки": "trousers",
        "jeans": "jeans|trousers", "handbag": "bag", "purse": "bag", "swimwear": "swimsuit",
        "running shoes": "sneakers", "pyjama": "pyjama set|pyjamas", "pyjamas": "pyjama set|pyjamas",
        "pajamas": "pyjama set|pyjamas", "pjs": "pyjama set|pyjamas", "raincoat": "jacket|coat", "pants": "trousers", "tee": "t-shirt", "tshirt": "t-shirt", "jumper": "sweater",
        "pullover": "sweater", "sweatshirt": "sweater", "trainers": "sneakers", "tank top": "vest top",
    },
    "index_group": {
        "women": "ladieswear", "woman": "ladieswear", "womens": "ladieswear", "ladies": "ladieswear",
        "female": "ladieswear", "女": "ladieswear", "女士": "ladieswear", "女装": "ladieswear",
        "men": "menswear", "man": "menswear", "mens": "menswear", "male": "menswear", "男": "menswear",
        "男士": "menswear", "男装": "menswear", "kids": "baby/children", "children": "kids|baby/children",
        "child": "kids|baby/children", "baby": "baby/children", "儿童": "kids|baby/children",
        "孩子": "kids|baby/children", "童装": "kids|baby/children", "sport": "sport", "sports": "sport", "运动": "sport",
        "mujer": "ladieswear", "hombre": "menswear", "femme": "ladieswear", "homme": "menswear",
        "damen": "ladieswear", "herren": "menswear",
    },
}

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

_WORD = re.compile(r"[\w'-]+", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s?$")
_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "shes", "ches")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


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
        for field, values in vocab.items():
            index: dict[str, str] = {}
            for value in values:
                low = value.lower().strip()
                if low in STOP_VALUES:
                    continue
                index.setdefault(low, value)
                index.setdefault(singular(low), value)
                for part in re.split(r"[/&,]", low):
                    part = part.strip()
                    if part and part not in index:
                        index[part] = value
                        index.setdefault(singular(part), value)
            self._index[field] = index

    @classmethod
    async def load(cls, catalog: Any) -> VocabularyMapper:
        vocab: dict[str, list[str]] = {}
        for field in FIELDS:
            try:
                vocab[field] = list(await catalog.vocabulary(field))
            except Exception as exc:  # an unknown field or a catalog without vocabularies
                logger.debug("no vocabulary for %s: %s", field, exc)
        try:  # "blue" should find the master colour even when the catalog only lists "Light Blue"
            masters = list(await catalog.vocabulary("colour_master"))
            vocab["colour"] = list(dict.fromkeys([*vocab.get("colour", []), *masters]))
        except Exception as exc:
            logger.debug("no colour_master vocabulary: %s", exc)
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
        direct = next((index[key] for key in (low, singular(low)) if key in index), None)
        if direct and not synonyms_first:
            return direct
        synonym = SYNONYMS.get(field, {}).get(low) or SYNONYMS.get(field, {}).get(singular(low))
        for alternative in (synonym or "").split("|"):  # "a|b": the first one the catalog has
            if alternative:
                found = index.get(alternative) or index.get(singular(alternative))
                if found:
                    return found
        return direct

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
            logger.warning("vocabulary embedding failed for %s=%r: %s", field, value, exc)
            return None

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
        garment than the nearest value ("jumpsuit" is no "Swimsuit"), and is left to the search."""
        found = self.find_in_text(field, text, language)
        if (found or language in (None, "en") or field not in WORD_THRESHOLDS or self._embedder is None
                or not self.vocab.get(field)):
            return found
        words = self._words_to_embed(field, text)
        if not words:
            return None
        try:
            found = await asyncio.to_thread(self._nearest_word, field, words)
            if found and field == "product_type":
                found = await asyncio.to_thread(self._qualified, field, text, found)
            return found
        except Exception as exc:
            logger.warning("vocabulary embedding failed for %s in %r: %s", field, text[:80], exc)
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
            words.append(word)
            if len(words) >= MAX_TEXT_WORDS:
                break
        return words

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
        if _CJK.search(low):
            for word in sorted(SYNONYMS.get(field, {}), key=len, reverse=True):
                if _CJK.search(word) and word in low:
                    found = self.exact(field, word)
                    if found:
                        return found
        return None
