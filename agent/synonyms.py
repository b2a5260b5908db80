"""Shoppers' words in many languages for the catalog's colours, kinds of product and audiences.

Each entry maps a word (lower case) onto English words that are looked up in the catalog's own
vocabulary (``agent/vocabulary.py``); ``a|b`` tries ``a`` first. Words of scripts without spaces
(Chinese, Japanese, Korean) and of Devanagari are found inside a message as substrings.
"""

from __future__ import annotations

from agent.garments import FOREIGN_TYPES
from agent.kind_synonyms import OWN_SCRIPT_KINDS

# Audiences in more languages (whole words; Korean also before a particle), for "мужские джинсы", "pantaloni da
# uomo", "spodnie męskie", "남자 청바지", "tênis masculinos", "erkek pantolon".
AUDIENCE_WORDS = {
    "menswear": "männer herrenmode hommes hombres caballero uomo uomini homem homens masculino masculinos masculina "
                "masculinas мужской мужская мужское мужские мужских мужчин мужчины мужчинам męski męska męskie "
                "męskich mężczyzn mężczyzny erkek erkekler erkekleri heren mannen herr herrar رجال للرجال رجالي "
                "남자 남성 남성용 メンズ 男性",
    "ladieswear": "frauen damenmode femmes mujeres donna donne mulher mulheres feminino femininos feminina femininas "
                  "женский женская женское женские женских женщин женщины женщинам damski damska damskie damskich "
                  "kobiet kobiety kadın kadınlar bayan dames vrouwen damer نساء للنساء نسائي 여자 여성 여성용 "
                  "レディース 女性",
    "kids|baby/children": "kinder enfant enfants niño niños niña niñas infantil bambino bambini bambina bambine "
                          "criança crianças детский детская детское детские детских детей dziecięcy dziecięca "
                          "dziecięce dzieci çocuk çocuklar kinderen أطفال للأطفال 아동 어린이 키즈 キッズ 子供",
}

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
        "nera": "black", "neri": "black", "nere": "black", "bianca": "white", "bianchi": "white", "bianche": "white",
        "rossa": "red", "rossi": "red", "rosse": "red", "azzurro": "light blue", "azzurra": "light blue",
        "grigio": "grey", "grigia": "grey", "marrone": "brown", "giallo": "yellow", "gialla": "yellow",
        "preta": "black", "pretos": "black", "pretas": "black", "branca": "white", "brancos": "white",
        "vermelha": "red", "vermelhos": "red", "vermelhas": "red", "amarelo": "yellow", "cinza": "grey",
        "marrom": "brown",
        # fr
        "noir": "black", "noire": "black", "blanc": "white", "blanche": "white", "rouge": "red", "bleu": "blue",
        "bleue": "blue", "vert": "green", "verte": "green", "jaune": "yellow", "grise": "grey", "marron": "brown",
        # de / nl / sv
        "schwarz": "black", "schwarze": "black", "schwarzes": "black", "weiß": "white", "weiss": "white",
        "rot": "red", "rote": "red", "blau": "blue", "blaue": "blue", "grün": "green", "gelb": "yellow",
        "grau": "grey", "braun": "brown", "zwart": "black", "svart": "black",
        "zwarte": "black", "wit": "white", "witte": "white", "rood": "red", "rode": "red", "blauw": "blue",
        "blauwe": "blue", "groen": "green", "groene": "green", "roze": "pink", "grijs": "grey", "grijze": "grey",
        "bruin": "brown", "bruine": "brown", "geel": "yellow", "gele": "yellow", "svarta": "black", "vit": "white",
        "vita": "white", "röd": "red", "röda": "red", "blå": "blue", "grön": "green", "gröna": "green", "grå": "grey",
        "brun": "brown", "bruna": "brown", "gul": "yellow",
        # sv: the forms after "i" and of neuter nouns ("i blått", "ett rött"), and plurals
        "blått": "blue", "blåa": "blue", "rött": "red", "vitt": "white", "grönt": "green", "grått": "grey",
        "gråa": "grey", "gult": "yellow", "gula": "yellow", "brunt": "brown",
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
        # Korean colours as nouns with 색 (colour), which particles follow ("파란색으로", "빨간색이요")
        "파란색": "blue", "빨간색": "red", "노란색": "yellow", "초록색": "green", "녹색": "green", "분홍색": "pink",
        "하얀색": "white", "까만색": "black", "검정색": "black", "주황색": "orange", "보라색": "purple",
        "하늘색": "light blue", "베이지색": "beige",
        "أسود": "black", "سوداء": "black", "أبيض": "white", "بيضاء": "white", "أحمر": "red", "حمراء": "red",
        "أزرق": "blue", "زرقاء": "blue", "أخضر": "green", "خضراء": "green", "وردي": "pink", "رمادي": "grey",
        "بني": "brown", "بيج": "beige",
        # tr / pl / hi
        "siyah": "black", "beyaz": "white", "kırmızı": "red", "mavi": "blue", "lacivert": "dark blue",
        "yeşil": "green", "pembe": "pink", "gri": "grey", "kahverengi": "brown", "sarı": "yellow",
        # tr: "the blue one" ("mavisi", "mavisini istiyorum")
        "mavisi": "blue", "mavisini": "blue", "siyahı": "black", "siyahını": "black", "beyazı": "white",
        "beyazını": "white", "kırmızısı": "red", "kırmızısını": "red", "yeşili": "green", "yeşilini": "green",
        "pembesi": "pink", "pembesini": "pink", "grisi": "grey", "grisini": "grey", "sarısı": "yellow",
        "sarısını": "yellow", "laciverti": "dark blue", "lacivertini": "dark blue",
        **{f"{stem}{end}": english for stem, english in (
            ("czarn", "black"), ("biał", "white"), ("czerwon", "red"), ("niebiesk", "blue"), ("zielon", "green"),
            ("różow", "pink"), ("szar", "grey"), ("brązow", "brown"), ("żółt", "yellow"), ("beżow", "beige"),
        ) for end in ("y", "a", "e", "ą", "ej", "ego", "ym", "ych", "i")},
        # Polish adjectives in -ki take an i before e and in the endings of the others ("w niebieskim", "niebieskiej")
        **{f"niebiesk{end}": "blue" for end in ("ie", "im", "ich", "iej", "iego", "iemu", "imi")},
        "काला": "black", "काली": "black", "काले": "black", "सफ़ेद": "white", "सफेद": "white", "लाल": "red",
        "नीला": "blue", "नीली": "blue", "नीले": "blue", "हरा": "green", "हरी": "green", "गुलाबी": "pink",
        "भूरा": "brown", "पीला": "yellow", "पीली": "yellow",
        # en
        "navy": "dark blue", "gray": "grey", "cream": "off white", "khaki": "khaki green", "burgundy": "dark red",
        "violet": "purple", "lilac": "light purple", "denim": "blue",
    },
    "product_type": {
        **FOREIGN_TYPES,  # kinds of clothing and accessories (``agent/garments.py``); the entries below win
        **OWN_SCRIPT_KINDS,  # everyday words of zh, ja, ko, ru and ar (``agent/kind_synonyms.py``)
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
        "giacca": "jacket", "vestito": "dress", "vestiti": "dress", "pantaloni": "trousers", "camicia": "shirt", "cappotto": "coat",
        "maglione": "sweater", "borsa": "bag", "scarpe": "shoes", "saia": "skirt", "calça": "trousers",
        "calças": "trousers", "jaqueta": "jacket", "casaco": "coat", "bolsa": "bag", "sapatos": "shoes",
        "tênis": "sneakers", "jurk": "dress", "rok": "skirt", "broek": "trousers",
        "jas": "coat", "jasje": "jacket", "tas": "bag", "klänning": "dress", "kjol": "skirt", "byxor": "trousers",
        "jacka": "jacket", "väska": "bag",
        "elbise": "dress", "elbisesi": "dress", "etek": "skirt", "pantolon": "trousers", "kot pantolon": "jeans|trousers",
        "ceket": "jacket", "mont": "jacket", "palto": "coat", "kaban": "coat", "ayakkabı": "shoes|sneakers",
        "spor ayakkabı": "sneakers", "gömlek": "shirt", "kazak": "sweater", "çanta": "bag", "tişört": "t-shirt",
        "sukienka": "dress", "sukienki": "dress", "sukienkę": "dress", "spódnica": "skirt", "spódnicę": "skirt",
        "spodnie": "trousers", "dżinsy": "jeans|trousers", "kurtka": "jacket", "kurtkę": "jacket", "kurtki": "jacket",
        "płaszcz": "coat", "buty": "shoes|sneakers", "koszula": "shirt", "koszulę": "shirt", "sweter": "sweater",
        "torba": "bag", "torebka": "bag", "torebkę": "bag",
        "जींस": "jeans|trousers", "ड्रेस": "dress", "पोशाक": "dress", "शर्ट": "shirt", "कमीज़": "shirt",
        "जूते": "shoes|sneakers", "जैकेट": "jacket", "बैग": "bag", "स्कर्ट": "skirt", "स्वेटर": "sweater",
        "vestido": "dress", "vestidos": "dress", "falda": "skirt", "pantalones": "trousers", "pantalón": "trousers",
        "camisa": "shirt", "camiseta": "t-shirt", "chaqueta": "jacket", "abrigo": "coat", "zapatos": "shoes",
        "robe": "dress", "jupe": "skirt", "pantalon": "trousers", "chemise": "shirt", "veste": "jacket",
        "manteau": "coat", "kleid": "dress", "rock": "skirt", "hose": "trousers", "hemd": "shirt",
        "jacke": "jacket", "mantel": "coat", "kleider": "dress", "jacken": "jacket", "hosen": "trousers",
        "röcke": "skirt", "mäntel": "coat", "платье": "dress", "юбка": "skirt", "брюки": "trousers",
        # plurals that are no singular with an -s ("jurken", "manteaux", "camicie"; "robes", "jupes", "blouses" and
        # "hoodies" are found through their singulars, ``vocabulary.singular_forms``), with a few singulars the
        # lists above lack
        "jurken": "dress", "rokken": "skirt", "broeken": "trousers", "jassen": "coat", "jasjes": "jacket",
        "tassen": "bag", "overhemd": "shirt", "overhemden": "shirt", "trui": "sweater", "truien": "sweater",
        "schoenen": "shoes|sneakers", "spijkerbroek": "jeans|trousers", "spijkerbroeken": "jeans|trousers",
        "manteaux": "coat", "chemises": "shirt", "chemisier": "blouse", "blusa": "blouse",
        "blouson": "jacket", "chaussures": "shoes|sneakers",
        "camicie": "shirt", "gonne": "skirt", "giacche": "jacket", "cappotti": "coat", "maglioni": "sweater",
        "borse": "bag", "camicetta": "blouse", "camicette": "blouse", "maglietta": "t-shirt",
        "magliette": "t-shirt", "giubbotto": "jacket", "giubbotti": "jacket", "klänningar": "dress",
        "kjolar": "skirt", "jackor": "jacket", "skjorta": "shirt", "skjortor": "shirt", "väskor": "bag",
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
        **{word: group for group, words in AUDIENCE_WORDS.items() for word in words.split()},
    },
}
