"""Requests for things the shop does not sell ("recommend an iPhone"), found without a model.

A message that names no catalog value (colour, product type, group) and asks for a product (an
article or a verb of selling: "recommend an iPhone", "do you sell sofas?") is reduced to its
object: the request words around it are removed ("iPhone"). A message with context words
("something for a wedding", "a gift for my mum"), generic ones ("something", "clothes",
"outfit") or no product frame ("sale", "new arrivals") is left to the usual search. The object
is out of the catalog when all three hold:

- none of its words appears in a product name of the catalog;
- its text embedding is far from every value of the catalog's vocabulary (product types,
  garment groups, sections, index groups): below ``VOCABULARY_THRESHOLD``;
- its best text-search score over the articles is below ``ARTICLE_THRESHOLD``.

The thresholds were measured with the default multilingual USE embedder on the demo catalog:
non-clothing objects (iPhone, laptop, sofa, pizza, headphones, 手机) score at most 0.45 against
the vocabulary and 0.18 against the articles; clothing words the catalog lacks score higher on
at least one (tuxedo 0.51, school uniform 0.30 on the articles, beachwear 0.66). Without an
embedder (a catalog that has none) nothing is judged out of the catalog.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

from agent.popular_requests import asks_for_popular
from agent.scripts import HANGUL as _HANGUL
from agent.scripts import KANA as _KANA
from agent.vocabulary import singular, singular_forms
from reclmms.errors import ReclmmsError, describe_error

if TYPE_CHECKING:
    from agent.context import AgentContext

logger = logging.getLogger(__name__)

VOCABULARY_THRESHOLD = 0.45
ARTICLE_THRESHOLD = 0.2
MAX_OBJECT_WORDS = 4
SCOPE_FIELDS = ("product_type", "garment_group", "section", "index_group")

# Request words around the object, per language (lower case).
_REQUEST_WORDS = {
    "en": "a an the some any one new good nice best cheap recommend recommended suggest show find get give buy sell "
          "sells selling carry stock me us i i'm im i'd id am is are want wanted need would should shall may might "
          "must like love please can could will you do does have has got looking search searching order shop where "
          "what about how "
          "there here hi hello hey ok okay".split(),
    "es": "un una unos unas el la los las me recomienda recomiéndame recomiendame quiero busco buscando necesito "
          "comprar vendes venden tienes tienen hay por favor puedes dame muéstrame muestrame".split(),
    "fr": "un une des le la les me recommande recommandez recommande-moi je veux voudrais cherche besoin "
          "d'un d'une acheter vendez vends avez as vous tu montre montrez-moi s'il te plaît vous plaît".split(),
    "de": "ein eine einen einem der die das mir empfiehl empfehlen ich will möchte suche brauche kaufen verkauft "
          "verkaufen habt hast ihr du zeig zeige bitte kannst könnt können sie mal".split(),
    "pt": "um uma uns umas o os me recomende recomenda recomendar recomende-me quero procuro procurando preciso "
          "comprar vende vendem vocês você tem têm há por favor pode mostre mostra novo nova".split(),
    "it": "un uno una il lo gli le mi consigliami consiglia consigliare raccomanda raccomandami voglio vorrei cerco "
          "cercando ho bisogno di comprare vendete vendi avete hai c'è per favore puoi mostrami dammi nuovo nuova".split(),
    "nl": "een de het mij me raad aan aanraden wil wilt zoek zoeken nodig kopen verkopen verkoopt jullie hebben heb "
          "je alsjeblieft toon laat zien nieuwe".split(),
    "ru": "мне посоветуй посоветуйте порекомендуй порекомендуйте хочу ищу нужен нужна нужно купить продаёте "
          "продаете есть ли у вас покажи покажите пожалуйста новый новую".split(),
    "tr": "bir bana öner önerir misin önerin istiyorum arıyorum lazım satın al almak satıyor musunuz var mı "
          "lütfen göster yeni".split(),
    "pl": "poleć polecisz mi chcę szukam kupić sprzedajecie macie czy proszę pokaż nowy nową".split(),
    "sv": "rekommendera mig jag vill ha söker köpa säljer ni har en ett kan du visa".split(),
    "ar": "اقترح اقترحي لي أريد اريد أبحث ابحث عن هل تبيعون تبيع تبيعوا لديكم عندكم من فضلك أرني اشتري أشتري "
          "شراء أحتاج احتاج ممكن جديد".split(),
}
# A product is asked for with an article ("an iPhone") or a verb of selling ("do you sell sofas?"); in
# languages without articles, a verb of recommending or wanting ("посоветуй айфон", "اقترح لي آيفون").
_ARTICLES = {"a", "an", "un", "une", "ein", "eine", "einen", "einem", "una", "uno", "um", "uma", "een", "bir"}
_SELL = re.compile(r"\b(do you (have|sell|carry|stock)|have you got|sell|sells|selling|buy|vend\w*|compr\w*|"
                   r"achet\w*|verkauf\w*|kauf\w*|koop\w*|verko\w*|avete|avez-vous|tienen|tienes|têm|habt|empfehl\w*|"
                   r"poleć\w*|polecisz|sprzedaj\w*|kupić|chcę|rekommendera|säljer|köpa|прода\w*|купить|посоветуй\w*|"
                   r"порекомендуй\w*|хочу|öner\w*|istiyorum|satıyor\w*|اقترح\w*|أريد|اريد|تبيع\w*|اشتري|أشتري)\b",
                   re.IGNORECASE | re.UNICODE)
# Short requests are often detected as another language ("pizza": Italian): the lists are used together.
_ALL_REQUEST_WORDS = {word for words in _REQUEST_WORDS.values() for word in words}
# Words that give the object a context or make it generic: the request is left to the search.
_CONTEXT_WORDS = set(
    "for to with without that which who my your his her our their from at on in under over below above "
    "something anything everything stuff thing things clothes clothing outfit outfits look looks gift gifts "
    "present wear style styles fashion idea ideas item items product products piece pieces brand brands label "
    "para con sin algo ropa regalo pour avec sans quelque chose vêtements cadeau für mit ohne etwas kleidung "
    "geschenk com sem roupa roupas presente per senza qualcosa vestiti abbigliamento regalo voor met zonder iets "
    "kleding cadeau для с без что-нибудь что-то одежда одежду подарок için ile şey kıyafet giysi hediye "
    "مع بدون شيء ملابس هدية".split()
)
_ZH_REQUEST = re.compile(r"推荐|建议|给我|帮我|我想要|我想买|想要|想买|我要|买|找|有没有|有卖|卖|你们|吗|呢|请|一下|"
                         r"一部|一台|一个|一款|一件|一只|一双|个|部|台|款|的")
_ZH_FRAME = re.compile(r"一部|一台|一个|一款|一件|一只|一双|卖|买")
_ZH_CONTEXT = re.compile(r"东西|衣服|服装|礼物|什么|适合|穿|搭配")
# Japanese and Korean put the request after the object: "iPhoneをおすすめして", "아이폰 추천해줘".
_JA_REQUEST = re.compile(
    r"^(?:おすすめの|オススメの|お勧めの)?(?P<obj>.+?)\s*(?:を|が|は|って)?\s*(?:"
    r"(?:おすすめ|オススメ|お勧め|勧め)(?:して|する|を教えて|は)?|欲しい|ほしい|買いたい|売って(?:い)?ます|売ってる|"
    r"あります|ある|探して(?:い)?ます|探して)\s*(?:ください|下さい)?\s*(?:です)?\s*(?:か)?$"
)
_JA_CONTEXT = re.compile(r"服|洋服|プレゼント|ギフト|何か|なにか|似合|着る|コーデ|私|僕")
_KO_REQUEST = re.compile(
    r"^(?P<obj>.+?)\s*(?:을|를|이|가|은|는)?\s*(?:좀\s*)?(?:추천\s*(?:해\s*줘|해\s*주세요|해\s*줄래|해\s*주실래요|좀)?|"
    r"사고\s*싶어요|사고\s*싶어|사고\s*싶다|팔아요|파나요|팔아|있어요|있나요|있어|원해요|원해|보여\s*줘|보여\s*주세요)$"
)
_KO_CONTEXT = re.compile(r"옷|선물|뭐|무엇|어울리|입을|코디|저한테|나한테")
_WORD = re.compile(r"[\w'-]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
_PUNCT = re.compile(r"[\s,，。.!！?？~]+")


def _cjk_object(text: str, language: str) -> str | None:
    """The object of a Chinese, Japanese or Korean request, by the script of its own words."""
    plain = _PUNCT.sub(" ", text).strip()
    if _HANGUL.search(text):
        match, context = _KO_REQUEST.match(plain), _KO_CONTEXT
    elif _KANA.search(text) or language == "ja":
        match, context = _JA_REQUEST.match(plain), _JA_CONTEXT
    else:
        if language not in ("zh", "ja") or _ZH_CONTEXT.search(text) or not _ZH_FRAME.search(text):
            return None
        rest = _ZH_REQUEST.sub(" ", plain).strip()
        return rest if rest and len(rest) <= 12 and len(rest.split()) <= MAX_OBJECT_WORDS else None
    if match is None or context.search(text):
        return None
    obj = match.group("obj").strip()
    return obj if obj and len(obj) <= 12 and len(obj.split()) <= MAX_OBJECT_WORDS else None


_PURPOSE = re.compile(r"\s+(?:for|to|per|para|pour|für|voor|för|dla|için)\s+.*$", re.IGNORECASE | re.DOTALL)


def request_object(text: str, language: str) -> str | None:
    """What the message asks for, in the shopper's words ("recommend an iPhone" -> "iPhone"), or None
    when it is not framed as a product request, has context or generic words, or is long. Who or what
    it is for does not hide the object ("recommend an iPhone for my mom"). A request for what sells best ("los más
    vendidos": "vendidos" is a verb of selling) asks for no object."""
    if asks_for_popular(text):
        return None
    if _CJK.search(text):
        return _cjk_object(text, language)
    head = _PURPOSE.sub("", text)
    if head != text and head.strip():
        found = _latin_object(head)
        if found is not None:
            return found
    return _latin_object(text)


def _latin_object(text: str) -> str | None:
    words = _WORD.findall(text)
    kept = [w for w in words if w.lower() not in _ALL_REQUEST_WORDS]
    if not kept or len(kept) > MAX_OBJECT_WORDS or any(w.lower() in _CONTEXT_WORDS for w in kept):
        return None
    if any(w.lower() in ("one", "ones") for w in words):
        return None  # "a cute one": a shown product, not an object
    before = words[: words.index(kept[0])]
    if not any(w.lower() in _ARTICLES for w in before) and not _SELL.search(text):
        return None  # not framed as a product ("sale", "new arrivals", "maternity" are not objects)
    if not any(re.search(r"[^\W\d_]", w) for w in kept):  # "the 9th", numbers only
        return None
    return " ".join(kept)


def name_words(names: set[str]) -> set[str]:
    """The lower-case words (three letters or more) of product names."""
    return {w for name in names for w in _WORD.findall(name.lower()) if len(w) >= 3 and not w.isdigit()}


def _named_in_catalog(obj: str, catalog_words: set[str]) -> bool:
    for word in _WORD.findall(obj.lower()):
        if word in catalog_words or any(form in catalog_words for form in singular_forms(word)):
            return True
    return False


def catalog_object(ctx: AgentContext, text: str, language: str) -> str | None:
    """The object of a request that product names of the catalog name ("recommend an iPhone" where iPhone cases are
    sold): what to search for, rather than the whole request, whose other words lead elsewhere (chinos)."""
    obj = request_object(text, language)
    return obj if obj is not None and _named_in_catalog(obj, ctx.catalog_words) else None


async def unsold_object(ctx: AgentContext, text: str, language: str) -> str | None:
    """The object of a request the catalog has nothing like ("iPhone"), else None."""
    obj = request_object(text, language)
    if obj is None or _named_in_catalog(obj, ctx.catalog_words):
        return None
    head, _, last = obj.rpartition(" ")
    base = f"{head} {singular(last)}".strip()  # plurals sit closer to clothing words ("sofas" 0.50, "sofa" 0.44)
    try:
        closeness = await asyncio.to_thread(ctx.vocab.closeness, base, SCOPE_FIELDS)
        if closeness is None or closeness >= VOCABULARY_THRESHOLD:
            return None
        hits = await ctx.catalog.search_text(base, None, 1)
    except ReclmmsError as exc:
        logger.info("scope check skipped: %s", describe_error(exc))
        return None
    except Exception as exc:  # the check is an extra: it must not end the turn
        logger.warning("scope check failed: %s", describe_error(exc), exc_info=True)
        return None
    best = float(hits[0].score) if hits else 0.0
    logger.debug("scope of %r: vocabulary %.3f, articles %.3f", obj, closeness, best)
    return obj if best < ARTICLE_THRESHOLD else None
