"""The grounding check: only products that a tool returned in this conversation reach the user.

Product cards are built from tool results, so the risk is in the prose. The model's text is
buffered sentence by sentence; a sentence is shown only after it passes the check, so no
ungrounded text is ever displayed. A sentence is dropped (and each offending mention counted)
when it names:

- a product id (10 digits) that no tool returned in this conversation;
- a catalog product name that no tool returned in this conversation;
- a quoted product name (“...”, "...", 「...」, **...**) that matches nothing returned;
- a well-known product that the shop does not sell (e.g. "recommend an iPhone");
- in English prose, an invented product name: capitalised words after "the" or "our" ending in a
  kind of garment, one of them a number or a word that is neither in a product name of the catalog,
  nor in what was shown or asked, nor a common describing word ("the Zorblax Ultra Jacket"; not "a
  Little Black Dress" or "your Go-To Summer Dress");
- a word the results contradict (``contradicted``): when a search had to drop a filter ("black"
  for a shop without black jackets), the prose must not call the products black;
- a kind of garment that none of the products shown is (``kinds``, ``agent/kind_words.py``): "Die erste rote
  Hose" above three dresses; such a sentence also ends the prose (``SentenceFilter.ended``), as the model
  is describing something else than what is shown;
- a price that none of the products shown has, when the turn's prices are given: any amount with cents
  ("R$ 30,00", "29.99"), and a whole amount with a currency ("30 евро", "100元") unless it is a shown
  price rounded either way or the shopper's own limit ("under 30 euros" after "under 30").
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from typing import TYPE_CHECKING, Any

from agent.prices import CURRENCY_WORDS

if TYPE_CHECKING:
    from agent.kind_words import KindCheck

_ID = re.compile(r"(?<!\d)\d{10}(?!\d)")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？…])[\"'”’)\]]*\s+|(?<=[。！？])|\n+")
# A sentence that ends in a colon leads in to what follows ("Here are three dresses:", "Voici trois robes :").
_LEAD_IN = re.compile(r"[:：][\s*_]*$")
_QUOTED = re.compile(r"“([^”]{2,60})”|\"([^\"]{2,60})\"|「([^」]{2,60})」|《([^》]{2,60})》|«([^»]{2,60})»|\*\*([^*]{2,60})\*\*")
_WORD = re.compile(r"[\w'-]+", re.UNICODE)
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# a web or mail address in the model's prose (outside a shown product's name): the shop's catalog is the only
# place products come from, so the sentence is not shown, as an ungrounded one is not (nor counted as one)
_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.]+\b|\b[\w-]+\.(?:com|net|org|io|shop|store)\b",
                      re.IGNORECASE)
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
_PRICE = re.compile(r"(?<![\d.,])(\d{1,6})[.,](\d{2})(?![\d]|[.,]\d)")
_CURRENCY = rf"(?:€|\$|£|¥|{CURRENCY_WORDS})"
# A currency with a price ("$44.99", "44,99 €", "USD 12.50", "44.99元"): the catalog's prices have none
# (catalog/money.py), so what the prose shows keeps the number only.
_CURRENCY_MARK = re.compile(rf"(?:R\$|US\$|[$€£¥￥₽]|\b(?:USD|EUR|GBP|RMB|CNY)\b)\s?(?=\d)"
                            rf"|(?<=\d)\s?(?:[$€£¥￥₽]|{CURRENCY_WORDS})(?![^\W\d_])", re.IGNORECASE)
_WHOLE_PRICE = re.compile(
    rf"(?:R\$|US\$|[$€£¥])\s*(\d{{1,6}})(?![\d]|[.,]\d)|(?<![\d.,])(\d{{1,6}})(?![.,]\d)\s*{_CURRENCY}(?![^\W\d_])",
    re.IGNORECASE,
)

# A run of capitalised words (or numbers) that may be a product name: "Zorblax 9000 Ultra Jacket"
_TITLE_RUN = re.compile(r"(?<![\w'-])(?:(?:[A-Z][\w'-]*|\d+)[ \t]+){1,5}[A-Z][A-Za-z'-]*(?![\w'-])")
# the English kinds of garment a name ends in (plurals with -s are found too)
KIND_WORDS = frozenset(
    "jacket coat dress shirt t-shirt tee top blouse sweater jumper cardigan hoodie sweatshirt trousers pants "
    "jeans shorts skirt leggings tights sock shoe sneaker trainer boot sandal heel loafer pump bag backpack "
    "handbag tote hat cap beanie scarf belt bra brief swimsuit bikini blazer vest gilet parka suit jumpsuit "
    "dungarees romper polo tank kimono poncho earring necklace bracelet sunglasses glove mitten anorak "
    "windbreaker raincoat overcoat trench tuxedo gown".split()
)
# words that start a sentence or a phrase, capitalised for that alone ("The Jacket", "Try Denim Jeans")
_LEADING = frozenset(
    "the a an this that these those our your my its i it and or but with for in on at to of we you they "
    "he she if so also both each every any some all here there try pair check consider choose pick buy get "
    "grab add wear go how what why yes no sure great perfect meet".split()
)

# the words before a product's own name ("the Zorblax Ultra Jacket", "our Velvora Dress")
_NAMING = frozenset({"the", "our"})
# Words that describe clothes rather than name one ("a Little Black Dress", "the Cozy Puffer Jacket")
DESCRIBING_WORDS = _LEADING | KIND_WORDS | frozenset(
    "little big new classic elegant cozy cosy chic casual formal floral printed print striped stripe plaid "
    "checked check puffer padded quilted oversized relaxed slim fitted loose cropped long short midi maxi mini "
    "light lightweight warm soft smart timeless versatile stylish trendy modern vintage retro basic essential "
    "everyday summer winter spring autumn fall holiday party evening office work weekend beach sporty active "
    "knit knitted chunky woven satin silk silky linen cotton wool woolen woollen cashmere leather faux suede "
    "denim velvet lace sheer ribbed pleated wrap button zip belted high low wide straight skinny flared "
    "bootcut tailored hooded waterproof windproof sleeveless strapless sleeve sleeved collar collared neck "
    "v-neck crew round black white red blue green yellow pink purple orange brown grey gray beige navy cream "
    "khaki olive burgundy gold silver ivory teal turquoise coral mint lilac lavender mustard tan camel "
    "charcoal dark light pale bright bold crisp flowy airy breezy comfy comfortable cute pretty lovely "
    "beautiful nice simple minimal statement signature iconic graphic sweet romantic boho utility cargo chino "
    "bomber biker trench pea jersey fleece thermal sport sports running yoga gym swim rain ski hiking kids "
    "baby men men's women women's mens womens ladies girls boys unisex perfect ideal great day night "
    "cold hot rainy sunny city travel outdoor indoor wedding date occasion dressy smart-casual two-piece "
    "one-piece slip shirt-dress tie-dye animal leopard polka dot dots go-to must-have staple bridesmaid guest "
    "date-night garden prom cocktail festival office-ready wardrobe capsule".split()
)

# Goods a clothing shop does not sell; mentioning one as an offer is never grounded.
FOREIGN_PRODUCTS = (
    "iphone", "ipad", "macbook", "airpods", "apple watch", "galaxy s", "pixel phone", "playstation",
    "xbox", "nintendo switch", "rolex", "tesla", "gucci", "louis vuitton", "prada", "nike air", "adidas",
    "苹果手机", "华为手机", "手机",
)


def turn_words(articles: Iterable[Any], text: str) -> set[str]:
    """The lower-case words of this turn that a name in its prose may be made of besides the catalog's
    product names: what the shown products are (name, colour, kind, description) and what the shopper wrote."""
    words: set[str] = set()
    for a in articles:
        for field in (a.name, a.colour, a.product_type, a.description, a.section, a.garment_group):
            words.update(w.lower() for w in _WORD.findall(field or ""))
    words.update(w.lower() for w in _WORD.findall(text))
    return words


WAIT = -1  # ``Grounding.inside_name``: the text may be a name still arriving


class Grounding:
    """What this conversation may mention: the ids and names that tools returned."""

    def __init__(self, grounded: dict[str, str], catalog_names: set[str] | None = None,
                 contradicted: Iterable[str] = (), prices: Iterable[float] | None = None,
                 limits: Iterable[float] = (), known_words: Container[str] | None = None,
                 language: str = "", turn_words: Container[str] = frozenset(),
                 kinds: KindCheck | None = None) -> None:
        self.ids = set(grounded)
        self._kinds = kinds
        # lower-case words a name may be made of: the catalog's product names (``known_words``, looked up in
        # place, never copied), this turn's (``turn_words``: the products shown, the shopper's words) and the
        # describing words; with them, invented names in English prose are found
        self._known = known_words if known_words is not None and language == "en" else None
        self._turn_words = turn_words
        self.names = {n.lower() for n in grounded.values() if n}
        self._catalog_names = catalog_names or set()  # case-sensitive, multi-word catalog names
        names = sorted((n for n in grounded.values() if n and len(n) >= 2), key=len, reverse=True)
        self._grounded_re = (re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE) if names else None)
        self._contradicted_re = _words_re(contradicted)
        self._dotted = [n for n in self.names if re.search(r"[.!?]\s*\S", n)]  # "henry polo. (1)", "func. sweet"
        self._cents = None if prices is None else {round(float(p) * 100) for p in prices}
        shown = [float(p) for p in prices or ()]
        self._whole = {w for p in shown for w in (int(p), int(p) + 1)} | {round(float(x)) for x in limits}

    def violations(self, sentence: str) -> int:
        """How many ungrounded product mentions ``sentence`` holds (0 = it may be shown)."""
        bad: set[str] = {found for found in _ID.findall(sentence) if found not in self.ids}
        for groups in _QUOTED.findall(sentence):
            quoted = next((g for g in groups if g), "").strip()
            if quoted and not self._is_grounded_name(quoted):
                bad.add(quoted.lower())
        low = sentence.lower()
        bad.update(word for word in FOREIGN_PRODUCTS if word in low)
        if self._cents is not None:
            bad.update(m.group(0) for m in _PRICE.finditer(sentence)
                       if int(m.group(1)) * 100 + int(m.group(2)) not in self._cents)
            bad.update(m.group(0) for m in _WHOLE_PRICE.finditer(sentence)
                       if int(m.group(1) or m.group(2)) not in self._whole)
        rest = self.without_names(sentence)
        bad.update(self._kinds.misnamed(rest) if self._kinds is not None else ())
        if self._contradicted_re is not None:
            bad.update(m.group(0).lower() for m in self._contradicted_re.finditer(rest))
        if self._known is not None:
            bad.update(self._invented_names(sentence))
        if self._catalog_names:
            words = _WORD.findall(rest)
            for n in (5, 4, 3, 2):
                for i in range(len(words) - n + 1):
                    gram = " ".join(words[i : i + n])
                    if gram in self._catalog_names and gram.lower() not in self.names:
                        bad.add(gram.lower())
        return len(bad)

    def without_names(self, sentence: str) -> str:
        """``sentence`` without the grounded names: they are fine, and so are the words inside them
        ("Italian wool sock", "Black-tie blazer", "Shirt dress")."""
        return self._grounded_re.sub(" | ", sentence) if self._grounded_re else sentence

    def inside_name(self, text: str, at: int) -> int | None:
        """Where the grounded name that ``text`` has across the sentence end at ``at`` ends ("Henry polo. (1)",
        "Func. Sweet rain jacket": a period inside a name ends no sentence); ``WAIT`` when the text so far may be
        such a name still arriving; None when it is none."""
        if self._grounded_re is not None:
            found = next((m.end() for m in self._grounded_re.finditer(text) if m.start() < at < m.end()), None)
            if found is not None:
                return found
        low = text.lower()
        for name in self._dotted:
            for k in (i for i, ch in enumerate(name[:-1]) if ch in ".!?"):
                if low[:at].endswith(name[: k + 1]) and name[k + 1 :].startswith(low[at:]):
                    return WAIT
        return None

    def misnamed(self, sentence: str) -> bool:
        """Whether ``sentence`` calls the products a kind of garment that none of them is."""
        return self._kinds is not None and bool(self._kinds.misnamed(self.without_names(sentence)))

    def _invented_names(self, text: str) -> set[str]:
        """Capitalised runs ending in a kind of garment with a word that no product name has."""
        found = set()
        for m in _TITLE_RUN.finditer(text):
            tokens = m.group(0).split()
            before = _WORD.findall(text[: m.start()])[-1:]
            # a particular product: "the Zorblax Jacket", "our Velvora Dress" (not "a Wedding Guest Dress")
            named = (before and before[0].lower() in _NAMING) or tokens[0].lower() in _NAMING
            while tokens and tokens[0].lower() in _LEADING:
                tokens.pop(0)
            if not named:
                continue
            last = tokens[-1].lower() if tokens else ""
            if len(tokens) < 2 or (last not in KIND_WORDS and last.removesuffix("s") not in KIND_WORDS):
                continue
            if any(t.isdigit() or not self._is_known(t.lower().removesuffix("'s")) for t in tokens[:-1]):
                found.add(" ".join(tokens).lower())
        return found

    def _is_known(self, word: str) -> bool:
        return (word in DESCRIBING_WORDS or word in self._turn_words
                or (self._known is not None and word in self._known))

    def _is_grounded_name(self, text: str) -> bool:
        low = text.lower()
        return any(low == n or low in n or n in low for n in self.names)


def _words_re(words: Iterable[str]) -> re.Pattern[str] | None:
    """Whole words (with a plural ending) in Latin or Cyrillic script, substrings in CJK."""
    parts = []
    for word in sorted({w.strip().lower() for w in words if w and w.strip()}, key=len, reverse=True):
        parts.append(re.escape(word) if _CJK.search(word) else rf"(?<!\w){re.escape(word)}(?:e?s)?(?!\w)")
    return re.compile("|".join(parts), re.IGNORECASE | re.UNICODE) if parts else None


class SentenceFilter:
    """Feed streamed chunks; get back whole sentences that passed the check.

    A sentence that leads in to what follows it ("Here are three dresses:") is held back until the next
    sentence passes; when that one is dropped, or nothing follows, the lead-in goes too, so that no reply ends
    in a colon that introduces nothing."""

    def __init__(self, grounding: Grounding) -> None:
        self._grounding = grounding
        self._buffer = ""
        self._lead_in = ""  # a passed sentence ending in a colon, shown with the next one that passes
        self.dropped = 0
        self.shown: list[str] = []
        self.ended = False  # a sentence named a kind of garment none of the products is: the rest is not shown

    def feed(self, chunk: str) -> list[str]:
        self._buffer += chunk
        out: list[str] = []
        start = 0
        while True:
            m = _SENTENCE_END.search(self._buffer, start)
            if not m or m.end() == 0:
                break
            name_end = self._grounding.inside_name(self._buffer, m.start())
            if name_end == WAIT:  # perhaps a product's name with a period inside: wait for the rest of it
                break
            if name_end is not None:  # a period inside a product's name: the sentence goes on after it
                start = name_end
                continue
            sentence, self._buffer = self._buffer[: m.end()], self._buffer[m.end() :]
            start = 0
            out.extend(self._check(sentence))
        return out

    def flush(self) -> list[str]:
        rest, self._buffer = self._buffer, ""
        out = self._check(rest) if rest.strip() else []
        self._lead_in = ""  # nothing follows it
        return out

    def _check(self, sentence: str) -> list[str]:
        if self.ended or not _LETTER.search(sentence):  # a bare list marker ("1.") or punctuation: nothing to show
            return []
        if _ADDRESS.search(self._grounding.without_names(sentence)):
            return []
        bad = self._grounding.violations(sentence)
        sentence = _CURRENCY_MARK.sub("", sentence)  # checked with its currency ("$30" is a price), shown without
        self.ended = bool(bad) and self._grounding.misnamed(sentence)
        lead_in, self._lead_in = self._lead_in, ""
        if bad:  # and what led in to it
            self.dropped += bad
            return []
        out = [lead_in] if lead_in else []
        if _LEAD_IN.search(sentence):
            self._lead_in = sentence
        else:
            out.append(sentence)
        self.shown.extend(out)
        return out


def check_text(text: str, grounded: dict[str, str], catalog_names: Iterable[str] = ()) -> tuple[str, int]:
    """The grounded part of a whole text and how many mentions were dropped."""
    f = SentenceFilter(Grounding(grounded, set(catalog_names)))
    kept = f.feed(text) + f.flush()
    return "".join(kept).strip(), f.dropped
