"""Deterministic sentences built from a tool's result, said whatever the model writes.

- ``relaxation_note``: a search that found nothing for every filter and dropped some says so
  ("I have no black jackets; here are jackets in other colours.", "I found nothing similar that is
  red; here are the closest look-alikes."), and ``contradicted_terms``
  lists the words (any language) for the dropped values, which the prose may then not use; the
  same goes for a colour or product type the message named that none of the products has
  (``missing_values``: "vaqueros negros" answered with look-alikes of a photo that are dresses).
  Other languages name the catalog's values in their own words (``agent/terms.py``: "Ich habe keine
  Jacken in Schwarz; hier sind Jacken in anderen Farben.").
- ``photo_words_note``: products found by a photo's caption alone, in a shop that cannot compare photos,
  are said to match the words, not the photo.
- ``repeat_note``: a purchase history that shows an article once says how often it was bought.

They come from the tool result, never from the model, so they hold when the model is weak,
slow or down.
"""

from __future__ import annotations

from typing import Any

from agent.prompts import DEFAULT_LANGUAGE, Replies
from agent.terms import CatalogTerms, shipped_terms
from agent.tools import ToolOutput
from agent.vocabulary import VocabularyMapper
from catalog.models import Article
from catalog.money import format_price

# The filters a note describes, in the order of the words ("black jackets in Menswear").
_DESCRIBED = ("colour", "product_type", "index_group")
_UNCOUNTED = ("wear", "s")  # English types already plural or mass nouns ("Trousers", "Swimwear")
MAX_REPEAT_SENTENCES = 3


def plural(word: str) -> str:
    """The English plural of a catalog product type ("jacket" -> "jackets", "vest top" -> "vest tops")."""
    if "/" in word:
        return "/".join(plural(part) for part in word.split("/"))
    head, _, last = word.rpartition(" ")
    if last.endswith("ss") or last.endswith(("sh", "ch", "x", "z")):
        last += "es"
    elif last.endswith(_UNCOUNTED):
        pass
    elif len(last) > 1 and last.endswith("y") and last[-2] not in "aeiou":
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def describe(filters: dict[str, Any], language: str, replies: Replies, *, missing: bool = False,
             terms: CatalogTerms | None = None) -> str:
    """Catalog filter values as words: "black jackets in Menswear" in English, the language's own words
    elsewhere ("Jacken in Schwarz für Herren"; ``missing`` picks the form that follows "I have no",
    Russian "курток чёрного цвета"); the language's word for products when none are set."""
    colour, ptype, group = (filters.get(key) for key in _DESCRIBED)
    if language == "en":
        words = [str(colour).lower()] if colour else []
        words.append(plural(str(ptype).lower()) if ptype else replies.get(language, "any_products"))
        return " ".join(words) + (f" in {group}" if group else "")
    terms = terms or shipped_terms()
    if language in terms.languages:
        return terms.phrase(filters, language, missing=missing)
    words = [str(v) for v in (colour, ptype) if v] or [replies.get(language, "any_products")]
    return " ".join(words) + (f" ({group})" if group else "")


def _similar_wanted(requested: dict[str, Any], language: str, terms: CatalogTerms) -> str:
    colour, price = requested.get("colour"), requested.get("max_price")
    if language == "en":
        parts = [str(colour).lower()] if colour else []
        return " and ".join(parts + ([f"under {format_price(float(price), language)}"] if price else []))
    if language in terms.languages:
        return terms.wish(str(colour) if colour else None, float(price) if price else None, language)
    return ", ".join(([str(colour)] if colour else []) + ([f"≤ {format_price(float(price), language)}"] if price else []))


def relaxation_note(output: ToolOutput | None, language: str, replies: Replies,
                    terms: CatalogTerms | None = None) -> str:
    """What a relaxed search could not match and what its products still match; "" if nothing was relaxed."""
    if output is None or not output.articles or not output.extra.get("relaxed"):
        return ""
    terms = terms or shipped_terms()
    if language not in replies.languages:  # the sentence is the English one, so are its words
        language = DEFAULT_LANGUAGE
    requested = dict(output.extra.get("filters") or {})
    applied = dict(output.extra.get("applied") or {})
    relaxed = list(output.extra.get("relaxed") or [])
    if output.extra.get("source"):  # look-alikes of a product: nothing alike had the colour or price asked for
        note = replies.get(language, "similar_relaxed", wanted=_similar_wanted(requested, language, terms))
    elif not any(key in relaxed for key in _DESCRIBED):  # only filters a note does not name were dropped
        return replies.get(language, "relaxed", n=len(output.articles))
    else:
        wanted = describe(requested, language, replies, missing=True, terms=terms)
        kept = describe(applied, language, replies, terms=terms)
        key = "relaxed_colour" if relaxed == ["colour"] and applied.get("product_type") else "relaxed_other"
        note = replies.get(language, key, wanted=wanted, kept=kept)
    return terms.finish(note, language) if language in terms.languages else note


def _has(article: Article, field: str, value: str) -> bool:
    low = value.lower()
    if field == "colour":
        return low in ((article.colour or "").lower(), (article.colour_master or "").lower())
    return (getattr(article, field, None) or "").lower() == low


def missing_values(output: ToolOutput | None, requested: dict[str, str] | None) -> dict[str, str]:
    """The requested colour and product type (catalog values) that none of the output's products has."""
    if output is None or not output.articles:
        return {}
    return {field: value for field, value in (requested or {}).items()
            if field in ("colour", "product_type") and isinstance(value, str)
            and not any(_has(a, field, value) for a in output.articles)}


def contradicted_terms(output: ToolOutput | None, vocab: VocabularyMapper,
                       requested: dict[str, str] | None = None) -> set[str]:
    """Words for the filter values a search had to drop, and for the requested values none of the
    products has: the products are not these."""
    if output is None or not output.articles:
        return set()
    values = [(field, value) for field, value in (output.extra.get("relaxed_values") or {}).items()
              if field in _DESCRIBED and isinstance(value, str)]
    values += list(missing_values(output, requested).items())
    terms: set[str] = set()
    for field, value in values:
        terms |= vocab.surface_forms(field, value) | {value.lower()}
    return terms


def repeat_note(output: ToolOutput | None, articles: list[Article], language: str, replies: Replies) -> str:
    """How often the shown history articles were bought, for those bought more than once; "" if none."""
    if output is None or output.kind != "history":
        return ""
    counts = list(output.extra.get("counts") or [])
    names = [a.name for a in articles]
    # colours of one product share its name: "Essential shirt dress (Dark Red)" says which one was bought
    labels = [f"{a.name} ({a.colour})" if names.count(a.name) > 1 and a.colour else a.name for a in articles]
    sentences = [replies.get(language, "bought_times", name=label, count=count)
                 for label, count in zip(labels, counts, strict=False) if count > 1]
    return " ".join(sentences[:MAX_REPEAT_SENTENCES])


def photo_words_note(output: ToolOutput | None, language: str, replies: Replies) -> str:
    """That the products match the words sent with a photo, not the photo, which this shop cannot search by;
    "" otherwise."""
    if output is None or not output.articles or not output.extra.get("photo_words"):
        return ""
    return replies.get(language, "photo_words")
