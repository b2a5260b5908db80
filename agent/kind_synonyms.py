"""Everyday words of Chinese, Japanese, Korean, Russian and Arabic for the kinds a fashion catalog lists.

Each maps onto the catalog's English words as the synonym tables do (``agent/synonyms.py``: ``a|b`` tries ``a``
first), so "连帽衫" finds the catalog's Hoodie and "юбку" its Skirt. The words the replies use for a kind
(``prompts/terms.toml``) are here too, so a shopper who repeats the bot's word is understood. Russian words come in
the forms a request puts them in (nominative, accusative, plural, genitive plural); Arabic ones are also found
after the article and the prepositions written onto them (``agent/arabic.py``). Words that begin or are common
words of their script are left out: Chinese "包" (bag) in "包括", Japanese "ブラ" (bra) in "ブラック", Korean "탑" (top).
"""

from __future__ import annotations

_ZH = {
    "连帽衫": "hoodie", "帽衫": "hoodie", "连帽卫衣": "hoodie", "套头衫": "sweater", "羊毛衫": "sweater",
    "针织开衫": "cardigan", "女式衬衫": "blouse", "雪纺衫": "blouse", "罩衫": "blouse", "衬衣": "shirt",
    "polo衫": "polo shirt", "吊带衫": "vest top", "吊带背心": "vest top", "内裤": "underwear bottom", "胸罩": "bra",
    "紧身裤": "leggings/tights|leggings", "连裤袜": "leggings/tights|tights", "连体裤": "jumpsuit/playsuit|jumpsuit",
    "连身裤": "jumpsuit/playsuit|jumpsuit", "连体衣": "bodysuit", "婴儿连身衣": "romper|bodysuit",
    "泳裤": "swimwear bottom", "比基尼上衣": "bikini top", "睡衣套装": "pyjama set|pyjamas",
    "芭蕾平底鞋": "ballerinas", "芭蕾舞鞋": "ballerinas", "毛线帽": "hat/beanie|beanie", "针织帽": "hat/beanie|beanie",
    "鸭舌帽": "cap/peaked|cap", "棒球帽": "cap/peaked|cap", "耳环": "earring|earrings", "耳钉": "earring|earrings",
    "斜挎包": "cross-body bag|bag", "单肩包": "shoulder bag|bag", "托特包": "tote bag|bag", "运动裤": "trousers",
    "休闲裤": "trousers", "西裤": "trousers", "阔腿裤": "trousers", "羽绒服": "jacket", "棉服": "jacket",
    "风衣": "coat|jacket", "西装": "blazer", "短靴": "boots", "雪地靴": "boots", "高跟鞋": "pumps|heels",
    "拖鞋": "slippers", "人字拖": "flip flop|slippers", "丝巾": "scarf", "发夹": "hair clip", "手镯": "bracelet",
    "戒指": "ring", "背带裤": "dungarees",
}
_JA = {
    "フーディー": "hoodie", "トップス": "top", "タンクトップ": "vest top", "キャミソール": "vest top",
    "ポロシャツ": "polo shirt", "ブレザー": "blazer", "テーラードジャケット": "blazer",
    "オールインワン": "jumpsuit/playsuit|jumpsuit", "ジャンプスーツ": "jumpsuit/playsuit|jumpsuit",
    "サロペット": "dungarees", "ボディスーツ": "bodysuit", "ロンパース": "romper|bodysuit",
    "スイムボトム": "swimwear bottom", "ビキニトップ": "bikini top", "パジャマ": "pyjama set|pyjamas",
    "ブラジャー": "bra", "ショーツ": "underwear bottom", "ソックス": "socks", "レギンス": "leggings/tights|leggings",
    "タイツ": "leggings/tights|tights", "バレエシューズ": "ballerinas", "パンプス": "pumps", "スリッパ": "slippers",
    "ニット帽": "hat/beanie|beanie", "ビーニー": "hat/beanie|beanie", "キャップ": "cap/peaked|cap",
    "スカーフ": "scarf", "ストール": "scarf", "イヤリング": "earring|earrings", "ピアス": "earring|earrings",
    "ブレスレット": "bracelet", "指輪": "ring", "ダウンジャケット": "jacket", "トレーナー": "sweater",
    "ジーパン": "jeans|trousers", "チノパン": "trousers", "トレンチコート": "coat", "ハンドバッグ": "bag",
    "トートバッグ": "tote bag|bag",
}
_KO = {
    "후디": "hoodie", "민소매": "vest top", "나시": "vest top", "탱크탑": "vest top", "폴로 셔츠": "polo shirt",
    "폴로셔츠": "polo shirt", "카라티": "polo shirt", "카디건": "cardigan", "블레이저": "blazer",
    "점프수트": "jumpsuit/playsuit|jumpsuit", "점프슈트": "jumpsuit/playsuit|jumpsuit", "보디슈트": "bodysuit",
    "바디수트": "bodysuit", "바디슈트": "bodysuit", "롬퍼": "romper|bodysuit", "비키니 상의": "bikini top",
    "비키니 하의": "swimwear bottom", "수영복 하의": "swimwear bottom", "파자마": "pyjama set|pyjamas",
    "잠옷": "pyjama set|pyjamas", "팬티": "underwear bottom", "레깅스": "leggings/tights|leggings",
    "플랫 슈즈": "ballerinas|flat shoe", "플랫슈즈": "ballerinas|flat shoe", "캡 모자": "cap/peaked|cap",
    "캡모자": "cap/peaked|cap", "야구모자": "cap/peaked|cap", "비니": "hat/beanie|beanie", "슬리퍼": "slippers",
    "하이힐": "pumps|heels", "귀걸이": "earring|earrings", "반지": "ring", "패딩": "jacket", "점퍼": "jacket",
    "트렌치코트": "coat", "맨투맨": "sweater", "면바지": "trousers", "슬랙스": "trousers", "팬츠": "trousers",
    "숏팬츠": "shorts",
}


def _forms(table: dict[str, str]) -> dict[str, str]:
    """``{"платье платья платьев": "dress"}`` as one entry per word."""
    return {word: kinds for words, kinds in table.items() for word in words.split()}


_RU = _forms({
    "платье платья платьев платьице": "dress", "юбка юбку юбки юбок": "skirt",
    "брюки брюк штаны штанов": "trousers", "джинсы джинсов": "jeans|trousers", "шорты шорт": "shorts",
    "леггинсы леггинсов лосины": "leggings/tights|leggings", "колготки колготок": "leggings/tights|tights",
    "футболка футболку футболки футболок": "t-shirt", "топ топы топов": "top", "майка майку майки маек": "vest top",
    "блузка блузку блузки блузок": "blouse", "рубашка рубашку рубашки рубашек": "shirt", "поло": "polo shirt",
    "свитер свитера свитеры свитеров джемпер джемпера кофта кофту кофты": "sweater",
    "кардиган кардиганы кардиганов": "cardigan", "худи толстовка толстовку толстовки толстовок": "hoodie",
    "пиджак пиджаки пиджаков блейзер": "blazer",
    "комбинезон комбинезоны комбинезонов": "jumpsuit/playsuit|jumpsuit", "боди": "bodysuit",
    "купальник купальники купальников": "swimsuit", "плавки плавок": "swimwear bottom",
    "пижама пижаму пижамы пижам": "pyjama set|pyjamas",
    "бюстгальтер бюстгальтеры бюстгальтеров лифчик лифчики": "bra", "трусы трусов трусики": "underwear bottom",
    "носки носков": "socks", "кроссовки кроссовок кеды": "sneakers", "ботинки ботинок сапоги сапог": "boots",
    "сандалии сандалий босоножки": "sandals", "балетки балеток": "ballerinas", "тапочки тапки": "slippers",
    "сумка сумку сумки сумок": "bag", "рюкзак рюкзаки рюкзаков": "backpack|bag",
    "шапка шапку шапки шапок": "hat/beanie|hat", "кепка кепку кепки кепок": "cap/peaked|cap",
    "шляпа шляпу шляпы": "hat/brim|hat", "шарф шарфы шарфов": "scarf", "ремень ремни ремней": "belt",
    "серьги": "earring|earrings", "ожерелье ожерелья колье": "necklace", "кольцо": "ring",
    "песочник песочники": "romper|bodysuit",
})
_RU_PHRASES = {"рубашка поло": "polo shirt", "рубашку поло": "polo shirt", "рубашки поло": "polo shirt",
               "лифы бикини": "bikini top", "лиф бикини": "bikini top", "головные уборы": "hat/beanie|hat"}
_AR = _forms({
    "تنورة تنورات تنانير": "skirt", "بناطيل بنطلونات سروال سراويل": "trousers", "شورت شورتات شورتس": "shorts",
    "ليغينز ليجنز ليقنز": "leggings/tights|leggings", "تيشيرت تيشرت تيشيرتات": "t-shirt", "توب": "top",
    "بلوزة بلوزات": "blouse", "قمصان": "shirt", "بولو": "polo shirt", "كنزات سويتر بلوفر": "sweater",
    "كارديغان كارديجان": "cardigan", "هودي هودى هوديز": "hoodie", "جاكيتات جاكت": "jacket", "معاطف بالطو": "coat",
    "بليزر": "blazer", "جمبسوت جمبسوتات": "jumpsuit/playsuit|jumpsuit", "بودي بوديات": "bodysuit",
    "بيكيني": "bikini top", "بيجامة بيجامات منامة": "pyjama set|pyjamas", "صدرية ستيان": "bra",
    "سنيكرز": "sneakers", "جزمة": "boots", "باليرينا": "ballerinas", "حقائب شنط": "bag",
    "قبعة قبعات": "hat/beanie|hat", "طاقية": "hat/beanie|beanie", "كاب": "cap/peaked|cap", "أوشحة سكارف شال": "scarf",
    "أحزمة": "belt", "أقراط": "earring|earrings", "قلادات": "necklace", "خاتم": "ring",
})
# phrases (a whole phrase of up to three words is looked up before its words)
_AR_PHRASES = {
    "تي شيرت": "t-shirt", "قميص بولو": "polo shirt", "ملابس سباحة": "swimsuit", "لباس سباحة": "swimsuit",
    "حمالة صدر": "bra", "حمالات صدر": "bra", "ملابس داخلية": "underwear bottom", "حذاء رياضي": "sneakers",
    "أحذية رياضية": "sneakers", "حقيبة ظهر": "backpack|bag", "حقائب ظهر": "backpack|bag", "كنزة بقلنسوة": "hoodie",
    "كنزات بقلنسوة": "hoodie", "قمصان بولو": "polo shirt", "بلوزات علوية": "top", "قمصان بلا أكمام": "vest top",
    "أحذية بوت": "boots", "أحذية باليرينا": "ballerinas", "قبعات بحافة أمامية": "cap/peaked|cap",
}

OWN_SCRIPT_KINDS: dict[str, str] = {**_ZH, **_JA, **_KO, **_RU, **_RU_PHRASES, **_AR, **_AR_PHRASES}
