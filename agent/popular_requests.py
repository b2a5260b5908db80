"""Requests for what the store sells most ("what's popular?", "best sellers", "was ist beliebt?", "热门"):
the store's popular items answer them, for a linked shopper as for one without an account, rather than
personal picks ("recommend_for_me" gets these requests from routing).
"""

from __future__ import annotations

import re

POPULAR_REQUEST = re.compile(
    r"(\bwhat'?s (new|popular|trending|hot)\b|\bwhat is (new|popular|trending|hot)\b|\bpopular\b|"
    r"\bbest[- ]?sell(er|ers|ing)\b|\btop[- ]?sell(er|ers|ing)\b|\btrending\b|\bnew arrivals?\b|"
    r"\bbeliebt|\bangesagt|\bbestseller|\bmeistverkauft|\bim trend\b|\bwas ist neu\b|"
    r"\bpopulaire|\btendance|\bmeilleures? ventes?\b|\bnouveaut[ée]s?\b|\bquoi de neuf\b|"
    r"\bm[aá]s vendid[oa]s?\b|\bpopular(es)?\b|\btendencia|\bnovedades\b|\bde moda\b|"
    r"热门|畅销|流行|最受欢迎|爆款|新品|人気|売れ筋|"
    r"популярн|хит(ы)? продаж|в тренде|новинк)",
    re.IGNORECASE,
)


def asks_for_popular(text: str) -> bool:
    """Whether ``text`` asks what is popular, selling best, trending or new in the store."""
    return bool(POPULAR_REQUEST.search(text or ""))
