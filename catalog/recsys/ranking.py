"""Explainable ranking of gathered candidates: a weighted sum of per-source features.

Each candidate article of a request gets a few features per source, and its score is
``sum(weight[f] * feature[f])``:

- **repurchase** (the customer bought it): recency ``0.5 ** (age / 7)`` and ``0.5 ** (age / 60)``,
  a presence flag, and ``log`` of the number of purchases;
- **variant** (same product code as something bought): the same two recencies of that purchase,
  a flag, and ``log1p`` of the variant's sales in the last 60 days (is it still sold?);
- **co-purchase**: sum over seed items of ``0.5 ** (seed_age / 30) * co_buyers / (seed_buyers + 5)``;
- **popularity**: decayed sales in the last 14 days over the day's best, and last-7-day sales;
- **profile affinity**: the share of the article's product type and index group in the history
  (and index group share times popularity).

The weights are a logistic regression fitted by ``bench/recs_tune.py`` on earlier folds only
(leave-last-day-out before cut-offs from 2019-11-01 to 2020-09-01, excluding every case of the
primary protocol); the 2020-09-16..22 evaluation week was never read to choose them. The largest
source contribution gives each recommendation its reason ("you bought this in May 2020").
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from catalog.recsys.candidates import Candidates

FEATURES = (
    "rep_recent",
    "rep_long",
    "rep_any",
    "rep_count",
    "var_recent",
    "var_long",
    "var_any",
    "var_sold",
    "co",
    "co_any",
    "pop",
    "pop_week",
    "pop_any",
    "pop_group",
    "type_share",
    "group_share",
)
SOURCE_OF = {"rep": "repurchase", "var": "variant", "co": "copurchase", "pop": "popular"}


@dataclass(frozen=True, slots=True)
class Weights:
    """One weight per feature (see the module docstring)."""

    rep_recent: float = 4.0
    rep_long: float = 2.0
    rep_any: float = 3.0
    rep_count: float = 0.3
    var_recent: float = 2.0
    var_long: float = 1.0
    var_any: float = 0.5
    var_sold: float = 0.8
    co: float = 2.0
    co_any: float = 0.5
    pop: float = 1.0
    pop_week: float = 1.0
    pop_any: float = 0.0
    pop_group: float = 0.5
    type_share: float = 1.0
    group_share: float = 0.5

    def vector(self) -> list[float]:
        d = asdict(self)
        return [float(d[f]) for f in FEATURES]


@dataclass(frozen=True, slots=True)
class ScoredItem:
    article_id: str
    score: float
    sources: tuple[str, ...]
    reason: str


def _when(as_of: date, age_days: int) -> str:
    if age_days <= 1:
        return "yesterday"
    if age_days < 7:
        return f"{age_days} days ago"
    return f"in {(as_of - timedelta(days=age_days)).strftime('%B %Y')}"


def features(c: Candidates, rid: int) -> tuple[list[str], list[list[float]], list[dict[str, str]]]:
    """Candidate ids of request ``rid``, their feature rows (in FEATURES order) and reasons per source."""
    as_of = c.as_of[rid]
    hist = c.history.get(rid, [])
    rows: dict[str, dict[str, float]] = {}
    reasons: dict[str, dict[str, str]] = {}

    def put(aid: str, source: str, values: dict[str, float], reason: str) -> None:
        rows.setdefault(aid, {}).update(values)
        reasons.setdefault(aid, {}).setdefault(source, reason)

    bought: dict[str, list[int]] = {}
    for h in hist:
        bought.setdefault(h.article_id, []).append(h.age_days)
    for aid, ages in bought.items():
        age = min(ages)
        put(
            aid,
            "repurchase",
            {
                "rep_recent": 0.5 ** (age / 7),
                "rep_long": 0.5 ** (age / 60),
                "rep_any": 1.0,
                "rep_count": math.log(len(ages)),
            },
            f"you bought this {_when(as_of, age)}",
        )
    for aid, (via, age, sold) in c.variants.get(rid, {}).items():
        put(
            aid,
            "variant",
            {
                "var_recent": 0.5 ** (age / 7),
                "var_long": 0.5 ** (age / 60),
                "var_any": 1.0,
                "var_sold": math.log1p(sold),
            },
            f"another colour of the {c.names.get(via, via)} you bought {_when(as_of, age)}",
        )
    for aid, links in c.copurchase.get(rid, {}).items():
        best = max(links, key=lambda x: x[2])
        value = sum(0.5 ** (age / 30) * n / (n_seed + 5.0) for _, age, n, n_seed in links)
        put(
            aid,
            "copurchase",
            {"co": value, "co_any": 1.0},
            f"often bought with the {c.names.get(best[0], best[0])}",
        )

    groups = Counter(h.index_group for h in hist if h.index_group)
    types = Counter(h.product_type for h in hist if h.product_type)
    n_hist = max(1, len(hist))
    popular = c.popular.get(as_of, [])
    if popular:
        top = max(p[3] for p in popular) or 1.0
        top7 = math.log1p(max(p[1] for p in popular)) or 1.0
        for aid, n7, _n, dec, ig, _pt in popular:
            share = groups.get(ig, 0) / n_hist
            where = f" in {ig}" if share >= 0.5 and ig else ""
            put(
                aid,
                "popular",
                {
                    "pop": dec / top,
                    "pop_week": math.log1p(n7) / top7,
                    "pop_any": 1.0,
                    "pop_group": share * dec / top,
                },
                f"popular{where} over the last two weeks",
            )
    aids = sorted(rows)
    matrix = []
    for aid in aids:
        ptype, ig = c.attrs.get(aid, ("", ""))
        row = rows[aid]
        row["type_share"] = types.get(ptype, 0) / n_hist
        row["group_share"] = groups.get(ig, 0) / n_hist
        matrix.append([row.get(f, 0.0) for f in FEATURES])
    return aids, matrix, [reasons[a] for a in aids]


def rank(c: Candidates, rid: int, w: Weights, k: int = 12) -> list[ScoredItem]:
    """The top ``k`` articles for request ``rid``, each with its sources and a one-line reason."""
    aids, matrix, reasons = features(c, rid)
    vec = w.vector()
    scored = []
    for aid, row, why in zip(aids, matrix, reasons, strict=True):
        contrib: dict[str, float] = {}
        for f, x, wt in zip(FEATURES, row, vec, strict=True):
            if x:
                src = SOURCE_OF.get(f.split("_")[0])
                if src:
                    contrib[src] = contrib.get(src, 0.0) + wt * x
        total = sum(x * wt for x, wt in zip(row, vec, strict=True))
        srcs = tuple(sorted(why, key=lambda s: -contrib.get(s, 0.0)))
        scored.append(ScoredItem(aid, total, srcs, why[srcs[0]]))
    scored.sort(key=lambda s: (-s.score, s.article_id))
    return scored[:k]


# ---- baselines (the evaluation compares against these) -------------------------------------


def _pop_order(c: Candidates, as_of: date) -> list[str]:
    popular = c.popular.get(as_of, [])
    return [p[0] for p in sorted(popular, key=lambda p: (-p[2], p[0]))]


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
