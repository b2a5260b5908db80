"""Everyday words of Chinese, Japanese, Korean, Russian and Arabic for the kinds a fashion catalog lists map onto
its product types ("我想要一件黑色的男士连帽衫" asked for black men's hoodies and got beanies: "连帽衫" was no kind)."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.prompts import PROMPTS_DIR
from agent.turn import Session
from agent.vocabulary import VocabularyMapper
from tests.agent.fakes import FakeCatalog

# The product types of a fashion catalog such as H&M's (its most common ones).
TYPES = [
    "Trousers", "Dress", "Sweater", "T-shirt", "Top", "Blouse", "Jacket", "Shorts", "Shirt", "Vest top",
    "Underwear bottom", "Skirt", "Hoodie", "Bra", "Socks", "Leggings/Tights", "Sneakers", "Cardigan", "Hat/beanie",
    "Swimwear bottom", "Bag", "Earring", "Jumpsuit/Playsuit", "Pyjama set", "Blazer", "Boots", "Scarf", "Bodysuit",
    "Bikini top", "Sandals", "Swimsuit", "Sunglasses", "Necklace", "Cap/peaked", "Coat", "Belt", "Polo shirt",
    "Hat/brim", "Ballerinas", "Gloves", "Dungarees", "Slippers", "Pumps", "Bracelet", "Ring", "Backpack", "Earrings",
]
WORDS = {
    "zh": {"连帽衫": "Hoodie", "卫衣": "Hoodie", "连衣裙": "Dress", "裤子": "Trousers", "牛仔裤": "Trousers",
           "毛衣": "Sweater", "T恤": "T-shirt", "上衣": "Top", "衬衫": "Shirt", "衬衣": "Shirt", "雪纺衫": "Blouse",
           "夹克": "Jacket", "羽绒服": "Jacket", "短裤": "Shorts", "背心": "Vest top", "吊带衫": "Vest top",
           "内裤": "Underwear bottom", "半身裙": "Skirt", "文胸": "Bra", "胸罩": "Bra", "袜子": "Socks",
           "打底裤": "Leggings/Tights", "运动鞋": "Sneakers", "开衫": "Cardigan", "毛线帽": "Hat/beanie",
           "泳裤": "Swimwear bottom", "耳环": "Earring", "连体裤": "Jumpsuit/Playsuit", "睡衣": "Pyjama set",
           "西装外套": "Blazer", "靴子": "Boots", "围巾": "Scarf", "连体衣": "Bodysuit", "凉鞋": "Sandals",
           "泳衣": "Swimsuit", "墨镜": "Sunglasses", "项链": "Necklace", "鸭舌帽": "Cap/peaked", "大衣": "Coat",
           "腰带": "Belt", "polo衫": "Polo shirt", "手套": "Gloves", "背带裤": "Dungarees", "拖鞋": "Slippers"},
    "ja": {"パーカー": "Hoodie", "ワンピース": "Dress", "パンツ": "Trousers", "セーター": "Sweater",
           "Tシャツ": "T-shirt", "トップス": "Top", "ブラウス": "Blouse", "ジャケット": "Jacket",
           "ショートパンツ": "Shorts", "シャツ": "Shirt", "タンクトップ": "Vest top", "スカート": "Skirt",
           "ブラジャー": "Bra", "靴下": "Socks", "ソックス": "Socks", "レギンス": "Leggings/Tights",
           "スニーカー": "Sneakers", "カーディガン": "Cardigan", "ニット帽": "Hat/beanie", "バッグ": "Bag",
           "ピアス": "Earring", "オールインワン": "Jumpsuit/Playsuit", "パジャマ": "Pyjama set", "ブレザー": "Blazer",
           "ブーツ": "Boots", "マフラー": "Scarf", "ボディスーツ": "Bodysuit", "ビキニトップ": "Bikini top",
           "サンダル": "Sandals", "水着": "Swimsuit", "サングラス": "Sunglasses", "ネックレス": "Necklace",
           "キャップ": "Cap/peaked", "コート": "Coat", "ベルト": "Belt", "ポロシャツ": "Polo shirt",
           "サロペット": "Dungarees", "スリッパ": "Slippers", "パンプス": "Pumps"},
    "ko": {"후드티": "Hoodie", "후디": "Hoodie", "원피스": "Dress", "바지": "Trousers", "스웨터": "Sweater",
           "티셔츠": "T-shirt", "블라우스": "Blouse", "재킷": "Jacket", "반바지": "Shorts", "셔츠": "Shirt",
           "민소매": "Vest top", "팬티": "Underwear bottom", "치마": "Skirt", "브래지어": "Bra", "양말": "Socks",
           "레깅스": "Leggings/Tights", "운동화": "Sneakers", "카디건": "Cardigan", "가디건": "Cardigan",
           "비니": "Hat/beanie", "가방": "Bag", "귀걸이": "Earring", "점프수트": "Jumpsuit/Playsuit",
           "잠옷": "Pyjama set", "블레이저": "Blazer", "부츠": "Boots", "스카프": "Scarf", "바디수트": "Bodysuit",
           "샌들": "Sandals", "수영복": "Swimsuit", "선글라스": "Sunglasses", "목걸이": "Necklace",
           "캡모자": "Cap/peaked", "코트": "Coat", "벨트": "Belt", "폴로셔츠": "Polo shirt", "장갑": "Gloves",
           "슬리퍼": "Slippers", "패딩": "Jacket"},
    "ru": {"худи": "Hoodie", "толстовку": "Hoodie", "платье": "Dress", "платья": "Dress", "брюки": "Trousers",
           "джинсы": "Trousers", "свитер": "Sweater", "футболку": "T-shirt", "топ": "Top", "блузку": "Blouse",
           "куртку": "Jacket", "шорты": "Shorts", "рубашку": "Shirt", "майку": "Vest top",
           "трусы": "Underwear bottom", "юбку": "Skirt", "бюстгальтер": "Bra", "носки": "Socks",
           "леггинсы": "Leggings/Tights", "колготки": "Leggings/Tights", "кроссовки": "Sneakers",
           "кардиган": "Cardigan", "шапку": "Hat/beanie", "сумку": "Bag", "серьги": "Earring",
           "комбинезон": "Jumpsuit/Playsuit", "пижаму": "Pyjama set", "пиджак": "Blazer", "ботинки": "Boots",
           "шарф": "Scarf", "боди": "Bodysuit", "сандалии": "Sandals", "купальник": "Swimsuit",
           "ожерелье": "Necklace", "кепку": "Cap/peaked", "пальто": "Coat", "ремень": "Belt",
           "поло": "Polo shirt", "перчатки": "Gloves", "балетки": "Ballerinas", "тапочки": "Slippers"},
    "ar": {"هودي": "Hoodie", "فستان": "Dress", "الفستان": "Dress", "بنطلون": "Trousers", "كنزة": "Sweater",
           "تيشيرت": "T-shirt", "بلوزة": "Blouse", "جاكيت": "Jacket", "شورت": "Shorts", "قميص": "Shirt",
           "القميص": "Shirt", "تنورة": "Skirt", "تنانير": "Skirt", "حمالة صدر": "Bra", "جوارب": "Socks",
           "ليغينز": "Leggings/Tights", "حذاء رياضي": "Sneakers", "كارديغان": "Cardigan", "قبعة": "Hat/beanie",
           "حقيبة": "Bag", "أقراط": "Earring", "جمبسوت": "Jumpsuit/Playsuit", "بيجامة": "Pyjama set",
           "بليزر": "Blazer", "جزمة": "Boots", "وشاح": "Scarf", "بودي": "Bodysuit", "صندل": "Sandals",
           "مايوه": "Swimsuit", "نظارة شمسية": "Sunglasses", "قلادة": "Necklace", "كاب": "Cap/peaked",
           "معطف": "Coat", "حزام": "Belt", "قميص بولو": "Polo shirt", "قفازات": "Gloves",
           "بالمعطف": "Coat", "للحقيبة": "Bag"},
}
# The words the replies use for a kind (``prompts/terms.toml``) that are no kind when a shopper writes them: common
# words or the start of common words (Chinese "包" in "包括", Korean "브라" in "브라운", "탑"), or phrases of more than
# three words.
NOT_READ = {"包", "브라", "탑", "قطع سفلية لملابس السباحة", "أفرولات أطفال"}


@pytest.fixture(scope="module")
def vocab() -> VocabularyMapper:
    return VocabularyMapper({"product_type": TYPES, "colour": ["Black", "Blue"], "index_group": ["Menswear"]})


@pytest.mark.parametrize(("language", "word", "kind"),
                         [(language, word, kind) for language, words in WORDS.items() for word, kind in words.items()])
def test_everyday_words_name_the_catalog_kind(vocab: VocabularyMapper, language: str, word: str, kind: str) -> None:
    assert vocab.find_in_text("product_type", word, language) == kind


def _reply_words() -> list[tuple[str, str, str]]:
    with open(PROMPTS_DIR / "terms.toml", "rb") as fh:
        table = tomllib.load(fh)["product_type"]
    found = [(language, words[language] if isinstance(words[language], str) else words[language][0], value)
             for value, words in table.items() if value in TYPES for language in ("zh", "ja", "ko", "ru", "ar")
             if language in words]
    return [(language, word, value) for language, word, value in found if word not in NOT_READ]


@pytest.mark.parametrize(("language", "word", "kind"), _reply_words())
def test_the_replies_word_for_a_kind_names_it(vocab: VocabularyMapper, language: str, word: str, kind: str) -> None:
    """A shopper who repeats the bot's word for a kind ("连帽衫" in "这是一些连帽衫") gets that kind."""
    assert vocab.find_in_text("product_type", word, language) == kind


async def test_a_chinese_request_for_black_mens_hoodies_filters_on_hoodies(open_service) -> None:  # type: ignore[no-untyped-def]
    catalog = FakeCatalog()
    hoodie = replace(catalog.items[6], article_id="0100000099", name="Graphite Zip Hoodie", product_type="Hoodie",
                     garment_group="Hoodie", description="A black hoodie with a zip.")
    catalog.items.append(hoodie)
    catalog.by_id[hoodie.article_id] = hoodie
    async with open_service(ScriptedBackend(), cat=catalog) as service:
        turn = await service.ask(Session("zh-hoodie"), "我想要一件黑色的男士连帽衫，100元以内")
    args = turn.tool_calls[0]["args"]
    assert (args["product_type"], args["colour"], args["index_group"]) == ("Hoodie", "Black", "Menswear")
    assert [p.article_id for p in turn.products] == ["0100000099"]
