"""Positions of shown products that a message names: "the second one", "#2", "第二个", "второй", "2番目", "最初の",
"두 번째", "الثاني", "drugi", "ikincisi"; "last" is -1. ``find_ordinal`` gives the first one named, ``find_positions``
every one, in order ("the first and the second", "the 1st and 3rd", "el primero y el segundo", "第一个和第二个",
"первый и второй" -> [0, 1] or [0, 2]).
"""

from __future__ import annotations

import re

_F = re.IGNORECASE | re.UNICODE

_ORDINALS: dict[str, int] = {
    "first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
    "fifth": 4, "5th": 4, "sixth": 5, "seventh": 6, "eighth": 7, "ninth": 8, "tenth": 9, "last": -1,
    "primero": 0, "primera": 0, "segundo": 1, "segunda": 1, "tercero": 2, "tercera": 2, "cuarto": 3, "cuarta": 3,
    "quinto": 4, "quinta": 4, "último": -1,
    "premier": 0, "première": 0, "deuxième": 1, "troisième": 2, "quatrième": 3, "cinquième": 4, "dernier": -1,
    "dernière": -1,
    "erste": 0, "ersten": 0, "zweite": 1, "zweiten": 1, "dritte": 2, "dritten": 2, "vierte": 3, "vierten": 3,
    "fünfte": 4, "fünften": 4, "letzte": -1,
    "primeiro": 0, "primeira": 0, "terceiro": 2, "terceira": 2, "quarto": 3, "quarta": 3, "última": -1,
    "primo": 0, "prima": 0, "secondo": 1, "seconda": 1, "terzo": 2, "terza": 2, "ultimo": -1, "ultima": -1,
    "eerste": 0, "tweede": 1, "derde": 2, "vierde": 3, "vijfde": 4, "laatste": -1,
    "första": 0, "andra": 1, "tredje": 2, "fjärde": 3, "femte": 4, "sista": -1,
}
_ORDINAL_RU = re.compile(r"(?<!\w)(перв|втор|трет|четв[её]рт|пят|последн)(ый|ая|ое|ую|ой|ий|ья|ье|ью|ее|яя|юю|ом|ьем|ем|ого|ьего|его|ей|ьей)(?!\w)"
                         r"(?!\s+(раз|день|дня|год|года|месяц|неделю|недели|час|этаж|класс))", _F)
_RU_STEMS = {"перв": 0, "втор": 1, "трет": 2, "четвёрт": 3, "четверт": 3, "пят": 4, "последн": -1}
_ZH_NUM = {"一": 0, "二": 1, "两": 1, "三": 2, "四": 3, "五": 4, "六": 5, "七": 6, "八": 7, "九": 8, "十": 9}
_ORD = "|".join([*sorted(_ORDINALS, key=len, reverse=True), r"\d{1,2}(?:st|nd|rd|th)"])  # "the 9th one"
_ORDINAL_WORD = re.compile(
    rf"\b(?:the|el|la|le|das|den|der|die|o|il|lo|de|het|det|beim|vom|zum|del|al|du|au|do|dal|della|pelo)"
    rf"\s+({_ORD})\b"
    r"(?!\s+(?:time|place|month|week|year|season|night|day|century|birthday|anniversary|floor|street|of\b|"
    r"vez|fois|volta))"
    rf"|\b({_ORD})\s+(?:one|item|product|option|look|pick|dress|article)s?\b"
    r"|\b(?:a|da|na|pela)\s+(primeira|segunda|terceira|última)\b(?!\s+vez)",  # Portuguese "a segunda" (Italian "a prima vista" is none)
    _F,
)
_ORDINAL_NUM = re.compile(r"(?:#|\bnumber\s*|\bno\.?\s*|\bitem\s*|\boption\s*)(\d{1,2})\b", _F)
_ORDINAL_ZH = re.compile(r"第\s*([一二两三四五六七八九十]|\d{1,2})\s*(个|件|款|条|双|项)?")
_ORDINAL_ZH_LAST = re.compile(r"最后一(个|件|款)")
# Japanese "2番目", "2つ目", Korean "두 번째", "2번째"
_ORDINAL_JA_KO = re.compile(r"(\d{1,2}|[一二三四五])\s*(?:番目|つ目)|(\d{1,2}|첫|두|세|네|다섯)\s*번째")
_JA_KO_NUM = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "첫": 0, "두": 1, "세": 2, "네": 3, "다섯": 4}
# Arabic "الأول", "الثانية", "الأخير" (the article is part of the word); not "المرة الأولى" (the first time)
_ORDINAL_AR = re.compile(r"(?<!\w)(?<!المرة )(?<!للمرة )ال(أول|أولى|ثاني|ثانية|ثالث|ثالثة|رابع|رابعة|خامس|خامسة|أخير|أخيرة)"
                         r"(?!\w)")
_AR_STEMS = {"أول": 0, "أولى": 0, "ثاني": 1, "ثانية": 1, "ثالث": 2, "ثالثة": 2, "رابع": 3, "رابعة": 3, "خامس": 4,
             "خامسة": 4, "أخير": -1, "أخيرة": -1}
# Polish "pierwszy", "drugiego", "ostatnia" (no article to tell them); not "pierwszy raz", "po raz pierwszy",
# "z drugiej ręki" (second-hand), "pierwsza komunia"
_ORDINAL_PL = re.compile(
    r"(?<!\w)(?<!raz )(pierwsz|drug|trzec|czwart|piąt|ostatn)(y|a|e|ego|ej|ą|ym|emu|i|ia|ie|iego|iej|ią|im)(?!\w)"
    r"(?!\s+(?:raz|rzut|komuni|ręki|strony|kolejności|połow|klas|piętr|tydz|tygodni|miesi|rok|roku|dni|dzień|sezon|"
    r"kolekcj|zakup))", _F)
_PL_STEMS = {"pierwsz": 0, "drug": 1, "trzec": 2, "czwart": 3, "piąt": 4, "ostatn": -1}
# Turkish "ilkinden", "birinciden", "ikincisi", "sonuncusu" (with their case endings); not "ilk kez", "ikinci el"
_ORDINAL_TR = re.compile(
    r"(?<!\w)(?:ilk(?=i|ine|inde|inden|ini|inin|iyle)|(birinci|ikinci|üçüncü|dördüncü|beşinci|sonuncu))"
    r"[a-zçğıöşü]{0,8}(?!\w)(?!\s+(?:kez|defa|kere|el|sınıf|olarak|gün|hafta|ay|yıl))", _F)
_TR_STEMS = {"birinci": 0, "ikinci": 1, "üçüncü": 2, "dördüncü": 3, "beşinci": 4, "sonuncu": -1}
# Japanese "最初の" (the first one), "最後の" (the last one); not "最初は" (at first)
_ORDINAL_JA = re.compile(r"(最初|最後)の(?=もの|商品|やつ|アイテム|服|より|は|を|が|も|と|\s*$|[?？。、])")
_JA_STEMS = {"最初": 0, "最後": -1}
# Ordinals read by their stem: the stem (group 1, or none for Turkish "ilk") -> position
_STEMMED: list[tuple[re.Pattern[str], dict[str, int]]] = [
    (_ORDINAL_RU, _RU_STEMS), (_ORDINAL_AR, _AR_STEMS), (_ORDINAL_PL, _PL_STEMS), (_ORDINAL_TR, _TR_STEMS),
    (_ORDINAL_JA, _JA_STEMS),
]
# A bare ordinal joined to one named before it: "second" in "the first and second", "3rd" in "the 1st, 2nd or 3rd".
_JOINED = re.compile(
    rf"\s*(?:,\s*(?:(?:and|or|y|o|e|et|ou|und|oder|en|och|eller)\s+)?|\s+(?:and|or|y|o|e|et|ou|und|oder|en|och|eller|&)\s+)"
    rf"({_ORD})\b",
    _F,
)


def _stem_position(m: re.Match[str], stems: dict[str, int]) -> int:
    """The position of a stemmed ordinal: "второго" -> 1, "ilkinden" -> 0, "ostatnia" -> -1."""
    return stems[m.group(1).lower()] if m.group(1) else 0


def _word_position(word: str) -> int:
    """The position of an ordinal word: "second" -> 1, "9th" -> 8, "last" -> -1."""
    word = word.lower()
    return _ORDINALS[word] if word in _ORDINALS else max(0, int(word[:-2]) - 1)


def find_positions(text: str) -> list[int]:
    """Every position ``text`` names, in order, each once ("the first and the second", "the first and second",
    "первый и второй", "第一个和第二个" -> [0, 1])."""
    found: list[tuple[int, int]] = []
    for m in _ORDINAL_ZH.finditer(text):
        raw = m.group(1)
        found.append((m.start(), int(raw) - 1 if raw.isdigit() else _ZH_NUM[raw]))
    found += [(m.start(), -1) for m in _ORDINAL_ZH_LAST.finditer(text)]
    for m in _ORDINAL_JA_KO.finditer(text):
        raw = m.group(1) or m.group(2)
        position = int(raw) - 1 if raw.isdigit() else _JA_KO_NUM.get(raw, -2)
        if position >= 0:
            found.append((m.start(), position))
    for m in _ORDINAL_NUM.finditer(text):
        if int(m.group(1)) > 0:
            found.append((m.start(), int(m.group(1)) - 1))
    for pattern, stems in _STEMMED:
        found += [(m.start(), _stem_position(m, stems)) for m in pattern.finditer(text)]
    for m in _ORDINAL_WORD.finditer(text):
        found.append((m.start(), _word_position(m.group(1) or m.group(2) or m.group(3))))
        end = m.end()
        while joined := _JOINED.match(text, end):  # "the first and second"
            found.append((joined.start(1), _word_position(joined.group(1))))
            end = joined.end()
    return list(dict.fromkeys(position for _, position in sorted(found)))


def find_ordinal(text: str) -> int | None:
    """0-based position named in ``text`` ("the second one", "#2", "第二个"); -1 for "last"."""
    m = _ORDINAL_ZH.search(text)
    if m:
        raw = m.group(1)
        return int(raw) - 1 if raw.isdigit() else _ZH_NUM[raw]
    if _ORDINAL_ZH_LAST.search(text):
        return -1
    m = _ORDINAL_JA_KO.search(text)
    if m:
        raw = m.group(1) or m.group(2)
        return int(raw) - 1 if raw.isdigit() and int(raw) > 0 else _JA_KO_NUM.get(raw)
    m = _ORDINAL_NUM.search(text)
    if m and int(m.group(1)) > 0:  # "number 0" names no position
        return int(m.group(1)) - 1
    for pattern, stems in _STEMMED:
        if m := pattern.search(text):
            return _stem_position(m, stems)
    m = _ORDINAL_WORD.search(text)
    if m:
        return _word_position(m.group(1) or m.group(2) or m.group(3))
    return None


def is_ordinal_word(word: str) -> bool:
    """Whether ``word`` alone is an ordinal ("primero", "erste", "первого", "eerste", "الثاني"): a position, never
    the name of a product, so "más barato que el primero" asks for nothing new."""
    word = word.lower()
    return word in _ORDINALS or any(pattern.fullmatch(word) for pattern, _ in _STEMMED)
