"""A question about a detail of the product shown, with no position named: "how much is it?", "what is it made of?",
"what sizes?", "¿cuánto cuesta?", "welche Größen gibt es?". It is about the product on show (the first of several),
as "how much is the first one?" is, never a search for the question's words (``intents.classify``).
"""

from __future__ import annotations

import re

from agent.ordinals import find_positions

# Words of such a question besides the refinement words (``agent/refinement_words.py``): a message with another word
# of its own ("how much are the linen shirts?") asks about something else.
QUESTION_WORDS = frozenset("""
    how much cost costs made material fabric kind type sort fit fits price priced expensive does do is it this
    colour colours color colors colores colore colori cor cores цвет цвета цветах kolor kolory renk renkler
    cuánto cuanto cuesta cuestan vale valen qué hecho hecha tipo precio está
    combien ça ca coûte coute coûtent c'est est-ce quel quelle quels quelles matière prix fait
    wie viel kostet kosten was ist aus welche welcher welches preis stoff material gibt
    quanto costa costano che quale quali materiale di fatto fatta prezzo
    custa custam qual quais preço feito feita
    сколько стоит стоят какой какая какие из чего это цена
    ile kosztuje jaki jaka jakie czego cena ne kadar fiyatı fiyat hangi
""".split())
MAX_WORDS = 6


def asks_about_it(text: str, own_words: list[str]) -> bool:
    """Whether ``text`` asks for a detail (price, colour, material, kind or sizes) of the product on show and names
    nothing else: ``own_words``, its words that are no refinement words (``intents.own_words``), are all question
    words; CJK text (no words of its own) is short."""
    from agent.asked_detail import asked_detail  # it imports the tools, which import the intents

    if not asked_detail(text):
        return False
    if re.search(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", text):
        return len(text.strip()) <= 12
    return len(own_words) <= MAX_WORDS and all(word in QUESTION_WORDS or asked_detail(word) == "sizes" for word in own_words)


def detail_positions(text: str) -> list[int]:
    """The positions a question about a detail of several shown products names, in order ("how much are the first
    and the second?", "第一个和第二个多少钱？" -> [0, 1]); [] for a question about one product or about no detail."""
    from agent.asked_detail import asked_detail  # it imports the tools, which import the intents

    positions = find_positions(text) if asked_detail(text) else []
    return positions if len(positions) > 1 else []
