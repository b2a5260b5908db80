"""The grounding check: only products that a tool returned in this conversation reach the user.

Product cards are built from tool results, so the risk is in the prose. The model's text is
buffered sentence by sentence; a sentence is shown only after it passes the check, so no
ungrounded text is ever displayed. A sentence is dropped (and each offending mention counted)
when it names:

- a product id (10 digits) that no tool returned in this conversation;
- a catalog product name that no tool returned in this conversation;
- a quoted product name (“...”, "...", 「...」, **...**) that matches nothing returned;
- a well-known product that the shop does not sell (e.g. "recommend an iPhone");
- a word the results contradict (``contradicted``): when a search had to drop a filter ("black"
  for a shop without black jackets), the prose must not call the products black;
- a price that none of the products shown has, when the turn's prices are given: any amount with cents
  ("R$ 30,00", "29.99"), and a whole amount with a currency ("30 евро", "100元") unless it is a shown
  price rounded either way or the shopper's own limit ("under 30 euros" after "under 30").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.prices import CURRENCY_WORDS

_ID = re.compile(r"(?<!\d)\d{10}(?!\d)")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？…])[\"'”’)\]]*\s+|(?<=[。！？])|\n+")
_QUOTED = re.compile(r"“([^”]{2,60})”|\"([^\"]{2,60})\"|「([^」]{2,60})」|《([^》]{2,60})》|«([^»]{2,60})»|\*\*([^*]{2,60})\*\*")
_WORD = re.compile(r"[\w'-]+", re.UNICODE)
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
_PRICE = re.compile(r"(?<![\d.,])(\d{1,6})[.,](\d{2})(?![\d]|[.,]\d)")
_CURRENCY = rf"(?:€|\$|£|¥|{CURRENCY_WORDS})"
_WHOLE_PRICE = re.compile(
    rf"(?:R\$|US\$|[$€£¥])\s*(\d{{1,6}})(?![\d]|[.,]\d)|(?<![\d.,])(\d{{1,6}})(?![.,]\d)\s*{_CURRENCY}(?![^\W\d_])",
    re.IGNORECASE,
)

# Goods a clothing shop does not sell; mentioning one as an offer is never grounded.
FOREIGN_PRODUCTS = (
    "iphone", "ipad", "macbook", "airpods", "apple watch", "galaxy s", "pixel phone", "playstation",
    "xbox", "nintendo switch", "rolex", "tesla", "gucci", "louis vuitton", "prada", "nike air", "adidas",
    "苹果手机", "华为手机", "手机",
)


class Grounding:
    """What this conversation may mention: the ids and names that tools returned."""

    def __init__(self, grounded: dict[str, str], catalog_names: set[str] | None = None,
                 contradicted: Iterable[str] = (), prices: Iterable[float] | None = None,
                 limits: Iterable[float] = ()) -> None:
        self.ids = set(grounded)
        self.names = {n.lower() for n in grounded.values() if n}
        self._catalog_names = catalog_names or set()  # case-sensitive, multi-word catalog names
        names = sorted((n for n in grounded.values() if n and len(n) >= 2), key=len, reverse=True)
        self._grounded_re = (re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE) if names else None)
        self._contradicted_re = _words_re(contradicted)
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
        # grounded names are fine, and so are the words inside them ("Italian wool sock", "Black-tie blazer")
        rest = self._grounded_re.sub(" | ", sentence) if self._grounded_re else sentence
        if self._contradicted_re is not None:
            bad.update(m.group(0).lower() for m in self._contradicted_re.finditer(rest))
        if self._catalog_names:
            words = _WORD.findall(rest)
            for n in (5, 4, 3, 2):
                for i in range(len(words) - n + 1):
                    gram = " ".join(words[i : i + n])
                    if gram in self._catalog_names and gram.lower() not in self.names:
                        bad.add(gram.lower())
        return len(bad)

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
    """Feed streamed chunks; get back whole sentences that passed the check."""

    def __init__(self, grounding: Grounding) -> None:
        self._grounding = grounding
        self._buffer = ""
        self.dropped = 0
        self.shown: list[str] = []

    def feed(self, chunk: str) -> list[str]:
        self._buffer += chunk
        out: list[str] = []
        while True:
            m = _SENTENCE_END.search(self._buffer)
            if not m or m.end() == 0:
                break
            sentence, self._buffer = self._buffer[: m.end()], self._buffer[m.end() :]
            out.extend(self._check(sentence))
        return out

    def flush(self) -> list[str]:
        rest, self._buffer = self._buffer, ""
        return self._check(rest) if rest.strip() else []

    def _check(self, sentence: str) -> list[str]:
        if not _LETTER.search(sentence):  # a bare list marker ("1.") or punctuation: nothing to show
            return []
        bad = self._grounding.violations(sentence)
        if bad:
            self.dropped += bad
            return []
        self.shown.append(sentence)
        return [sentence]


def check_text(text: str, grounded: dict[str, str], catalog_names: Iterable[str] = ()) -> tuple[str, int]:
    """The grounded part of a whole text and how many mentions were dropped."""
    f = SentenceFilter(Grounding(grounded, set(catalog_names)))
    kept = f.feed(text) + f.flush()
    return "".join(kept).strip(), f.dropped
