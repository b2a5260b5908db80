"""Which detail a question about one shown product asks for, and the fixed answer from the catalog record.

"how much is the second?", "第二个多少钱？", "сколько стоит второй?" ask for the price; "what colour is it?" the
colour; "what material is the third one?" the material (the catalog has no material field, so its description
answers); "what kind of product is it?" the kind. The answer is built from the article alone (``prompts/replies.toml``:
details_price, details_colour, details_kind, details_material), so it holds when the model is slow or down.
"What sizes?", "¿qué tallas hay?", "有什么尺码？" ask for the sizes, which the catalog does not have: details_sizes says
so and sends the shopper to the product page, in place of the model's words (``reply.respond``), which could only
guess them. A question about several products by position ("how much are the first and the second?") gets the answer
for each, in the order named (``detail_answers``). A question about another detail the catalog lacks (stock) gets
none of these: the plain "details" reply.
"""

from __future__ import annotations

import re

from agent.notes import plural
from agent.prompts import Replies
from agent.terms import CatalogTerms, shipped_terms
from catalog.models import Article
from catalog.money import format_price

# Whole words in alphabetic scripts (a word may take an ending where shown with \w*); CJK, Hindi and Arabic
# words are found anywhere. Checked in this order: "what does the cotton one cost?" asks for the price.
_ASKS = {
    "price": (
        r"how much|price[sd]?|costs?|pricey|expensive|cheap|cuánto (?:cuesta|vale|es)|cuanto (?:cuesta|vale)|precio|"
        r"cuesta|cuestan|valen|combien|prix|coûtent|coutent|coûte|coute|kostet|kosten|preis\w*|wie ?viel|"
        r"сколько стоит|стоит|стоят|цен\w*|стоимость|почём|почем|quanto (?:costa|custa|é)|prezzo|costano|costa|"
        r"preço|preco|custam|custa|hoeveel|prijs|kost|vad kostar|kostar|pris\w*|ne kadar|fiyat\w*|kaç para|"
        r"ile kosztuje|kosztują|kosztuje|cena|cenę|ceny",
        r"多少钱|价格|价钱|几块|多少元|いくら|値段|価格|얼마|가격|कितने का|कितने की|कीमत|दाम|سعر|بكم|ثمن|كم يكلف",
    ),
    "sizes": (
        r"sizes?|sizing|talla|tallas|tailles?|größen?|grösse|groesse|размер\w*|taglia|taglie|tamanhos?|maat|maten|"
        r"storlek\w*|beden\w*|rozmiar\w*",
        r"尺码|尺寸|サイズ|사이즈|مقاس|المقاسات|साइज़|साइज",
    ),
    "colour": (
        r"colou?rs?|colores|couleurs?|farbe\w*|цвет\w*|colori?|cor|cores|kleur\w*|färg\w*|renk\w*|renginde|kolor\w*",
        r"颜色|什么色|何色|色は|색상|색깔|무슨 색|रंग|لون|ألوان",
    ),
    "material": (
        r"materials?|fabric|made of|made from|cotton|wool|linen|polyester|silk|leather|tela|tejido|hecho|hecha|"
        r"matière|matiere|tissu|matériau|stoff|woraus|материал\w*|ткан\w*|из чего|состав|materiale|tessuto|fatt[oa]|"
        r"tecido|feit[oa]|materiaal|stof|tyg|malzeme\w*|kumaş\w*|materiał\w*|tkanin\w*|z czego",
        r"材质|面料|材料|什么做的|素材|生地|材質|소재|재질|원단|सामग्री|कपड़ा|कपड़े|फ़ैब्रिक|خامة|قماش|مصنوع",
    ),
    "kind": (
        r"what kind|what type|what sort|which kind|which type|what is it|type of|kind of|category|qué tipo|que tipo|"
        r"tipo de|quel type|quel genre|type de|was für|welche art|art von|какой тип|что это|che tipo|tipo di|"
        r"wat voor|welk soort|vilken typ|vad är det|ne tür|hangi tür|jaki typ|jaki rodzaj|rodzaj",
        r"什么类型|什么类别|哪一类|是什么|種類|何ですか|종류|무엇인가요|किस प्रकार|किस तरह|نوع",
    ),
}
# Languages whose sentences follow one another with no space ("…です。…です。").
_UNSPACED = ("zh", "ja")
_PATTERNS = {
    detail: re.compile(rf"(?<![^\W\d_])(?:{words})(?![^\W\d_])|{anywhere}", re.IGNORECASE)
    for detail, (words, anywhere) in _ASKS.items()
}


def asked_detail(text: str) -> str | None:
    """"price", "sizes", "colour", "material" or "kind" when ``text`` asks for that detail, else None."""
    return next((detail for detail, pattern in _PATTERNS.items() if pattern.search(text or "")), None)


def _colour(article: Article, language: str, terms: CatalogTerms) -> str:
    if language == "en":
        return article.colour.lower()
    return terms.word("colour", article.colour, language) if language in terms.languages else article.colour


def _kind(article: Article, language: str, terms: CatalogTerms) -> str:
    if language == "en":
        return plural(article.product_type.lower())
    if language in terms.languages and terms.knows("product_type", article.product_type, language):
        return terms.word("product_type", article.product_type, language)
    return article.product_type


def detail_answer(article: Article, text: str, language: str, replies: Replies,
                  terms: CatalogTerms | None = None) -> str:
    """The sentence that answers ``text``'s question about ``article`` from its catalog record ("Quilted jacket
    costs 37.99."); "" when the question asks for no detail the record has."""
    detail = asked_detail(text)
    terms = terms or shipped_terms()
    if detail == "price" and isinstance(article.price, int | float):
        return replies.get(language, "details_price", name=article.name, price=format_price(article.price, language))
    if detail == "price":  # never sold yet (the catalog's prices come from its sales): said, not left unanswered
        return replies.get(language, "details_no_price", name=article.name)
    if detail == "sizes":
        return replies.get(language, "details_sizes")
    if detail == "colour" and article.colour:
        return terms.finish(replies.get(language, "details_colour", name=article.name,
                                        colour=_colour(article, language, terms)), language)
    if detail == "material" and article.description:
        return replies.get(language, "details_material", name=article.name, description=article.description.strip())
    if detail == "kind" and article.product_type:
        return terms.finish(replies.get(language, "details_kind", name=article.name,
                                        kind=_kind(article, language, terms)), language)
    return ""


def detail_answers(articles: list[Article], text: str, language: str, replies: Replies,
                   terms: CatalogTerms | None = None) -> str:
    """``detail_answer`` for each of ``articles``, in order ("Baggy jeans costs 31.99. Mom jeans costs 19.99."); ""
    when the record of any of them lacks the detail asked for."""
    answers = [detail_answer(article, text, language, replies, terms) for article in articles]
    if not articles or not all(answers):
        return ""
    return ("" if language in _UNSPACED else " ").join(answers)
