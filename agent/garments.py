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
import unicodedata
from typing import TYPE_CHECKING

from agent.arabic import AR_PREFIX as _AR_PREFIX
from agent.scripts import HAN_KANA as _HAN_KANA
from agent.scripts import HANGUL as _HANGUL

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
    # Italian "cintura" is also Spanish and Portuguese for the waist ("de cintura alta"): left out.
    "it": {
        "calzini": "socks", "occhiali da sole": "sunglasses", "occhiali": "glasses", "cravatta": "necktie",
        "guanti": "gloves", "sciarpa": "scarf", "cappello": "hat", "cappellino": "cap", "berretto": "beanie",
        "orecchini": "earrings", "collana": "necklace", "braccialetto": "bracelet", "portafoglio": "wallet",
        "borsetta": "handbag", "zaino": "backpack", "ombrello": "umbrella", "reggiseno": "bra", "collant": "tights",
        "costume da bagno": "swimsuit", "pigiama": "pyjamas", "stivali": "boots", "sandali": "sandals",
        "scarpe da ginnastica": "sneakers",
    },
    # Portuguese "colar" (necklace) is also the verb "to glue": left out.
    "pt": {
        "meias": "socks", "óculos de sol": "sunglasses", "óculos": "glasses", "gravata": "necktie", "cinto": "belt",
        "luvas": "gloves", "cachecol": "scarf", "chapéu": "hat", "boné": "cap", "gorro": "beanie",
        "brincos": "earrings", "pulseira": "bracelet", "carteira": "wallet", "mochila": "backpack",
        "guarda-chuva": "umbrella", "sutiã": "bra", "meia-calça": "tights", "maiô": "swimsuit", "biquíni": "bikini",
        "pijama": "pyjamas", "botas": "boots", "sandálias": "sandals",
    },
    # Dutch "pet" (cap), "das" (tie, also the German article) and "vest" (cardigan) are English or German words.
    "nl": {
        "sokken": "socks", "zonnebril": "sunglasses", "bril": "glasses", "stropdas": "necktie", "riem": "belt",
        "handschoenen": "gloves", "sjaal": "scarf", "hoed": "hat", "muts": "beanie", "oorbellen": "earrings",
        "ketting": "necklace", "armband": "bracelet", "portemonnee": "wallet", "handtas": "handbag",
        "rugzak": "backpack", "paraplu": "umbrella", "beha": "bra", "panty's": "tights", "badpak": "swimsuit",
        "laarzen": "boots", "sandalen": "sandals",
    },
    # Swedish "slips" (tie) is an English verb.
    "sv": {
        "strumpor": "socks", "solglasögon": "sunglasses", "glasögon": "glasses", "bälte": "belt",
        "handskar": "gloves", "halsduk": "scarf", "hatt": "hat", "keps": "cap", "mössa": "beanie",
        "örhängen": "earrings", "halsband": "necklace", "armband": "bracelet", "plånbok": "wallet",
        "handväska": "handbag", "ryggsäck": "backpack", "paraply": "umbrella", "behå": "bra",
        "strumpbyxor": "tights", "baddräkt": "swimsuit", "stövlar": "boots", "sandaler": "sandals",
    },
    # Korean words are found with the particles written onto them ("양말을", ``_korean_kind``); "브라" (bra) is
    # the start of "브라운" (brown), so the long form stands for it.
    "ko": {
        "양말": "socks", "선글라스": "sunglasses", "안경": "glasses", "넥타이": "necktie", "벨트": "belt",
        "장갑": "gloves", "목도리": "scarf", "스카프": "scarf", "비니": "beanie", "캡모자": "cap",
        "귀걸이": "earrings", "목걸이": "necklace", "팔찌": "bracelet", "지갑": "wallet", "핸드백": "handbag",
        "백팩": "backpack", "배낭": "backpack", "우산": "umbrella", "브래지어": "bra", "스타킹": "tights",
        "타이츠": "tights", "잠옷": "pyjamas", "파자마": "pyjamas", "모자": "hat", "부츠": "boots",
    },
    # Arabic words are also found after the article and the prepositions written onto them ("الجوارب").
    # "عقد" (necklace) also means a contract, "حلق" (earrings) the throat.
    "ar": {
        "جوارب": "socks", "جورب": "socks", "نظارات شمسية": "sunglasses", "نظارة شمسية": "sunglasses",
        "نظارة": "glasses", "نظارات": "glasses", "ربطة عنق": "necktie", "حزام": "belt", "قفازات": "gloves",
        "قفاز": "gloves", "وشاح": "scarf", "قبعة": "hat", "طاقية": "beanie", "أقراط": "earrings", "قلادة": "necklace",
        "سوار": "bracelet", "أساور": "bracelet", "محفظة": "wallet", "حقيبة يد": "handbag", "حقيبة ظهر": "backpack",
        "مظلة": "umbrella", "حمالة صدر": "bra", "جوارب طويلة": "tights", "مايوه": "swimsuit", "بيجامة": "pyjamas",
        "بوت": "boots", "صندل": "sandals", "صنادل": "sandals",
    },
    # Turkish "mayo" (swimsuit) is Spanish for May, "bot" (boots) an English word and "bere" (beret) Italian
    # for "to drink".
    "tr": {
        "çorap": "socks", "çoraplar": "socks", "güneş gözlüğü": "sunglasses", "gözlük": "glasses",
        "kravat": "necktie", "kemer": "belt", "eldiven": "gloves", "atkı": "scarf", "şal": "shawl", "şapka": "hat",
        "küpe": "earrings", "kolye": "necklace", "bilezik": "bracelet", "bileklik": "bracelet", "cüzdan": "wallet",
        "el çantası": "handbag", "sırt çantası": "backpack", "şemsiye": "umbrella", "sütyen": "bra",
        "külotlu çorap": "tights", "pijama": "pyjamas", "çizme": "boots", "sandalet": "sandals",
        "hırka": "cardigan", "yelek": "waistcoat",
    },
    # Polish "pasek" (belt) also means a stripe ("w paski", striped) and "parasol" is English: left out.
    "pl": {
        "skarpetki": "socks", "skarpetek": "socks", "skarpety": "socks", "okulary przeciwsłoneczne": "sunglasses",
        "okulary": "glasses", "krawat": "necktie", "rękawiczki": "gloves", "szalik": "scarf", "kapelusz": "hat",
        "czapka": "beanie", "czapkę": "beanie", "czapka z daszkiem": "cap", "kolczyki": "earrings",
        "naszyjnik": "necklace", "bransoletka": "bracelet", "portfel": "wallet", "plecak": "backpack",
        "parasolka": "umbrella", "biustonosz": "bra", "stanik": "bra", "rajstopy": "tights",
        "strój kąpielowy": "swimsuit", "piżama": "pyjamas", "piżamę": "pyjamas", "kozaki": "boots",
        "sandały": "sandals", "trampki": "sneakers",
    },
    # Hindi words are whole words here (``_WORD`` keeps the vowel signs) but substrings to the vocabulary
    # (``agent/vocabulary.py``), so none begins another common word: "ब्रा" (bra) begins "ब्राउन" (brown),
    # "पर्स" (purse) "पर्सनल", "बूट" (boot) "बूटेदार" (with a floral motif).
    "hi": {
        "मोज़े": "socks", "मोजे": "socks", "मोज़ों": "socks", "धूप का चश्मा": "sunglasses", "धूप के चश्मे": "sunglasses",
        "चश्मा": "glasses", "चश्मे": "glasses", "नेकटाई": "necktie", "बेल्ट": "belt", "दस्ताने": "gloves",
        "स्कार्फ़": "scarf", "स्कार्फ": "scarf", "टोपी": "hat", "झुमके": "earrings", "नेकलेस": "necklace",
        "कंगन": "bracelet", "ब्रेसलेट": "bracelet", "बटुआ": "wallet", "बैकपैक": "backpack", "छाता": "umbrella",
        "स्विमसूट": "swimsuit", "टाइट्स": "tights", "बूट्स": "boots", "सैंडल": "sandals",
        "स्नीकर्स": "sneakers",
    },
}
FOREIGN_TYPES = {word: english for table in FOREIGN_TYPES_BY_LANGUAGE.values() for word, english in table.items()}

MAX_PHRASE_WORDS = 3
# a word, with Devanagari's vowel signs and virama (no word characters to ``\w``) but not its danda
_WORD = re.compile(r"[\w\u0900-\u0963\u0970-\u097f'-]+", re.UNICODE)
_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)
# Korean particles and endings written onto a noun ("양말을", "양말도요"); a word that ends in a kind and one of
# these (or nothing) names the kind ("등산양말을"), while "모자라요" (is short of) names no hat.
_KO_ENDINGS = frozenset(
    "을 를 이 가 은 는 도 만 의 에 에게 로 으로 와 과 랑 이랑 하고 요 이요 은요 는요 도요 좀 이나 나 처럼 보다 부터 까지 에서 "
    "같은 이랑요 하고요 으로요 로요".split()
) | {""}


def english_kind(phrase: str, synonyms: dict[str, str]) -> str | None:
    """The English name of the kind ``phrase`` (lower case, any language) names, else None."""
    from agent.vocabulary import singular_forms

    forms = (phrase, *singular_forms(phrase))
    for form in forms:
        if form in FASHION_TYPES:
            return form
    for form in forms:
        for alternative in (synonyms.get(form) or "").split("|"):
            if alternative in FASHION_TYPES:
                return alternative
    return None


def _stocked(vocab: VocabularyMapper, phrase: str, english: str, catalog_words: set[str]) -> bool:
    from agent.vocabulary import singular_forms

    if vocab.exact("product_type", phrase, synonyms_first=True) or vocab.exact("product_type", english):
        return True
    forms = {english, *singular_forms(english), phrase, *singular_forms(phrase)}
    # a kind may be a group of types ("shoes": Sneakers, Boots and Sandals in the garment group Shoes)
    for value in (v for field in ("product_type", "garment_group") for v in vocab.vocab.get(field, [])):
        if forms & set(_LETTERS.findall(value.lower())) or value.lower() in forms:
            return True
    return bool(forms & catalog_words) or any(f"{form}s" in catalog_words for form in forms)


def korean_word_names(word: str, kind: str) -> bool:
    """Whether the Korean ``word`` of a message names ``kind``: it ends in it, before a particle or nothing
    ("양말을", "등산양말을"; "모자라요" names no "모자")."""
    at = word.rfind(kind)
    return at >= 0 and word[at + len(kind):] in _KO_ENDINGS


def _korean_kind(word: str, synonyms: dict[str, str]) -> str | None:
    """The kind a Korean word names with a particle written onto it ("양말을" -> "양말"), else None."""
    kinds = sorted((w for w in synonyms if _HANGUL.search(w) and " " not in w), key=len, reverse=True)
    return next((kind for kind in kinds if korean_word_names(word, kind) and english_kind(kind, synonyms)), None)


def absent_type(vocab: VocabularyMapper, text: str, catalog_words: set[str]) -> str | None:
    """The shopper's words for the first kind of clothing or accessory the text names, if the catalog has
    none of it, else None ("a belt for my jeans" -> "belt" when there are no belts).

    A Korean word is read without its particle ("양말을" -> "양말"), an Arabic one also without its
    article ("الجوارب" -> "جوارب"). Without a product-type vocabulary (an empty catalog) nothing is judged absent."""
    from agent.vocabulary import SYNONYMS

    if not vocab.vocab.get("product_type"):
        return None
    synonyms = SYNONYMS.get("product_type", {})
    low = unicodedata.normalize("NFC", text).lower()
    words = [w.strip("'-") for w in _WORD.findall(low)]
    bare = [_AR_PREFIX.sub("", w) for w in words]
    for i in range(len(words)):  # the first kind named, in its longest wording
        for n in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            for phrase in dict.fromkeys((" ".join(words[i:i + n]), " ".join(bare[i:i + n]))):
                english = english_kind(phrase, synonyms)
                if english:
                    return None if _stocked(vocab, phrase, english, catalog_words) else phrase
        kind = _korean_kind(words[i], synonyms) if _HANGUL.search(words[i]) else None
        if kind:
            english = english_kind(kind, synonyms) or kind
            return None if _stocked(vocab, kind, english, catalog_words) else kind
    if _HAN_KANA.search(low):
        for word in sorted((w for w in synonyms if _HAN_KANA.search(w)), key=len, reverse=True):
            english = english_kind(word, synonyms) if word in low else None
            if english:
                return None if _stocked(vocab, word, english, catalog_words) else word
    return None
