"""Price limits in a shopper's words: "under 30", "no more than 25 euros", "sotto i 50 euro", "不超过100元".

A limit is a word of comparison next to a number: before it ("under 30", "menos de 30", "低于30") or
after it ("30 or less", "100元以内", "5000円以下"). A negation just before the word turns it around:
"no more than 25" and "不超过100" are a maximum, "no less than 20" a minimum. Currency symbols and
words around the number are allowed; the number is taken as it is, in the catalog's currency.
"""

from __future__ import annotations

import re

_AMOUNT = r"\d+(?:[.,]\d+)?"
# Currency words after an amount (also used by ``agent/grounding.py`` to tell a price in the prose).
CURRENCY_WORDS = (r"元|块|美元|欧元|刀|円|ユーロ|ドル|원|유로|달러|dollars?|euros?|eur|usd|kr|reais|rubles?|руб\w*|евро|"
                  r"долл\w*|tl|lira|zł|złotych|zl|रुपये|रुपए|रुपया|यूरो|يورو|دولار")
_CURRENCY = rf"(?:{CURRENCY_WORDS})"
# Words before the number: an upper limit, a lower limit.
_BEFORE_MAX = (
    r"under|below|less than|cheaper than|max(?:imum)?|up to|at most|within|menos de|hasta|por debajo de|"
    r"moins de|sous|jusqu'à|jusqu’à|au maximum|unter|bis|höchstens|maximal|sotto(?: (?:i|le|gli|ai))?|"
    r"meno di|fino a|al massimo|massimo|até|no máximo|abaixo de|onder de|onder|minder dan|tot|hoogstens|"
    r"poniżej|do|maksymalnie|أقل من|budget(?: of)?|with a budget of|"
    r"högst|дешевле|меньше|до"
)
_BEFORE_MIN = (
    r"over|above|more than|at least|min(?:imum)?|más de|desde|plus de|au moins|über|mindestens|ab|"
    r"più di|almeno|sopra|mais de|pelo menos|acima de|meer dan|minstens|boven|över|minst|дороже|больше|от"
)
_CJK_MAX = r"低于|少于|不到"
_CJK_MIN = r"高于|超过|至少"
_AFTER_MAX = (r"以下|以内|之内|まで|이하|이내|or less|or under|max|o menos|ou moins|oder weniger|o meno|ou menos|"
              r"of minder|altında|altı|से कम|तक")
_AFTER_MIN = r"以上|이상|or more|and up|o más|ou plus|oder mehr|o più|ou mais|of meer"

# A price is never read from inside a token ("customer_id=abc2ab2dc9c35": no "ab 2", from 2): the word before a
# number is not glued to letters or digits before it, and a number neither follows letters or digits nor runs on
# into them, but for a currency ("30euros", "30zł"). Chinese, Japanese and Korean write words and numbers together
# ("裙子100元以下"), so their characters may touch either.
_GLUED = r"[^\W\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
_NOT_AFTER = rf"(?<!{_GLUED})"
_STARTS = rf"(?<!{_GLUED})(?<!{_GLUED}[.,])"  # not "a12": nor the "5" of "2.5"
_ENDS = rf"(?:(?![.,]?{_GLUED})|(?={_CURRENCY}))"
_BOUND = re.compile(
    rf"(?:{_NOT_AFTER}(?P<before_max>{_BEFORE_MAX})(?![^\W\d_])|(?P<cjk_max>{_CJK_MAX}))\s*[$€£¥]?\s*"
    rf"(?P<a>{_AMOUNT}){_ENDS}"
    rf"|(?:{_NOT_AFTER}(?P<before_min>{_BEFORE_MIN})(?![^\W\d_])|(?P<cjk_min>{_CJK_MIN}))\s*[$€£¥]?\s*"
    rf"(?P<b>{_AMOUNT}){_ENDS}"
    rf"|{_STARTS}(?P<c>{_AMOUNT})\s*{_CURRENCY}?\s*(?:(?P<after_max>{_AFTER_MAX})|(?P<after_min>{_AFTER_MIN}))",
    re.IGNORECASE,
)
# "between 20 and 50", "entre 20 y 50", "от 20 до 50", "20到50元", "20-50 euros".
_RANGE = re.compile(
    rf"(?:(?<![^\W\d_])(?:between|entre|zwischen|tra|fra|tussen|mellan|от|from|de|von|da)\s+)?[$€£¥]?\s*"
    rf"{_STARTS}(?P<lo>{_AMOUNT})\s*{_CURRENCY}?"
    rf"\s*(?:and|y|et|und|e|en|och|до|to|à|a|bis|-|–|到|至|~)\s*[$€£¥]?\s*(?P<hi>{_AMOUNT}){_ENDS}\s*(?P<cur>{_CURRENCY})?",
    re.IGNORECASE,
)
_RANGE_WORD = re.compile(r"(?<![^\W\d_])(?:between|entre|zwischen|tra|fra|tussen|mellan|от)(?![^\W\d_])", re.IGNORECASE)

# A negation right before the word of comparison ("no more than", "not over", "pas plus de", "не дороже", "不超过").
_NEGATION = re.compile(r"(?:(?<![^\W\d_])(?:no|not|nicht|pas|non|não|niet|inte|не)\s+|不)$", re.IGNORECASE)


def price_bounds(text: str) -> tuple[float | None, float | None]:
    """``(max_price, min_price)`` that ``text`` asks for; None where it names none. The first limit of
    each kind counts; a range ("between 20 and 50", "20到50元") gives both."""
    text = _korean_amounts(text)
    ranged = _range(text)
    if ranged is not None:
        return ranged
    highest: float | None = None
    lowest: float | None = None
    for match in _BOUND.finditer(text):
        upper = bool(match.group("before_max") or match.group("cjk_max") or match.group("after_max"))
        if _NEGATION.search(text[max(0, match.start() - 6) : match.start()]):
            upper = not upper
        value = _number(match.group("a") or match.group("b") or match.group("c"))
        if upper and highest is None:
            highest = value
        elif not upper and lowest is None:
            lowest = value
    return highest, lowest


def _range(text: str) -> tuple[float, float] | None:
    """A range of prices: "between"-like word before it, or a currency after it ("20-50 euros", "20到50元")."""
    for match in _RANGE.finditer(text):
        if not (_RANGE_WORD.search(match.group(0)) or match.group("cur")):
            continue
        lo, hi = sorted((_number(match.group("lo")), _number(match.group("hi"))))
        return hi, lo
    return None


def _number(raw: str) -> float:
    return float(raw.replace(",", "."))


# Korean amounts count in ten thousands and thousands: "3만원" is 30,000 won, "5천원" 5,000.
_KO_UNITS = re.compile(r"(\d+(?:[.,]\d+)?)\s*(만|천)\s*(?=원)")


def _korean_amounts(text: str) -> str:
    return _KO_UNITS.sub(lambda m: str(round(_number(m.group(1)) * (10_000 if m.group(2) == "만" else 1_000))), text)


def just_below(price: float) -> float:
    """The highest price that is "cheaper than" ``price``: a cent less (26.99 -> 26.98), or a thousandth
    less for prices under 1, such as the H&M data's scaled ones (0.0169 -> 0.016883); no float noise."""
    step = 0.01 if price >= 1 else price * 0.001
    return round(price - step, 6)
