"""Sentences in which the model says it found nothing, or that the shop lacks what was asked for.

When the products on screen are what was asked for (nothing relaxed, nothing missing), such a sentence
contradicts the cards ("К сожалению, я не могу найти футболки белые" above five white T-shirts), so the reply
leaves it out; the fixed notes say it instead when something really is missing. The phrases are those of the
16 reply languages, kept narrow: "no hay duda" or "問題ありません" say nothing of the sort.
"""

from __future__ import annotations

import re

_DENIALS = re.compile(
    r"\b(?:can(?:no|')t|could(?:n't| not)|unable to|wasn't able to|was not able to) (?:find|locate|see)\b|"
    r"\b(?:found|have|there are) no (?:matching |such |suitable )?(?:products?|items?|results?|matches)\b|"
    r"\bno (?:matching )?(?:products?|items?|results?) (?:match|found|were found|are available)\b|"
    r"找不到|没有找到|没找到|无法找到|不能找到|未找到|"
    r"\bno (?:pude|puedo|he podido|pudimos|encontr[ée]|encuentro|tenemos|tengo)\b(?: \w+)? ?(?:encontrar)?|"
    r"\bje n'ai (?:pas|rien) trouvé|\bje ne trouve (?:pas|aucun)|\bimpossible de trouver|\bn'avons pas trouvé|"
    r"\b(?:habe|konnte|kann) (?:ich )?(?:leider )?(?:keine|nichts)\b|\bnicht (?:gefunden|finden)\b|"
    r"не могу найти|не смог(?:ла)? найти|не нашл|не нашёл|не удалось найти|нет в (?:нашем )?каталоге|"
    r"見つかりません|見つけられません|見つかりませんでした|"
    r"찾을 수 없|찾지 못했|"
    r"\bnon (?:ho trovato|riesco a trovare|trovo|abbiamo)\b|"
    r"\bnão (?:encontrei|consigo encontrar|encontramos|temos)\b|"
    r"\b(?:kan|kon) (?:ik )?geen\b.*\bvinden\b|\bniet gevonden\b|"
    r"\b(?:hittade|hittar) (?:jag )?inga\b|\bkunde inte hitta\b|"
    r"لم أجد|لا أستطيع العثور|لم أتمكن من العثور|"
    r"bulamadım|bulamıyorum|bulunamadı|"
    r"nie (?:mogę|udało (?:mi )?się) znaleźć|nie znalazłe?m|"
    r"नहीं मिल|नहीं ढूंढ",
    re.IGNORECASE,
)


def denies_results(sentence: str) -> bool:
    """Whether ``sentence`` says nothing was found, or that the shop has none of what was asked for."""
    return _DENIALS.search(sentence) is not None
