"""Which language to reply in: a packaged detector (lingua, no network) and the client's hints.

A detection is trusted only when it is confident: text in a script of its own (Chinese,
Japanese, Korean, Cyrillic, Arabic, Devanagari), or Latin text of at least ``MIN_WORDS`` distinct words whose
best language scores ``MIN_CONFIDENCE`` (``MIN_CONFIDENCE_LONG`` from ``LONG_WORDS`` words) or more and
``MIN_RATIO`` times the fallback's score (for short texts, also without any one of their words, unless
that word is the language's own: "bañador"). A text of up to three words that a lexicon of the catalog's words gives
to one language ("robe noire", "vestido negro") is that language unless lingua scores it far below another
(``LEXICON_SHARE``); a word that two languages share ("camisa") decides nothing between them, and an English word
("white robe") keeps the others from deciding. When lingua's first two are Spanish and Portuguese (``CLOSE_PAIRS``),
the lexicon's words of only one of the two decide, at any length ("busco un abrigo negro" is Spanish).
Everything else is no evidence: single words (fashion words such as "leggings", "jeans" or
"culottes" are the same in many languages, and lingua calls them Dutch, Swedish or French),
emoji, markup, links, digits, and a word said over and over (it counts once). Then the reply
follows, in order, the client's hint (Telegram's ``language_code``), the conversation's previous
language, and English, passing over a language of a script of its own (Chinese, Russian...) when the text is
several words of the Latin script ("best sellers for kids" after "红色连衣裙" is English). The thresholds were tuned on ``tests/agent/language_cases.py``.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from agent.scripts import HANGUL_ANY as _HANGUL
from agent.scripts import KANA as _KANA
from agent.scripts import OWN_SCRIPT_LANGUAGES, latin_word

logger = logging.getLogger(__name__)

# ISO 639-1 codes the assistant replies in. Templates exist for each (prompts/replies.toml).
SUPPORTED = ("en", "zh", "es", "fr", "de", "ru", "ja", "ko", "it", "pt", "nl", "sv", "ar", "tr", "pl", "hi")
DEFAULT_LANGUAGE = "en"

# Latin-script text switches away from the fallback only with this much evidence. On the evaluation
# set, other-language requests of 2+ words score 0.45-0.96 with the fallback (English) at 0.04 or
# less; English or loanword phrases that lingua gives to another language score at most 0.30
# ("cardigan in beige": Swedish 0.22), or hinge on one word ("leggings noirs": Dutch 0.52, because
# of "leggings"): texts of up to MAX_CHECKED_WORDS words must still beat the fallback without any
# one of their words.
MIN_WORDS = 2
MIN_CONFIDENCE = 0.4
# A sentence of this many distinct words or more is evidence at a lower score: lingua spreads short Spanish
# sentences over the Romance languages ("un regalo para mi madre": Spanish 0.39, Italian 0.25, English 0.05).
LONG_WORDS = 4
MIN_CONFIDENCE_LONG = 0.3
# A word that scores this much for one language on its own is that language's own ("bañador": Spanish 1.0),
# unlike a loanword ("leggings": Dutch 0.62), so a short text need not beat the fallback without it.
OWN_WORD_SCORE = 0.95
MIN_RATIO = 2.0
# A short text whose words are one language's own by the lexicon below ("vestido negro": Spanish "negro") is that
# language rather than lingua's first when lingua gives it this share of the first's score or more (Portuguese 0.48,
# Spanish 0.39); "Farbe des Kleides" stays German (0.65; French, by "des", 0.03).
LEXICON_SHARE = 0.33
# Languages close enough that lingua splits a short sentence between them ("busco un abrigo negro": Portuguese 0.46,
# Spanish 0.26): when they are its first two, the lexicon's words of only one of them decide ("busco", "negro").
CLOSE_PAIRS = (frozenset({"es", "pt"}),)
MAX_CHECKED_WORDS = 3
MAX_WORDS = 40  # distinct words given to the detector: enough for any language, bounded time

_HAN = re.compile(r"[\u4e00-\u9fff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S*", re.IGNORECASE)
_TAG = re.compile(r"</?[a-z!][^<>]{0,300}>", re.IGNORECASE)
_MENTION = re.compile(r"[@#/]\w+")
_WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


# Words of one language (or of a few), for messages too short for the detector ("Socken", "une robe",
# "zapatillas"): the shop's words for kinds of clothing (``agent.garments``) and a few articles and verbs.
# A word that is also a common English word is left out; one of two of these languages is listed for both. The kinds
# of ``agent.garments`` and the German colour forms below are read from there, not repeated in the lists.
_FUNCTION_WORDS = {
    "es": "una unos unas quiero busco necesito tienes recomiéndame recomiendame muéstrame muestrame enséñame enseñame parecido parecidos hola gracias".split(),
    "fr": "une des je cherche voudrais avez-vous montre-moi montrez-moi montre montrez similaire similaires merci bonjour".split(),
    "de": "eine einen einem ich suche möchte brauche habt zeig zeige zeigt mir ähnlich ähnliche ähnliches danke kleid".split(),
    "pt": "uma quero procuro preciso recomende recomenda mostre você vocês sapatos saia calça calças jaqueta obrigado obrigada olá".split(),
    "it": "consigliami consiglia voglio vorrei cerco mostrami avete scarpe giacca borsa pantaloni grazie ciao buongiorno".split(),
    "tr": "bir için arıyorum istiyorum bakıyorum lazım öner önerir göster elbise etek ceket gömlek kazak bana merhaba teşekkürler".split(),
    "pl": "szukam chcę potrzebuję poproszę pokaż polecisz macie dla sukienka spódnica spodnie kurtka czarne dziękuję poleć cześć".split(),
}
# German inflects the catalog's colour words ("rote Kleider", "schwarze Jacke"), and lingua finds such a short request
# too weak ("rote Kleider": German 0.37, Dutch 0.33) or hinging on one word ("schwarze Jacke"), so a request of
# two or three of them was answered in English. The colour stems are the synonym tables' (``agent/synonyms.py``);
# the kinds are their plurals and German's own forms ("rock", "hose", "mantel" and "hemd" are also English or
# Dutch words and stay out), with a few words that such requests carry ("unter 30 Euro", "für Damen").
_GERMAN_COLOUR_STEMS = "schwarz weiß weiss rot blau grün gelb grau braun".split()
_GERMAN_ENDINGS = ("", "e", "er", "es", "en", "em")
_GERMAN_CATALOG_WORDS = (
    "kleider kleidern jacke jacken hosen röcke mäntel schuhe bluse blusen damen herren für unter günstig günstige "
    "günstiger".split()
)
# French, Spanish, Italian, Dutch and Portuguese requests of the catalog's words ("robe noire", "camisa blanca",
# "witte jas") are as short, and lingua gives them to English or to a neighbour ("vestido negro": Portuguese 0.48,
# Spanish 0.39): their colours with their gender and plural endings, their kinds in their own forms and a few
# words such requests carry ("pas cher", "barato", "economico", "goedkoop", "para mujer"). A word of two of these
# languages is listed in both ("camisa", "azul", "vestido": Spanish and Portuguese; "rosa": Spanish, Italian and
# Portuguese; "lange": Dutch and German; "short", "jean", "pull": French and English) and so decides nothing between
# them. Common English words stay out ("wit", "rode", "gonna", "met", "per"), and so does "rok" (Polish: a year).
_CATALOG_WORDS = {
    "fr": "noir noire noirs noires blanc blanche blancs blanches rouge rouges bleu bleue bleus bleues vert verte "
          "verts vertes jaune jaunes gris grise grises marron violette violettes robe robes jupe jupes veste vestes "
          "pantalon pantalons chemise chemises chemisier chemisiers manteau manteaux chaussures blouson blousons "
          "sandales blouse short jean pull rose roses orange violet cher chère chers chères femme femmes homme "
          "hommes dames pour avec long longs longue longues courte courtes clair claire clairs claires foncé foncée "
          "foncés foncées".split(),
    "es": "negro negra negros negras blanco blanca blancos blancas rojo roja rojos rojas amarillo amarilla "
          "amarillos amarillas morado morada azul azules verde verdes gris grises marrón marrones marron rosa rosas "
          "vestido vestidos falda faldas camisa camisas camiseta camisetas chaqueta chaquetas abrigo abrigos "
          "pantalón pantalon pantalones zapatos blusa blusas vaqueros sudadera sudaderas bolsa bolsas ropa barato "
          "barata baratos baratas económico económica económicos económicas economico economica economicos mujer "
          "mujeres hombre hombres para corto corta cortos cortas largo larga largos largas claro clara claros "
          "claras oscuro oscura oscuros oscuras".split(),
    "it": "nero nera neri nere bianco bianca bianchi bianche rosso rossa rossi rosse blu verde verdi giallo gialla "
          "gialli gialle grigio grigia grigi grigie marrone marroni azzurro azzurra azzurri azzurre rosa gonne "
          "vestito vestiti camicia camicie cappotto cappotti maglione maglioni felpa felpe maglietta magliette "
          "abito abiti giubbotto giubbotti camicetta camicette blusa economico economica economici economiche donna "
          "donne uomo uomini lungo lunga lunghi lunghe corto corta corti corte largo larga chiaro chiara chiari "
          "chiare scuro scura scuri scure".split(),
    "nl": "zwart zwarte witte rood blauw blauwe groen groene geel gele grijs grijze bruin bruine roze oranje jurk "
          "jurken rokken broek broeken jas jassen jasje trui truien overhemd overhemden schoenen blouse "
          "spijkerbroek shirt shirts pink goedkoop goedkope voor dames heren korte lange lang donker donkere".split(),
    "pt": "preto preta pretos pretas branco branca brancos brancas vermelho vermelha vermelhos vermelhas amarelo "
          "amarela amarelos amarelas roxo roxa azul azuis verde verdes cinza marrom marrons rosa rosas vestido "
          "vestidos saias camisa camisas camiseta camisetas blusa blusas jaquetas casaco casacos tênis bolsa bolsas "
          "roupa roupas moletom barato barata baratos baratas económico económica económicos económicas econômico "
          "econômica econômicos econômicas economico economica economicos mulher mulheres homem homens para curto "
          "curta curtos curtas longo longa longos longas largo larga claro clara claros claras escuro escura "
          "escuros escuras".split(),
    "de": "rosa lange lang sandalen shirt shirts pink orange".split(),
}
# English words of such requests: a short text with one of them is not decided by another language's word ("white
# robe", "short dress"), but they do not make a text English on their own either.
_ENGLISH_WORDS = (
    "black white red blue green yellow grey gray brown pink purple orange rose roses violet dress dresses skirt "
    "skirts trousers pants coat coats jacket jackets shoes shirt shirts blouse blouses chemise blouson short jean "
    "pull silk cotton linen leather wool bath cheap cheaper for with under women men womens mens long".split()
)
# French words that are English too when a message is nothing else ("robe": a bathrobe); with another word they are
# French ("robe rose", "robe d'été").
_ENGLISH_ALONE = frozenset({"robe", "robes"})
# Kinds' words that are also another language's ("collant": French tights, "cinto" and "gorro": Spanish).
_NOT_OWN = {"hut", "armband", "sac", "collier", "brille", "schal", "medias", "gafas", "pijama", "pyjama", "bikini",
            "collant", "cinto", "gorro"}


@functools.cache
def _lexicon() -> dict[str, frozenset[str]]:
    """Each word of the lists above -> the languages it is a word of ("en" for ``_ENGLISH_WORDS``)."""
    from agent.garments import FOREIGN_TYPES_BY_LANGUAGE

    words: dict[str, set[str]] = {}
    german = [*_GERMAN_CATALOG_WORDS, *(stem + end for stem in _GERMAN_COLOUR_STEMS for end in _GERMAN_ENDINGS)]
    catalog = {**_CATALOG_WORDS, "de": [*german, *_CATALOG_WORDS["de"]], "en": _ENGLISH_WORDS}
    for code in (*_FUNCTION_WORDS, "nl", "en"):
        for word in [*_FUNCTION_WORDS.get(code, ()), *FOREIGN_TYPES_BY_LANGUAGE.get(code, {}), *catalog.get(code, ())]:
            if " " not in word and word not in _NOT_OWN:
                words.setdefault(word, set()).add(code)
    return {word: frozenset(codes) for word, codes in words.items()}


def lexicon_languages(words: list[str]) -> frozenset[str]:
    """The languages that every word of ``_lexicon`` in ``words`` is a word of: one ("camisa blanca": Spanish), or
    several when every word is the lexicon's ("camisa azul": Spanish and Portuguese). Empty when they disagree
    ("white robe") or English is among them."""
    if words and all(w in _ENGLISH_ALONE for w in words):
        return frozenset()
    lexicon = _lexicon()
    found = [lexicon[w] for w in words if w in lexicon]
    common = frozenset.intersection(*found) if found else frozenset()
    if "en" in common or (len(common) > 1 and len(found) < len(words)):
        return frozenset()
    return common


def _pair_words_language(words: list[str], first_two: frozenset[str]) -> str | None:
    """When lingua's first two languages are a ``CLOSE_PAIRS`` pair, the one of them that the lexicon's words of only
    one of the two point at ("busco un abrigo negro": Spanish "busco", "abrigo", "negro"; "camisa" is both and says
    nothing); None when no word, or words of both, tell them apart."""
    if first_two not in CLOSE_PAIRS:
        return None
    lexicon = _lexicon()
    sides = {side for w in words if len(pair := lexicon.get(w, frozenset()) & first_two) == 1 for side in pair}
    return next(iter(sides)) if len(sides) == 1 else None


def fallback_language(hint: str | None, previous: str | None, text: str | None = None) -> str:
    """The language to reply in when the text says nothing: the client's hint, the previous language, English.
    A ``text`` of ``MIN_WORDS`` or more words, all in the Latin script, is in none of the languages written in a
    script of their own ("best sellers for kids" after "红色连衣裙" is not Chinese): those are passed over."""
    passed_over = OWN_SCRIPT_LANGUAGES if text is not None and _latin_words(text) else frozenset()
    return next((code for code in (hint, previous) if code in SUPPORTED and code not in passed_over),
                DEFAULT_LANGUAGE)


def _latin_words(text: str) -> bool:
    """Whether ``text`` has ``MIN_WORDS`` or more words and every one of them is in the Latin script."""
    words = evidence_words(text)
    return len(words) >= MIN_WORDS and all(latin_word(word) for word in words)


def evidence_words(text: str) -> list[str]:
    """The distinct words of ``text`` (lower case, in order), without links, markup, mentions and digits."""
    text = _MENTION.sub(" ", _TAG.sub(" ", _URL.sub(" ", text)))
    return list(dict.fromkeys(word.lower() for word in _WORDS.findall(text)))


class LanguageDetector:
    """Wraps lingua with a script-based shortcut; build once per service (it loads models lazily)."""

    def __init__(self, min_confidence: float = MIN_CONFIDENCE, min_words: int = MIN_WORDS,
                 min_ratio: float = MIN_RATIO) -> None:
        self._min_confidence = min_confidence
        self._min_words = min_words
        self._min_ratio = min_ratio
        self._detector: Any = None
        self._by_lingua: dict[Any, str] = {}

    def load(self) -> None:
        """Build the detector and warm its models (about 2 s once; call it from a worker thread)."""
        if self._detector is not None:
            return
        try:
            from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
        except ImportError:  # pragma: no cover - lingua is a dependency
            logger.warning("lingua is not installed; language detection uses scripts only")
            self._detector = False
            return
        languages = []
        for code in SUPPORTED:
            lang = Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
            languages.append(lang)
            self._by_lingua[lang] = code
        self._detector = LanguageDetectorBuilder.from_languages(*languages).build()
        self._detector.compute_language_confidence_values("warm up the language models")

    def reply_language(self, text: str | None, *, hint: str | None = None, previous: str | None = None) -> str:
        """The language to answer ``text`` in: its own when that is clear, else the hint, the previous
        language or English (``fallback_language``)."""
        return self.detect(text, fallback=fallback_language(hint, previous, text), previous=previous)

    def detect(self, text: str | None, fallback: str = DEFAULT_LANGUAGE, previous: str | None = None) -> str:
        """The ISO 639-1 code of ``text`` when the detection is confident, else ``fallback`` (``previous``, the
        conversation's language, decides between Spanish and Portuguese when the fallback is neither)."""
        words = evidence_words(text or "")
        if not words:
            return fallback
        joined = " ".join(words[:MAX_WORDS])
        if _KANA.search(joined):
            return "ja"
        if _HANGUL.search(joined):
            return "ko"
        if _HAN.search(joined):
            return "ja" if fallback == "ja" else "zh"  # kanji alone may be Japanese
        if _CYRILLIC.search(joined):
            return "ru"
        if _ARABIC.search(joined):
            return "ar"
        if _DEVANAGARI.search(joined):
            return "hi"
        # a short message of one language's words ("Socken", "une robe") is that language; of words that two share
        # ("camisa azul"), one of the two (``_pick``)
        languages = lexicon_languages(words) if len(words) <= MAX_CHECKED_WORDS else frozenset()
        # words that Spanish and Portuguese share ("vestidos baratos"; lingua leans Portuguese): the client's language
        # or the conversation's of the two, else Spanish (more speakers)
        if languages == {"es", "pt"}:
            return next((code for code in (fallback, previous) if code in languages), "es")
        if len(words) < self._min_words:
            return self._pick(languages, fallback, [])
        self.load()
        if not self._detector:
            return self._pick(languages, fallback, [])
        values = self._detector.compute_language_confidence_values(joined)
        if not values:
            return self._pick(languages, fallback, [])
        best = values[0]
        code = self._by_lingua.get(best.language, fallback)
        if (own := _pair_words_language(words, self._first_two(values))) is not None:
            return own
        needed = min(self._min_confidence, MIN_CONFIDENCE_LONG) if len(words) >= LONG_WORDS else self._min_confidence
        if best.value < needed and not languages:  # lingua unsure of a longer one: the lexicon's words, if they agree
            languages = lexicon_languages(words[:MAX_WORDS])  # ("rotes Kleid ab 20 Euro")
        if code == fallback or best.value < needed or not self._beats(code, fallback, values):
            return self._pick(languages, fallback, values)
        if languages and code not in languages and self._close(self._pick(languages, fallback, values), values):
            return self._pick(languages, fallback, values)
        if len(words) <= MAX_CHECKED_WORDS:
            for i in range(len(words)):
                if self._own_word(words[i], code):
                    continue
                rest = " ".join(words[:i] + words[i + 1 :])
                if not self._beats(code, fallback, self._detector.compute_language_confidence_values(rest)):
                    return self._pick(languages, fallback, values)
        return code

    def _pick(self, languages: frozenset[str], fallback: str, values: list[Any]) -> str:
        """Of the languages the lexicon's words point at, the fallback, the only one or lingua's first; else the
        fallback."""
        if not languages or fallback in languages:
            return fallback
        if len(languages) == 1:
            return next(iter(languages))
        scores = {self._by_lingua.get(v.language): float(v.value) for v in values}
        ranked = sorted(sorted(languages), key=lambda code: scores.get(code, 0.0), reverse=True)
        return ranked[0] if scores.get(ranked[0], 0.0) > 0 else fallback

    def _first_two(self, values: list[Any]) -> frozenset[str]:
        """lingua's two best languages for a text whose sentence passes the long-text bar between them."""
        if len(values) < 2 or float(values[0].value) + float(values[1].value) < MIN_CONFIDENCE:
            return frozenset()
        return frozenset(self._by_lingua.get(v.language, "") for v in values[:2])

    def _close(self, code: str, values: list[Any]) -> bool:
        """Whether lingua gives ``code`` at least ``LEXICON_SHARE`` of its first language's score."""
        scores = {self._by_lingua.get(v.language): float(v.value) for v in values}
        return scores.get(code, 0.0) >= LEXICON_SHARE * float(values[0].value)

    def _own_word(self, word: str, code: str) -> bool:
        values = self._detector.compute_language_confidence_values(word)
        return bool(values) and self._by_lingua.get(values[0].language) == code and values[0].value >= OWN_WORD_SCORE

    def _beats(self, code: str, fallback: str, values: list[Any]) -> bool:
        scores = {self._by_lingua.get(v.language): float(v.value) for v in values}
        return scores.get(code, 0.0) >= self._min_ratio * scores.get(fallback, 0.0) and scores.get(code, 0.0) > 0
