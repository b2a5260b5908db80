"""Words of questions about a shown product and of small talk, in several languages (``intents.classify``).

A message that names a shown product by its position and asks about it ("what material is the third one?")
is answered from that product's details; greetings, thanks and small talk that name nothing to shop for
("hi! how are you today?", "tell me a joke") are answered without a search.
"""

from __future__ import annotations

import re

_F = re.IGNORECASE | re.UNICODE

# A question about a product (used with a position: "what material is the third one?", "is the first one cotton?",
# "¿de qué material es el tercero?", "第三个是什么材质的？"): its details, never a search for the question's words.
ASKS = re.compile(
    r"([?？]|\b(what|which|is|are|does|do|how|material|fabric|made of|sizes?|fit|colou?rs?|cotton|wool|linen|"
    r"qué|que|cuál|cual|es|tiene|material|tela|talla|tallas|colores|algodón|"
    r"was|welche[rsmn]?|ist|hat|gibt|größen?|farben?|stoff|baumwolle|"
    r"quel|quelle|quels|quelles|est|matière|tailles?|couleurs?|coton|"
    r"что|какой|какая|какие|из чего|размер\w*|цвет\w*|ткань|хлопок)\b|"
    r"什么|哪|吗|材质|面料|尺码|尺寸|颜色|多少|何|素材|サイズ|色|ですか)",
    _F,
)
# "In other colours" about a shown product: the other colours of its product code.
OTHER_COLOURS = re.compile(
    r"(other colou?rs?|different colou?rs?|what colou?rs|which colou?rs|otros colores|otro color|qué colores|"
    r"andere[nr]? farben?|welche[nr]? farben?|autres couleurs|quelles couleurs|другие цвета|другом цвете|"
    r"каких цветах|其他颜色|别的颜色|什么颜色|哪些颜色|几种颜色|他の色|色違い|何色)",
    _F,
)
# Greetings, thanks and small talk ("hi! how are you today?", "tell me a joke", "расскажи анекдот"): said back to,
# with no search, when the message names nothing to shop for (the classifier's ``has_type``/``has_colour``/price and
# ``SHOPPING``).
SMALL_TALK = re.compile(
    r"(how are you|how's it going|how are things|what's up|whats up|tell me a joke|a joke|jokes?\b|who made you|"
    r"what is your name|what's your name|good night|goodbye|bye\b|see you|nice to meet you|you're great|"
    r"cómo estás|como estas|qué tal(?![^\W\d_])|cuéntame un chiste|un chiste|chiste|adiós|"
    r"comment (ça|ca) va|comment vas-tu|une blague|blague|au revoir|"
    r"wie geht'?s|wie geht es dir|einen witz|witz|tschüss|"
    r"как дела|как ты|анекдот|шутк|пока\b|"
    r"你好吗|最近怎么样|笑话|再见|お元気|元気ですか|冗談|ジョーク|さようなら)",
    _F,
)
# Words of a shopping request ("hi, I need a red dress", "hallo, ich suche …"): never small talk.
SHOPPING = re.compile(
    r"(need|looking for|look for|search|find|show|buy|want|wear|outfit|clothes|gift|price|cheap|"
    r"necesito|busco|quiero|muéstrame|comprar|cherche|besoin|montre|acheter|suche|brauche|zeig|kaufen|"
    r"ищу|нужн|покажи|купить|想买|找|要买|看看|買|探して|欲しい)",
    _F,
)


def is_small_talk(text: str, *, opener: str, shopping: bool) -> bool:
    """Greetings, thanks or small talk with nothing to shop for: "hi! how are you today?", "thanks a lot!",
    "tell me a joke"; never "hi, I need a red dress" (``shopping``: the message names a kind, a colour, a price
    or a shown product) or "hello, anything for a wedding?" (a greeting before words that are no small talk).
    ``opener``: the greeting or thanks the message starts with, "" for none."""
    if shopping or SHOPPING.search(text):
        return False
    if SMALL_TALK.search(text):
        return True
    rest = re.sub(r"[\W\d_]+", " ", text.strip()[len(opener):]).split()
    return bool(opener) and len(rest) <= 2 and not re.search(r"[\u4e00-\u9fff\u3040-\u30ff]", text)
