"""Deterministic routing: the rules that decide most turns without a model.

Small models guess intents badly ("hi there!" -> history), so commands, greetings, history,
recommendations, "more like the second one", "cheaper", "in blue" and prices are matched
here, in several languages. ``classify`` returns ``None`` for the intent when no rule fires,
and the router then asks the model (JSON schema) or falls back to a plain search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.arabic import bare_forms
from agent.detail_questions import asks_about_it
from agent.foreign_customer import asks_for_another_customer
from agent.ordinals import find_ordinal, find_positions
from agent.popular_requests import asks_for_popular
from agent.prices import CURRENCY_WORDS, price_bounds
from agent.question_words import ASKS, OTHER_COLOURS, is_small_talk
from agent.refinement_words import REFINEMENT_WORDS as _REFINEMENT_WORDS

# The intents a model may name; the rules also decide "nothing_shown" (a follow-up with nothing shown yet).
INTENTS = ("search", "similar", "refine", "details", "history", "recommend", "greeting", "thanks", "help")

_F = re.IGNORECASE | re.UNICODE

_GREETING_WORDS = (
    r"(hi|hello|hey|hiya|yo|good (morning|afternoon|evening)|hola|buenas|bonjour|salut|hallo|"
    r"guten tag|ciao|olá|ola|hej|привет|здравствуйте|你好|您好|嗨|哈喽|哈啰|こんにちは|안녕하세요|안녕|"
    r"merhaba|selam|cześć|dzień dobry|नमस्ते|مرحبا|السلام عليكم|hoi|goedendag)"
)
_GREETING = re.compile(rf"^\s*{_GREETING_WORDS}(?=$|[\s,.!?~，。！？])", _F)
_THANKS = re.compile(r"^\s*(thanks|thank you|thx|ty|谢谢|多谢|感谢|gracias|merci|danke|grazie|obrigad[oa]|спасибо|ありがとう|"
                     r"dank je|dank u|bedankt|tack|teşekkür|teşekkürler|sağ ol|dziękuję|dzięki|धन्यवाद|शुक्रिया|"
                     r"شكرا|شكراً|감사합니다|고마워|고맙습니다)", _F)
# "what can you do?", also after a greeting ("hello, what can you do?", "hey there, how does this work?")
_HELP = re.compile(
    rf"^\s*(?:{_GREETING_WORDS}(?: there| everyone| bot)?[\s,.!~，。！、]*)?(?:/?help(?: me)?(?: please)?|"
    r"(?:can|could) you help(?: me)?|how (?:can|could) you help(?: me)?|what can you do(?: for me)?|what do you do|"
    r"what are you|who are you|how does (?:this|it) work|how do i use (?:this|you|it)|帮助|帮帮我|你能做什么|你会什么|"
    r"你是谁|你可以做什么|ayuda|¿?\s*qu[eé] puedes hacer|¿?\s*c[oó]mo funciona(?: esto)?|aide|"
    r"qu(?:e|'est-ce que) (?:peux-tu|pouvez-vous|tu peux|vous pouvez) faire|comment (?:ça|ca) marche|hilfe|"
    r"was kannst du(?: tun| machen)?|wie funktioniert (?:das|es)|cosa (?:sai|puoi) fare|che cosa puoi fare|"
    r"o que (?:você )?pode fazer|что ты умеешь|что вы умеете|何ができますか|何ができる|뭘 할 수 있어(?:요)?|"
    r"무엇을 할 수 있나요)\s*[?？!！.。]*\s*$", _F
)
_HISTORY = re.compile(
    r"(what (did|have) i (last |recently |just )?(buy|bought|order|ordered|purchase|purchased)|"
    r"what i (last|recently) (bought|ordered)|(my )?(last|latest|most recent|recent) (purchases?|orders?)|"
    r"was habe? ich (\w+ ){0,3}(gekauft|bestellt)|was ich (zuletzt|kürzlich) gekauft|(meine )?letzten? (käufe|kauf|bestellung)|"
    r"qu[eé] (he )?compr[eé]|qu[eé] he comprado|(lo )?último que compré|mis últimas compras|"
    r"qu'est-ce que j'ai acheté|qu'ai-je acheté|ce que j'ai acheté|mes derniers achats|mon dernier achat|"
    r"что я (\w+ ){0,3}(купил|купила|покупал|покупала|заказывал|заказывала)|мои (последние )?покупки|"
    r"我(上个月|这个月|本月|上周|这周|最近|上次|之前)?买了什么|最近买的|上次买的|"
    r"何を買|買ったもの|購入履歴|購入したもの|"
    r"my (past |previous |recent )?"
    r"(purchases|orders|order history|purchase history|shopping history)|purchase history|order history|"
    r"what i (bought|ordered)|i bought (before|last|recently)|我买过|买了什么|买过什么|购买记录|购买历史|"
    r"我的订单|历史订单|我之前买|mis compras|qué compré|que compré|mes achats|qu'ai-je acheté|"
    r"meine käufe|meine bestellungen|was habe ich gekauft|мои покупки|il mio ultimo acquisto|i miei (ultimi )?acquisti|"
    r"(che )?cosa ho comprato|minhas compras|minha última compra|o que (eu )?comprei|moje zakupy|co kupił[ae]m|"
    r"ne satın aldım|satın aldıklarım|구매 내역|뭐 샀|ماذا اشتريت|مشترياتي)",
    _F,
)
_RECOMMEND = re.compile(
    r"(recommend|suggest|for me\b|pick (something|for)|what should i (buy|wear|get|re-?order|re-?buy|order)|surprise me|"
    r"\b(buy|order) (\w+ )?again\b|"
    r"based on my|personal(ised|ized)?|any ideas|"
    r"推荐|建议|适合我|给我挑|recomi[eé]nd|recomend|recommande|conseill|para m[ií]\b|"
    r"empfiehl|empfehl|consiglia|рекоменд|おすすめ)",
    _F,
)
# The English ones: only an English request's other words are read for a subject (``_names_a_subject``).
_ENGLISH_RECOMMEND = re.compile(
    r"(recommend|suggest|for me\b|pick (something|for)|what should i|surprise me|based on my|personal|any ideas)",
    _F,
)
# Words of an English request for personal picks that name no subject of their own: with only these
# left besides the "recommend" words, the request is for the shopper's own picks ("what should I buy?",
# "recommend something for me"); any other word is a subject to search for ("a beach holiday", "a
# wedding next month", "a gift for my mom").
_PERSONAL_WORDS = frozenset(
    "i me my mine myself you your we us our a an the some any something anything everything things stuff "
    "item items product products clothes clothing outfit outfits look looks fashion style styles new good "
    "nice great cool best top few more other else please pls could can would will should shall do does "
    "did have has had be is are am was were get got go going to for of on at in with from by about based "
    "and or but so what which how why that this these those it its today now tonight right just also "
    "purchases purchase bought buy buying order orders history taste tastes like likes love personal "
    "personalised personalized pick picks choose surprise wear wearing idea ideas "
    # asking for re-buys ("recommend my favourites again", "what should I re-order?"): still the shopper's own picks
    "again once re-order reorder re-buy rebuy favourite favourites favorite favorites".split()
)
_LATIN_WORD = re.compile(r"[a-z][a-z'-]*")


# "for" and what it is for in other languages ("¿qué me recomiendas para la playa?", "für den Winter", "pour un
# mariage"): a subject, unless it is the shopper ("para mí", "für mich") or a day ("para hoy")
_FOREIGN_SUBJECT = re.compile(
    r"(?<!\w)(?:para|pra|pour|per|für|voor|för|dla|için)\s+"
    r"(?!(?:mí|mi|ti|me|moi|toi|mich|dich|mij|mig|mnie|siebie|nós|nosotros|nosotras|nous|uns|hoy|hoje|heute|"
    r"aujourd'hui|oggi|vandaag|idag|dzisiaj|bugün|mañana|demain|morgen|domani|amanhã|jutro|yarın|ahora|agora|"
    r"maintenant|jetzt|adesso|ora|nu|teraz|şimdi)(?!\w))"
    r"(?:(?:la|el|los|las|un|una|o|a|os|as|um|uma|le|les|une|il|lo|gli|den|die|das|ein|eine|einen|einem|de|het|"
    r"en|ett|mi|mis|mon|ma|mes|mein|meine|meinen|meinem|minha|meu|il mio|la mia)\s+)?[^\W\d_]{3,}", _F)


def _names_a_subject(text: str) -> bool:
    """A request for picks that also says what for ("any suggestions for a beach holiday?", "¿qué me recomiendas
    para la playa?")."""
    low = text.lower()
    if _FOREIGN_SUBJECT.search(low):
        return True
    if not low.isascii() or not _ENGLISH_RECOMMEND.search(low):
        return False  # "empfiehl mir etwas", "recommande-moi quelque chose": the shopper's own picks
    rest = _RECOMMEND.sub(" ", low)
    words = [w.strip("'-") for w in _LATIN_WORD.findall(rest)]
    # what is left of a word the "recommend" words were cut out of ("suggest|ions", "recommend|ation")
    return any(len(w) >= 3 and w not in _PERSONAL_WORDS and not _RECOMMEND_TAIL.fullmatch(w) for w in words)


_RECOMMEND_TAIL = re.compile(r"ions?|ed|s|ing|ation|ations|er|ers", _F)
_SIMILAR = re.compile(
    r"(more like|similar|like (this|that|these|those|it|the (first|second|third|fourth|fifth|last))|"
    r"looks? like|same style|alternatives?|类似|相似|差不多|一样的|像这|像第|同款|parecid|similaire|"
    r"comme (celui|celle|ça|le|la)\b|como (el|la|este|esta|ese|esa|o|a|os|as|esse|essa)\b|"
    r"come (il|la|lo|quell[oa]|quest[oa])\b|ähnlich|simil|mehr wie|so wie|"
    r"wie (das|die|der|den) (erste|zweite|dritte|letzte)|похож|как (у )?(перв|втор|трет|последн)|似た|似てる|類似)",
    _F,
)
_DETAILS = re.compile(
    r"(tell me (more )?about|more (info|information|details)|details|describe|what is the|"
    r"详情|详细|介绍一下|介绍|怎么样|más información|detalles|plus d'info|détails|mehr über|einzelheiten|"
    # "tell me about" in other languages: "háblame del primero y del segundo", "расскажи о первом"
    r"h[áa]blame|cu[ée]ntame|erz[äa]hl|parle-moi|parlami|dimmi|fale-me|fala-me|conte-me|расскажи|opowiedz|"
    r"vertel|ber[äa]tta|anlat|教えて|알려)",
    _F,
)
# "Cheaper" in the languages whose words need no special form (used by ``_CHEAPER`` and ``_COMPARATIVE``); Korean
# "X보다 싼" and Turkish "X-den ucuz" are "cheaper than X" without a word for "more" ("첫 번째보다 싼 거", "bundan ucuz").
_CHEAPER_WORDS = (r"más barat|günstiger|billiger|дешевле|mais barat|più economic|meno car|goedkoper|billigare|더 싼|"
                  r"더 저렴|보다\s*(?:더\s*)?싼|덜 비싼|أرخص|ارخص|بسعر أقل|بسعر اقل|أقل سعر|اقل سعر|daha ucuz|"
                  r"(?<=[^\W\d_])(?:dan|den|tan|ten)\s+ucuz|tańsz|सस्त|plus bon marché|meilleur marché")
_CHEAPER = re.compile(
    rf"(cheaper|less expensive|lower price|more affordable|budget|cheap|便宜|实惠|低价|moins ch[eè]r|安い|저렴한|(?<!비)싼|"
    rf"{_CHEAPER_WORDS})",
    _F,
)
# "Cheap" in a new request ("cheap dresses", "vestidos baratos", "billige Kleider", "robes pas chères"): the
# cheapest of the relevant products come first (``search_catalog``'s ``cheap``); ``_CHEAPER`` covers the rest.
_CHEAP = re.compile(
    r"(?<![^\W\d_])(inexpensive|affordable|low[- ]cost|barat[oa]s?|econ[oó]mic[oa]s?|billig\w*|günstig\w*|"
    r"preiswert\w*|pas ch[eè]re?s?|bon marché|дешёв\w*|дешев\w*|недорог\w*|economic[oi]|goedkop\w*|ucuz|tani\w*)"
    r"(?![^\W\d_])|便宜|实惠|平价|安い|安め|저렴|(?<!비)싼|رخيص",  # not "비싼" (expensive); "فستان رخيص"
    _F,
)

def is_price_word(word: str) -> bool:
    """Whether ``word`` says cheap or cheaper ("싼", "billiger", "便宜"): it names no kind, colour or group, and the
    vocabulary never matches it to one by meaning (the Korean "싼" came out as the product type Tie)."""
    return bool(_CHEAP.search(word) or _CHEAPER.search(word))


_MORE = re.compile(
    r"^\s*(show me more|more( options| please| of these| of them)?|any others?|other ones|something else|"
    r"next( ones| page)?|更多|还有吗|还有别的吗|换一批|más|plus|mehr|ещё|еще|(muéstrame|muestrame|enséñame) más|"
    r"(montre|montrez)-(moi|m'en|m’en) (plus|d'autres|d’autres)|(d'|d’)?autres|encore|"
    r"再看看|多给我看一些|给我看更多|看更多|再来一些|再来几件|还有其他的吗|还有其它的吗|"
    r"(zeig|zeige|zeigen sie)( mir)? (noch )?mehr|mehr davon|noch mehr|"
    r"(покажи|покажите)( мне)? (ещё|еще)|(ещё|еще) варианты|(mostre|mostra|me mostre)( mais| outros| outras)|"
    r"mais opções|outros|outras|mostrami (altri|altre|di più)|altri|altre|ancora|laat (meer|andere) zien|meer|"
    r"visa fler|fler|もっと見せて|他にも?ある|더 보여\s*줘|더 보여\s*주세요|다른 거|المزيد|أرني المزيد)\s*[?!.？！。]*\s*$",
    _F,
)
# "Please" at either end of a message ("show me more please", "请给我看更多", "أرني المزيد من فضلك"): left out before
# a message is matched as a whole (``_MORE``).
_PLEASE = re.compile(
    r"^\s*(?:please|pls|por favor|s'il (?:vous|te) pla[iî]t|bitte|пожалуйста|per favore|alsjeblieft|alstublieft|"
    r"tack|lütfen|proszę|من فضلك|لو سمحت|कृपया)(?![^\W\d_])[\s,，、!！.]*|^\s*(?:请|麻烦)|"
    r"[\s,，、]*(?:please|pls|por favor|s'il (?:vous|te) pla[iî]t|bitte|пожалуйста|per favore|alsjeblieft|"
    r"alstublieft|tack|lütfen|proszę|من فضلك|لو سمحت|お願いします|कृपया)(?=\s*[?!.？！。]*\s*$)",
    _F,
)
# "Cheaper" as a comparison with something shown ("cheaper ones", "anything cheaper?"), unlike "cheap" or "budget".
_COMPARATIVE = re.compile(
    rf"(cheaper|less expensive|lower[- ]price|more affordable|更便宜|便宜一?点|便宜些|moins cher|もっと安い|{_CHEAPER_WORDS})",
    _F,
)
# "Which one is the cheapest?" about the shown products: the details of the lowest-priced one, not cheaper ones.
# The articles begin words of their own ("o mais barato", the cheapest; not "algo mais barato", something cheaper).
_CHEAPEST = re.compile(
    r"(\bcheapest\b|最便宜|\b(?:el más barat[oa]|la más barata|le moins cher|la moins chère|das günstigste|"
    r"der günstigste|die günstigste|самый дешёвый|самый дешевый|самое дешёвое|самое дешевое|il più economico|"
    r"la più economica|o mais barato|a mais barata)|一番安い|가장 싼|제일 싼)",
    _F,
)
# Words that point back at products ("blue ones", "do you have it in red", "in blue", "but in black").
_ANAPHORA = re.compile(
    r"(^\s*(but |and |same |also |what about |how about )?in\s+\w|\b(ones?|them|it|these|those)\b|"
    r"^\s*(en|in|auf|em|på|w|in het|in de) \w+\s*[?!.]*\s*$)",
    _F,
)
# Words that point at the products shown ("blue ones", "do you have them in red"): a refinement even with
# other words in it ("blue ones with long sleeves").
_POINTER = re.compile(r"\b(ones?|them|these|those)\b", _F)


# A catalog article id: 10 digits (H&M's, with the leading 0 the cards print) or the 9 of the integer form.
_ARTICLE_ID = re.compile(r"(?<!\d)(\d{10}|\d{9})(?!\d)")
# An H&M product code: an article id's first 7 digits (all its colours), or the 6 of the integer form; a standalone
# run of digits (not the decimals of "0.050847" or part of a code such as "a12345678b"; "0512466,0512467" are two),
# unlike years (4 digits), sizes and prices (``_product_numbers``).
_PRODUCT_CODE = re.compile(r"(?<![0-9A-Za-z])(?<!\d\.)(\d{7}|\d{6})(?![0-9A-Za-z]|\.\d)")
# A mistyped article id: a digit or three too many ("05124660021"); 8 digits are more often a date ("20200915").
_TOO_LONG = re.compile(r"(?<![0-9A-Za-z])(\d{11,13})(?![0-9A-Za-z])")
# A currency right after or before a number: a price ("100000 руб", "€ 100000"), never a product code.
_CURRENCY_NEXT = re.compile(rf"\s*(?:{CURRENCY_WORDS}|[$€£¥₽])(?![^\W\d_])", _F)
_CURRENCY_BEFORE = re.compile(r"(?:R\$|US\$|[$€£¥₽])\s*$")
# "Like" an article in words ``_SIMILAR`` leaves to other contexts ("something like 0512466002").
_LIKE_ARTICLE = re.compile(
    r"\b(?:something|anything|others?|ones?|items?|things?|stuff)\s+like\b|vergelijkbaar|liknande|benzer|"
    r"podobn|مشابه|जैसा|जैसे|似た|みたいな|비슷한",
    _F,
)


@dataclass
class Classification:
    intent: str | None = None
    ordinal: int | None = None  # 0-based index into the shown products; -1 = last
    implied: bool = False  # no position named ("how much is it?"): ``ordinal`` is the product on show
    cheaper: bool = False
    more: bool = False  # "show me more": the same request, items not shown yet
    cheapest: bool = False  # "which one is the cheapest?": the lowest-priced of the shown products
    cheap: bool = False  # "cheap", "barato", "billig", "pas cher": the cheapest relevant products first
    max_price: float | None = None
    min_price: float | None = None
    foreign_customer: bool = False
    positions: list[int] = field(default_factory=list)  # "compare the first and the second": [0, 1]
    other_colours: bool = False  # "does the 3rd one come in other colours?": that product in its other colours
    signals: list[str] = field(default_factory=list)


def find_article_ids(text: str) -> list[str]:
    """The catalog article ids ``text`` names, as the catalog writes them (10 digits), in order, each once:
    "0512466002" as the product cards print it ("[0512466002]"), or "512466002", the Kaggle CSV's integer
    form. Only that shape counts: prices, sizes and counts ("under 30", "size 38", "2 dresses") are shorter."""
    return list(dict.fromkeys(f"{int(raw):010d}" for raw in _ARTICLE_ID.findall(text)))


def find_product_numbers(text: str) -> list[str]:
    """The product numbers ``text`` names, in order, each once: article ids as ``find_article_ids`` gives them
    (10 digits), product codes (7 digits: "0512466", or "512466", the integer form, for all colours of article
    0512466002) and numbers too long to be either, as typed ("05124660021", a digit too many)."""
    return list(dict.fromkeys(number for _, _, number in _product_numbers(text)))


def without_article_ids(text: str) -> str:
    """``text`` with its product numbers (``find_product_numbers``) left out, so that "cheaper than 0512466002"
    or "cheaper than 0512466" names no price."""
    for start, end, _ in sorted(_product_numbers(text), reverse=True):
        text = f"{text[:start]} {text[end:]}"
    return text


def _product_numbers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, number) of each product number in ``text``, in order. A code is a standalone run of digits
    that is no price: "0512466" always (no price begins with 0), "512466" unless it is a limit or has a currency
    ("under 100000", "100000 руб")."""
    found = [(m.start(), m.end(), f"{int(m.group(1)):010d}") for m in _ARTICLE_ID.finditer(text)]
    found += [(m.start(), m.end(), m.group(1)) for m in _TOO_LONG.finditer(text)]
    bounds = price_bounds(text)
    for m in _PRODUCT_CODE.finditer(text):
        price = not m.group(1).startswith("0") and (
            bool(_CURRENCY_NEXT.match(text, m.end()) or _CURRENCY_BEFORE.search(text[: m.start()]))
            or price_bounds(f"{text[: m.start()]} {text[m.end():]}") != bounds)
        if not price:
            found.append((m.start(), m.end(), f"{int(m.group(1)):07d}"))
    return sorted(found)


def wants_look_alikes(text: str) -> bool:
    """Whether a message that names an article asks for others like it ("more like 0512466002",
    "ähnlich wie …", "类似 …", "something like …") rather than for the article itself."""
    rest = without_article_ids(text)
    return bool(_SIMILAR.search(rest) or _LIKE_ARTICLE.search(rest))


# About products already shown, by position: comparing them, or what goes with one ("what would go well with the
# first one?", "compare the first and the second"): the products' details, never a search for the sentence.
_COMPARE = re.compile(r"(compar|differen|\bvs\.?\b|versus|which (one )?is better|比较|对比|区别|哪个好|vergleich|"
                      r"unterschied|différence|diferencia|сравни|разниц)", _F)
_ABOUT_SHOWN = re.compile(
    rf"{_COMPARE.pattern}|(go(es)? (well )?with|match(es)? with|pair (it )?with|wear (it )?with|搭配|passt zu|"
    r"kombinier|va (bien )?avec|combina)",
    _F,
)


def own_words(text: str) -> list[str]:
    """The words of ``text`` (lower case) that are not refinement words, digits or single letters: what
    may name a product ("cardigan" in "cardigan in beige"). Colours are left to the caller, which knows the
    catalog's. Text in Chinese, Japanese or Korean gives none (its words are not separated)."""
    if re.search(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af\u0900-\u097f]", text):  # Devanagari: vowel signs
        return []
    words = re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", text.lower())
    # an Arabic word also by its bare form ("باللون": "لون", "وأرخص": "أرخص", ``agent/arabic.py``)
    return [w for w in dict.fromkeys(words) if len(w) > 1 and w not in _REFINEMENT_WORDS
            and not any(form in _REFINEMENT_WORDS for form in bare_forms(w))]


def _follows_up(text: str, c: Classification, has_colour: bool) -> bool:
    """The message only changes or points at products shown before ("cheaper ones", "in blue", "show me more",
    "something similar"), rather than asking for something new ("cheap shirts", "blue")."""
    if c.more or _COMPARATIVE.search(text) or _SIMILAR.search(text):
        return True
    return (has_colour or c.max_price is not None) and bool(_ANAPHORA.search(text))


def classify(
    text: str, *, has_shown: bool, has_photo: bool, has_type: bool = False, has_colour: bool = False,
    names_product: bool = False,
) -> Classification:
    """Rule-based intent and modifiers for one user message.

    ``has_shown``: products were shown earlier in the conversation (so "the second one",
    "cheaper" and "in blue" can refer to them; without any, such a follow-up is "nothing_shown");
    ``has_type``/``has_colour``: the text names a
    catalog product type / colour (so "recommend a red dress" is a search, not a personal
    pick, and "red dress" after a list is a new search while "in blue" refines it);
    ``names_product``: the text has a word that is no colour or refinement word, catalog type or not
    ("cardigan in beige", "socks in black"): a new search, unless it points at the shown ones ("blue ones").
    """
    c = Classification()
    text = text.strip()
    c.ordinal = find_ordinal(text)
    c.max_price, c.min_price = price_bounds(text)
    c.cheaper = bool(_CHEAPER.search(text))
    c.cheap = c.cheaper or bool(_CHEAP.search(text))
    c.more = bool(_MORE.search(_PLEASE.sub("", text)))
    c.foreign_customer = asks_for_another_customer(text)
    # "show me more" is the whole message (``_MORE``), whatever its words: never a new item
    new_item = not c.more and (has_type or (names_product and not _POINTER.search(text)))
    words = len(re.findall(r"\w+", text)) if not re.search(r"[\u4e00-\u9fff]", text) else len(text) // 2
    if has_photo:
        c.intent = "similar"
        c.signals.append("photo")
        return c
    if _HISTORY.search(text):
        c.intent = "history"
    elif _HELP.search(text):
        c.intent = "help"
    elif _THANKS.search(text) and words <= 4:
        c.intent = "thanks"
    elif _GREETING.search(text) and words <= 4:
        c.intent = "greeting"
    elif _SIMILAR.search(text) and (has_shown or c.ordinal is not None):
        c.intent = "similar"
    elif c.ordinal is not None and not c.cheaper and (_DETAILS.search(text) or _ABOUT_SHOWN.search(text) or words <= 5
                                                      or ASKS.search(text) or len(find_positions(text)) > 1):
        c.intent = "details"  # "what material is the third one?", "¿de qué material es el tercero?"
        c.other_colours = bool(OTHER_COLOURS.search(text) or has_colour and ASKS.search(text))
        # "compare the first and the second", "how much are the first and the second?": each product named
        c.positions = positions if len(positions := find_positions(text)) > 1 else []
    elif has_shown and not new_item and c.ordinal is None and _CHEAPEST.search(text):
        c.intent, c.cheapest = "details", True
    elif has_shown and c.ordinal is None and not (has_type or has_colour or c.cheaper or c.more or c.max_price) \
            and asks_about_it(text, own_words(text)):  # "how much is it?", "what sizes?": the product on show
        c.intent, c.ordinal, c.implied = "details", 0, True
        c.other_colours = bool(OTHER_COLOURS.search(text))
    elif asks_for_popular(text) and c.max_price is None and c.min_price is None:
        # "what's popular?", "best sellers for men", "popular women's dresses", "was ist beliebt?": the store's
        # popular items, of the kind and colour named (``routing._plan``); with a price, a search
        c.intent = "recommend"
    elif _RECOMMEND.search(text) and not (has_type or has_colour):
        if _names_a_subject(text):  # "what should I wear to a wedding?": search for it, not the shopper's picks
            c.intent = "search"
            c.signals.append("subject")
        else:
            c.intent = "recommend"
    elif has_shown and not new_item and (c.cheaper or c.more or (has_colour and words <= 6) or (c.max_price is not None and words <= 6)
                                         or (has_colour or c.max_price is not None) and not names_product):
        c.intent = "refine"  # "not that one, show me the others in grey": only refinement words and a colour
    elif is_small_talk(text, opener=next((m.group(0) for m in (_THANKS.match(text), _GREETING.match(text)) if m), ""),
                       shopping=has_type or has_colour or c.max_price is not None or c.min_price is not None
                       or c.ordinal is not None or c.cheaper or c.more):
        c.intent = "thanks" if _THANKS.search(text) else "greeting"  # "hi! how are you?", "tell me a joke"
    elif not has_shown and not new_item and words <= 6 and _follows_up(text, c, has_colour):
        c.intent = "nothing_shown"  # "cheaper ones", "in blue", "more like this" with nothing to refer to
    c.signals.append(c.intent or "none")
    return c
