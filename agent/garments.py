"""Kinds of clothing and accessories a fashion shop may or may not carry, in several languages.

``absent_type`` finds a kind the shopper names that this shop's catalog does not have ("socks" in a
catalog without socks): the search still shows the closest products, and the reply says first that
there are none of that kind (``prompts/replies.toml``: ``unstocked``). This is separate from things no
fashion shop sells ("an iPhone", ``scope.py``).

A kind is in the catalog when a product type, a word of a product type ("Underwear Tights" has
tights) or a word of a product name is that kind. Words that are also common verbs or adjectives
("watch", "ring", "top", "suit", "tie") are left out of the list, so that no ordinary sentence is
read as naming a kind.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.vocabulary import VocabularyMapper

# English names of kinds (lower case, singular or the plural-only form).
FASHION_TYPES = frozenset(
    "sock,socks,tights,stockings,leggings,sunglasses,glasses,eyeglasses,necktie,bow tie,belt,glove,gloves,"
    "mitten,mittens,scarf,shawl,hat,cap,beanie,beret,earring,earrings,necklace,bracelet,wallet,purse,handbag,"
    "backpack,bag,tote,clutch,umbrella,hair clip,hairband,headband,scrunchie,jewellery,jewelry,shoe,shoes,"
    "sneaker,sneakers,boot,boots,sandal,sandals,slipper,slippers,flip flops,heels,high heels,loafer,loafers,"
    "ballet flats,pumps,espadrilles,clogs,dress,gown,skirt,trousers,jeans,shorts,jumpsuit,playsuit,romper,"
    "dungarees,overalls,shirt,blouse,t-shirt,polo shirt,tank top,vest top,sweater,cardigan,hoodie,jacket,coat,"
    "blazer,parka,raincoat,trench coat,waistcoat,tuxedo,kimono,poncho,cape,bra,bikini,swimsuit,swim trunks,"
    "underwear,boxers,briefs,knickers,lingerie,pyjamas,nightgown,nightdress,bathrobe,dressing gown,bodysuit,"
    "onesie,sarong".split(",")
)

# Words of other languages for kinds (lower case) -> the English name, by language; merged into the
# vocabulary's synonyms (``FOREIGN_TYPES``), so a catalog that has the kind finds it by these words too,
# and telling the language of a one-word message ("Socken") apart (``agent/language.py``).
FOREIGN_TYPES_BY_LANGUAGE: dict[str, dict[str, str]] = {
    "es": {
        "calcetines": "socks", "gafas de sol": "sunglasses", "gafas": "glasses", "corbata": "necktie",
        "cinturón": "belt", "cinturon": "belt", "guantes": "gloves", "bufanda": "scarf", "gorra": "cap",
        "sombrero": "hat", "pendientes": "earrings", "aretes": "earrings", "collar de perlas": "necklace",
        "pulsera": "bracelet", "cartera": "wallet", "bolso": "bag", "mochila": "backpack", "paraguas": "umbrella",
        "sujetador": "bra", "bañador": "swimsuit", "pijama": "pyjamas", "medias": "tights", "sandalias": "sandals",
        "botas": "boots", "cárdigan": "cardigan", "chaleco": "waistcoat", "zapatillas": "sneakers",
        "zapatillas de deporte": "sneakers",
    },
    "fr": {
        "chaussettes": "socks", "lunettes de soleil": "sunglasses", "lunettes": "glasses", "cravate": "necktie",
        "ceinture": "belt", "gants": "gloves", "écharpe": "scarf", "casquette": "cap", "chapeau": "hat",
        "boucles d'oreilles": "earrings", "collier": "necklace", "portefeuille": "wallet", "sac": "bag",
        "sac à dos": "backpack", "parapluie": "umbrella", "soutien-gorge": "bra", "collants": "tights",
        "maillot de bain": "swimsuit", "bottes": "boots", "pyjama": "pyjamas",
    },
    "de": {
        "socken": "socks", "sonnenbrille": "sunglasses", "brille": "glasses", "krawatte": "necktie",
        "gürtel": "belt", "handschuhe": "gloves", "schal": "scarf", "mütze": "beanie", "hut": "hat",
        "ohrringe": "earrings", "halskette": "necklace", "armband": "bracelet", "geldbörse": "wallet",
        "tasche": "bag", "handtasche": "handbag", "rucksack": "backpack", "regenschirm": "umbrella",
        "strumpfhose": "tights", "badeanzug": "swimsuit", "stiefel": "boots", "schlafanzug": "pyjamas",
    },
    "ru": {
        "носки": "socks", "солнцезащитные очки": "sunglasses", "очки": "glasses", "галстук": "necktie",
        "ремень": "belt", "перчатки": "gloves", "шарф": "scarf", "шапка": "hat", "кепка": "cap",
        "серьги": "earrings", "ожерелье": "necklace", "браслет": "bracelet", "кошелек": "wallet",
        "кошелёк": "wallet", "сумка": "bag", "рюкзак": "backpack", "зонт": "umbrella", "колготки": "tights",
        "купальник": "swimsuit", "сапоги": "boots", "пижама": "pyjamas", "кроссовки": "sneakers",
        "куртка": "jacket", "куртку": "jacket", "куртки": "jacket", "курток": "jacket", "пальто": "coat",
        "джинсы": "jeans", "рубашка": "shirt", "рубашку": "shirt", "футболка": "t-shirt", "футболку": "t-shirt",
        "футболки": "t-shirt", "свитер": "sweater", "толстовка": "hoodie", "толстовку": "hoodie", "худи": "hoodie",
        "ботинки": "boots", "сандалии": "sandals", "шорты": "shorts", "леггинсы": "leggings", "блузка": "blouse",
        "блузку": "blouse", "пиджак": "blazer", "кардиган": "cardigan",
    },
    "zh": {
        "墨镜": "sunglasses", "太阳镜": "sunglasses", "眼镜": "glasses", "领带": "necktie", "腰带": "belt",
        "皮带": "belt", "手套": "gloves", "耳环": "earrings", "项链": "necklace", "手链": "bracelet",
        "钱包": "wallet", "背包": "backpack", "双肩包": "backpack", "雨伞": "umbrella", "文胸": "bra",
        "比基尼": "bikini", "丝袜": "tights", "连裤袜": "tights",
    },
    "ja": {
        "靴下": "socks", "サングラス": "sunglasses", "ネクタイ": "necktie", "ベルト": "belt", "手袋": "gloves",
        "マフラー": "scarf", "ピアス": "earrings", "ネックレス": "necklace", "財布": "wallet", "リュック": "backpack",
    },
}
FOREIGN_TYPES = {word: english for table in FOREIGN_TYPES_BY_LANGUAGE.values() for word, english in table.items()}

MAX_PHRASE_WORDS = 3
_WORD = re.compile(r"[\w'-]+", re.UNICODE)
_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


def english_kind(phrase: str, synonyms: dict[str, str]) -> str | None:
    """The English name of the kind ``phrase`` (lower case, any language) names, else None."""
    from agent.vocabulary import singular

    for form in (phrase, singular(phrase)):
        if form in FASHION_TYPES:
            return form
    for form in (phrase, singular(phrase)):
        for alternative in (synonyms.get(form) or "").split("|"):
            if alternative in FASHION_TYPES:
                return alternative
    return None


def _stocked(vocab: VocabularyMapper, phrase: str, english: str, catalog_words: set[str]) -> bool:
    from agent.vocabulary import singular

    if vocab.exact("product_type", phrase, synonyms_first=True) or vocab.exact("product_type", english):
        return True
    forms = {english, singular(english), phrase, singular(phrase)}
    # a kind may be a group of types ("shoes": Sneakers, Boots and Sandals in the garment group Shoes)
    for value in (v for field in ("product_type", "garment_group") for v in vocab.vocab.get(field, [])):
        if forms & set(_LETTERS.findall(value.lower())) or value.lower() in forms:
            return True
    return bool(forms & catalog_words) or any(f"{form}s" in catalog_words for form in forms)


def absent_type(vocab: VocabularyMapper, text: str, catalog_words: set[str]) -> str | None:
    """The shopper's words for the first kind of clothing or accessory the text names, if the catalog has
    none of it, else None ("a belt for my jeans" -> "belt" when there are no belts).

    Without a product-type vocabulary (an empty catalog) nothing is judged absent."""
    from agent.vocabulary import SYNONYMS

    if not vocab.vocab.get("product_type"):
        return None
    synonyms = SYNONYMS.get("product_type", {})
    low = text.lower()
    words = [w.strip("'-") for w in _WORD.findall(low)]
    for i in range(len(words)):  # the first kind named, in its longest wording
        for n in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            english = english_kind(phrase, synonyms)
            if english:
                return None if _stocked(vocab, phrase, english, catalog_words) else phrase
    if _CJK.search(low):
        for word in sorted((w for w in synonyms if _CJK.search(w)), key=len, reverse=True):
            english = english_kind(word, synonyms) if word in low else None
            if english:
                return None if _stocked(vocab, word, english, catalog_words) else word
    return None
