"""Explainable scoring of gathered candidates: a weighted sum of source scores.

score(article) = repurchase * sum_over_purchases 0.5 ** (age / repurchase_halflife)
               + variant    * 0.5 ** (age_of_sibling / variant_halflife) * (1 + log1p(recent sales))
               + copurchase * sum_over_seeds 0.5 ** (seed_age / variant_halflife) * co_buyers / (seed_buyers + smoothing)
               + popularity * decayed_sales / max_decayed_sales * (1 + affinity * share of the article's
                              index group in the customer's history)

Weights were tuned on the leave-last-day-out protocol over data before 2020-09-16 only
(see catalog/recsys/evaluation.py); the final week was never used to choose them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from catalog.recsys.candidates import Candidates


@dataclass(frozen=True, slots=True)
class Weights:
    repurchase: float = 1.0
    repurchase_halflife_days: float = 7.0
    repurchase_floor: float = 0.02
    repurchase_count_bonus: float = 0.1
    variant: float = 0.3
    variant_halflife_days: float = 14.0
    variant_unsold: float = 0.1
    copurchase: float = 0.05
    copurchase_smoothing: float = 5.0
    popularity: float = 0.02
    popularity_top: int = 100
    affinity: float = 1.0


@dataclass(frozen=True, slots=True)
class ScoredItem:
    article_id: str
    score: float
    sources: tuple[str, ...]
    reason: str


def _when(as_of: date, age_days: int) -> str:
    day = as_of - timedelta(days=age_days)
    if age_days <= 1:
        return "yesterday"
    if age_days < 7:
        return f"{age_days} days ago"
    return f"in {day.strftime('%B %Y')}"


def rank(c: Candidates, rid: int, w: Weights, k: int = 12) -> list[ScoredItem]:
    """The top ``k`` articles for request ``rid``, each with its sources and a one-line reason."""
    as_of = c.as_of[rid]
    hist = c.history.get(rid, [])
    score: dict[str, float] = {}
    parts: dict[str, dict[str, float]] = {}
    reasons: dict[str, dict[str, str]] = {}

    def add(aid: str, source: str, value: float, reason: str) -> None:
        if value <= 0:
            return
        score[aid] = score.get(aid, 0.0) + value
        parts.setdefault(aid, {})
        parts[aid][source] = parts[aid].get(source, 0.0) + value
        reasons.setdefault(aid, {}).setdefault(source, reason)

    # Repurchase: the most recent purchase sets the score; repeated purchases add a little.
    bought: dict[str, list[int]] = {}
    for h in hist:
        bought.setdefault(h.article_id, []).append(h.age_days)
    for aid, ages in bought.items():
        age = min(ages)
        value = (0.5 ** (age / w.repurchase_halflife_days) + w.repurchase_floor) * (
            1.0 + w.repurchase_count_bonus * (len(ages) - 1)
        )
        add(aid, "repurchase", w.repurchase * value, f"you bought this {_when(as_of, age)}")

    # Same product, another colour or variant.
    for aid, (via, age, sold) in c.variants.get(rid, {}).items():
        name = c.names.get(via, via)
        add(
            aid,
            "variant",
            w.variant * 0.5 ** (age / w.variant_halflife_days) * (w.variant_unsold + sold / (sold + 1.0)),
            f"another colour of the {name} you bought {_when(as_of, age)}",
        )

    # Co-purchase.
    for aid, links in c.copurchase.get(rid, {}).items():
        best = max(links, key=lambda x: x[2])
        value = sum(
            0.5 ** (age / w.variant_halflife_days) * n / (n_seed + w.copurchase_smoothing)
            for _, age, n, n_seed in links
        )
        add(aid, "copurchase", w.copurchase * value, f"often bought with the {c.names.get(best[0], best[0])}")

    # Popularity, favouring the customer's index groups.
    popular = c.popular.get(as_of, [])[: w.popularity_top]
    if popular:
        groups = Counter(h.index_group for h in hist if h.index_group)
        total = sum(groups.values()) or 1
        top = max(p[3] for p in popular) or 1.0
        for aid, _n7, _n, dec, ig, _pt in popular:
            share = groups.get(ig, 0) / total
            where = f" in {ig}" if share >= 0.5 and ig else ""
            add(
                aid,
                "popular",
                w.popularity * (dec / top) * (1.0 + w.affinity * share),
                f"popular{where} over the last two weeks",
            )

    order = sorted(score, key=lambda a: (-score[a], a))[:k]
    # Cold start or a thin history: fill up with the best sellers.
    for aid, _n7, _n, _dec, _ig, _pt in c.popular.get(as_of, []):
        if len(order) >= k:
            break
        if aid not in score:
            score[aid] = 0.0
            parts[aid] = {"popular": 0.0}
            reasons[aid] = {"popular": "popular over the last two weeks"}
            order.append(aid)
    out = []
    for aid in order:
        srcs = sorted(parts[aid], key=lambda s: -parts[aid][s])
        out.append(ScoredItem(aid, score[aid], tuple(srcs), reasons[aid][srcs[0]]))
    return out


# ---- baselines (the evaluation compares against these) -------------------------------------


def _pop_order(c: Candidates, as_of: date, days: int = 14) -> list[str]:
    popular = c.popular.get(as_of, [])
    col = 1 if days == 7 else 2
    return [p[0] for p in sorted(popular, key=lambda p: (-p[col], p[0]))]


def baseline_popular(c: Candidates, rid: int, k: int = 12) -> list[str]:
    """The 14-day best sellers before ``as_of``."""
    return _pop_order(c, c.as_of[rid])[:k]


def baseline_repurchase_popular(c: Candidates, rid: int, k: int = 12) -> list[str]:
    """The customer's past articles, most recent first, then the 14-day best sellers."""
    seen = list(dict.fromkeys(h.article_id for h in c.history.get(rid, [])))  # history is age-ordered
    return list(dict.fromkeys(seen + _pop_order(c, c.as_of[rid])))[:k]


def baseline_other_colours(c: Candidates, rid: int, k: int = 12) -> list[str]:
    """Other articles of the same product codes as past purchases, most recent sibling first."""
    variants = c.variants.get(rid, {})
    return sorted(variants, key=lambda a: (variants[a][1], -variants[a][2], a))[:k]
