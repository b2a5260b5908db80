"""Which kinds of garment a reply's prose names, in its own language, and whether the products shown are those.

A small model describes products it was not shown ("Die erste rote Hose…" above three dresses, "一件蓝色的衬衫"
above a shirt dress). ``KindCheck.misnamed`` finds the words for kinds of garment (``agent/garments.py``, the
catalog's words per language in ``prompts/terms.toml``, the synonym tables' words of the language
(``agent/synonyms.py``) and the forms below that they lack) that name none of the shown
products' kinds. Kinds go by family, so near words pass ("jacket" for a coat, "sweater" for a hoodie, "jeans"
for trousers), and so do compounds with a shown kind in them ("shirt dress", "robe chemise", "衬衫裙"), the
kinds the shopper named (a missing one is told by ``agent/notes.py``) and styling advice ("pair it with
sneakers").
Words that are also common words ("top picks", "suits you", "cap sleeves", Korean "모자라다", Chinese "包括")
and single CJK characters are left out: missing a wrong word is better than dropping a good reply.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass

from agent.garments import FASHION_TYPES, FOREIGN_TYPES, FOREIGN_TYPES_BY_LANGUAGE
from agent.grounding import KIND_WORDS
from agent.prompts import PROMPTS_DIR
from agent.scripts import HANGUL, KANA
from agent.synonyms import SYNONYMS

# families of English kinds that may be called by one another's words ("jacket" for a coat)
_FAMILY_KINDS = {
    "dress": "dress,gown,maxi dress,shirt dress,nightdress",
    "skirt": "skirt",
    "legs": "trousers,pants,jeans,shorts,leggings,chinos,joggers,swimwear bottom,underwear bottom",
    "upper": "shirt,t-shirt,tee,top,blouse,vest top,tank top,polo shirt,bodysuit,sweater,jumper,pullover,"
             "cardigan,hoodie,sweatshirt,bikini top,knitwear",
    "onepiece": "jumpsuit,playsuit,jumpsuit/playsuit,romper,dungarees,overalls,onesie,bodysuit",
    "outer": "jacket,coat,blazer,parka,raincoat,trench coat,trench,anorak,windbreaker,gilet,waistcoat,cape,"
             "poncho,overcoat,tuxedo,kimono",
    "hosiery": "sock,socks,tights,stockings,leggings,leggings/tights",
    "shoes": "shoe,shoes,sneaker,sneakers,trainer,boot,boots,sandal,sandals,slipper,slippers,flip flops,heels,"
             "high heels,loafer,loafers,ballet flats,ballerinas,pumps,espadrilles,clogs",
    "bag": "bag,handbag,tote,backpack,clutch,purse,wallet",
    "swim": "swimsuit,bikini,swim trunks,swimwear,swimwear bottom,bikini top",
    "night": "bra,underwear,underwear bottom,boxers,briefs,knickers,lingerie,pyjamas,pyjama set,nightgown,"
             "nightdress,bathrobe,dressing gown",
    "headwear": "hat,cap,beanie,beret,hat/beanie,cap/peaked",
    "neckwear": "scarf,shawl,necktie,bow tie",
    "belt": "belt",
    "hands": "glove,gloves,mitten,mittens",
    "eyewear": "sunglasses,glasses,eyeglasses",
    "jewellery": "earring,earrings,necklace,bracelet,jewellery,jewelry",
    "umbrella": "umbrella",
}
FAMILIES: dict[str, frozenset[str]] = {
    kind: frozenset(f for f, kinds in _FAMILY_KINDS.items() if kind in kinds.split(","))
    for kinds in _FAMILY_KINDS.values() for kind in kinds.split(",")
}

# Words that are also common words in some language's prose: never read as a kind. Materials and parts ("デニム",
# "ニット", "니트": denim, knit; "후드": a hood) and "पोशाक" (any outfit) name a kind for a search, not in prose.
_AMBIGUOUS = frozenset(
    "top tops topy cap caps suit suits tank pump pumps heel trainer trainers brief briefs slip tie watch ring "
    "vest polo polos body bodys mont bot bere mayo üst monos americanas medias pendientes tee tute cape "
    "jumper clutch 모자 브라 탑 包 デニム ニット 니트 후드 पोशाक".split()
)

# The synonym tables (``agent/synonyms.py``) hold all languages' words for kinds at once. A word in a script of one
# language's own is that language's (Han characters alone: Chinese, unless Japanese's catalog words have it, "水着");
# the Latin-script words of each language are named here, and their kinds are the tables'.
_LATIN_SYNONYMS = {
    "de": "kleid rock hose hemd jacke mantel",
    "fr": "robe jupe pantalon chemise veste manteau manteaux chemises chemisier blouson chaussures",
    "es": "vestido falda pantalón camisa camiseta chaqueta abrigo zapatos blusa",
    "it": "vestito camicia giacca cappotto maglione scarpe borsa camicie gonne giacche cappotti maglioni borse "
          "camicetta camicette maglietta magliette giubbotto giubbotti",
    "pt": "vestido saia calça camisa jaqueta casaco sapatos bolsa blusa",
    "nl": "jurk rok broek jas tas jurken rokken broeken jassen jasjes tassen overhemd overhemden trui truien "
          "schoenen spijkerbroek spijkerbroeken",
    "sv": "klänning kjol jacka väska klänningar kjolar jackor skjorta skjortor väskor",
    "pl": "sukienka sukienkę spódnica koszula kurtka płaszcz",
}
_SCRIPTS = ((KANA, "ja"), (HANGUL, "ko"), (re.compile(r"[\u4e00-\u9fff]"), "zh"), (re.compile(r"[\u0400-\u04ff]"), "ru"),
            (re.compile(r"[\u0600-\u06ff]"), "ar"), (re.compile(r"[\u0900-\u097f]"), "hi"))
# Everyday forms the tables lack (singulars, cases, "裙子" for a dress too), by language, with their English kinds.
_EXTRA: dict[str, dict[str, str]] = {
    "de": {"bluse": "blouse", "pulli": "sweater", "strickjacke": "cardigan", "sandale": "sandals", "socke": "socks",
           "schuhe": "shoes", "schuh": "shoes", "t-shirt": "t-shirt"},
    "fr": {"pull": "sweater"},
    "es": {"jersey": "sweater"},
    "it": {"abito": "dress", "gonna": "skirt"},
    "zh": {"裙子": "dress|skirt", "衬衫裙": "dress", "长裙": "dress|skirt", "短裙": "skirt", "裤装": "trousers"},
    "ja": {"ズボン": "trousers"},
}
# How the catalog's phrases join two kinds ("Mützen und Hüte", "打底裤和连裤袜"): split into the kinds.
_JOINS = re.compile(r"\s+(?:and|und|et|y|e|en|och|и|i|ve|और)\s+|[和・·]")
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
# between two kind words of one compound: a space or hyphen ("shirt dress", "T-Shirt-Kleid"), 式/款 in Chinese
_COMPOUND_GAP = re.compile(r"[\s-]?|[式款]")
_LETTER = r"[\w\u0900-\u097f]"
# Styling advice names other kinds of garment to wear with the products ("Pair it with white sneakers",
# "Kombinieren Sie es mit einer Jeans", "搭配牛仔裤"): such a sentence is not read for the products' kind.
_STYLING = re.compile(
    r"\b(?:pair|style|team|combine)(?:s|ed|ing)?\s+(?:it|them|this|these|that|with)\b|\bdress (?:it|them) up\b|\b(?:goes|go|wear (?:it|them)) with\b|"
    r"\bkombinier|\bpasst (?:gut )?zu\b|\bassoci|\baccompagn|\bcombin|\babbina|\bсочета|\bкомбинир|"
    r"搭配|配上|合わせ|コーデ|매치|코디",
    re.IGNORECASE,
)
# English phrases with a kind's word that name no garment ("dress it up", "sweater weather")
_NOT_KINDS = re.compile(r"\bdress(?:es|ed|ing)?\s+(?:it|them|up|down)\b|\bsweater weather\b", re.IGNORECASE)


def _families(kinds: str) -> frozenset[str]:
    """The families of English kinds ("jeans|trousers", "Leggings/Tights", "Vest top"), none if unknown."""
    found: set[str] = set()
    for kind in kinds.lower().split("|"):
        kind = kind.strip()
        for form in (kind, *kind.split("/"), kind.removesuffix("s"), kind.rpartition(" ")[2]):
            if form in FAMILIES:
                found |= FAMILIES[form]
                break
    return frozenset(found)


@functools.lru_cache(maxsize=1)
def _catalog_words() -> dict[str, dict[str, list[str]]]:
    """``prompts/terms.toml``'s product types: catalog value -> language -> its words."""
    with open(PROMPTS_DIR / "terms.toml", "rb") as fh:
        table = tomllib.load(fh).get("product_type") or {}
    return {value: {lang: [w] if isinstance(w, str) else list(w) for lang, w in words.items()}
            for value, words in table.items()}


def _synonym_words(language: str) -> dict[str, str]:
    """The synonym tables' words of ``language`` for kinds (not English), with their English kinds."""
    table = SYNONYMS["product_type"]
    if language in _LATIN_SYNONYMS:
        return {word: table[word] for word in _LATIN_SYNONYMS[language].split() if word in table}
    japanese = {part.strip() for by_language in _catalog_words().values() for phrase in by_language.get("ja", [])
                for part in _JOINS.split(phrase.lower())}
    return {word: kinds for word, kinds in table.items()
            if word not in FOREIGN_TYPES and _script_language(word, japanese) == language}


def _script_language(word: str, japanese: set[str]) -> str | None:
    """The language whose own script ``word`` is in; Han characters alone are Chinese unless ``japanese`` has them."""
    code = next((code for script, code in _SCRIPTS if script.search(word)), None)
    return "ja" if code == "zh" and word in japanese else code


@functools.lru_cache(maxsize=32)
def lexicon(language: str) -> dict[str, frozenset[str]]:
    """The words (lower case) of ``language`` for kinds of garment, with the families they name."""
    words: dict[str, str] = {}
    if language == "en":
        words.update({w: w for w in FASHION_TYPES | KIND_WORDS})
    else:
        for value, by_language in _catalog_words().items():
            for phrase in by_language.get(language, []):
                for part in _JOINS.split(phrase.lower()):
                    words.setdefault(part.strip(), value)
        words.update(FOREIGN_TYPES_BY_LANGUAGE.get(language, {}))
        words.update(_synonym_words(language))
        words.update(_EXTRA.get(language, {}))
    table = {}
    for word, kinds in words.items():
        if not word or word in _AMBIGUOUS or (len(word) == 1 and _CJK.search(word)):
            continue
        if families := _families(kinds):
            table[word] = families
    return table


@dataclass(frozen=True)
class KindMention:
    word: str
    start: int
    end: int
    families: frozenset[str]


class _Finder:
    """Finds the kind words of one language's table in a text, longest first."""

    def __init__(self, table: dict[str, frozenset[str]]) -> None:
        self.table = table
        parts = [re.escape(w) if _CJK.search(w) else rf"(?<!{_LETTER}){re.escape(w)}(?:e?s)?(?!{_LETTER})"
                 for w in sorted(table, key=len, reverse=True)]
        self._re = re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)

    def mentions(self, text: str) -> list[KindMention]:
        found = []
        for m in self._re.finditer(text):
            low = m.group(0).lower()
            families = self.table.get(low) or self.table.get(re.sub(r"e?s$", "", low)) or self.table.get(low[:-1])
            if families:
                found.append(KindMention(low, m.start(), m.end(), families))
        return found


class KindCheck:
    """The kinds of garment of the shown products; ``misnamed`` finds prose words for other kinds."""

    def __init__(self, products: Iterable[object], language: str, allowed_text: str = "") -> None:
        self._language = language
        self._finder = _Finder(lexicon(language))
        english = _Finder(lexicon("en"))
        shown: set[str] = set()
        self.unknown = False  # a product of no known kind: nothing is checked
        for product in products:
            families = set(_families(str(getattr(product, "product_type", "") or "")))
            named = english.mentions(str(getattr(product, "name", "") or ""))
            if named:
                families |= named[-1].families  # an English name ends in its kind: "Shirt dress", "Knit cardigan"
            if not families:
                self.unknown = True
            shown |= families
        # the kinds the shopper named: one the products are not is told by the notes (``notes.missing_values``,
        # ``TurnRecord.absent``) and kept out of the prose by ``contradicted_terms``
        for finder in (self._finder, english):
            for m in finder.mentions(allowed_text):
                shown |= m.families
        self._shown = frozenset(shown)

    def misnamed(self, sentence: str) -> set[str]:
        """The words of ``sentence`` for kinds that none of the shown products is (lower case)."""
        if self.unknown or not self._shown:
            return set()
        if _STYLING.search(sentence):  # "Pair it with white sneakers": advice, not what the products are
            return set()
        if self._language == "en":
            sentence = _NOT_KINDS.sub(lambda m: " " * len(m.group(0)), sentence)
        bad: set[str] = set()
        for compound in _compounds(self._finder.mentions(sentence), sentence):
            if not any(m.families & self._shown for m in compound):
                bad.update(m.word for m in compound)
        return bad


def _compounds(mentions: list[KindMention], text: str) -> list[list[KindMention]]:
    """Kind words next to one another form one compound ("shirt dress", "robe chemise", "衬衫式连衣裙")."""
    groups: list[list[KindMention]] = []
    for m in mentions:
        if groups and _COMPOUND_GAP.fullmatch(text[groups[-1][-1].end : m.start]):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups
