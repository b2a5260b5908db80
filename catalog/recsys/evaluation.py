"""Offline evaluation of the recommender (and its baselines) on Kaggle-format data.

Protocols, all "as of" the scored day (nobody's transactions on or after it are used):

- **primary**: leave-last-purchase-day-out. Every customer with >= 2 distinct purchase days;
  predict the articles bought on their last day, as of that day.
- **before the evaluation week**: the primary protocol on transactions before
  ``EVAL_WEEK_START`` only (a check that the final week adds nothing to the primary figure).
  Weights are tuned on earlier folds, see bench/recs_tune.py.
- **final week**: customers buying in 2020-09-16..2020-09-22, predicted as of 2020-09-16
  (the Kaggle setting; it is never used for tuning).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import duckdb

from catalog.recsys.candidates import Candidates
from catalog.recsys.engine import RecEngine, RecRequest
from catalog.recsys.learned import TreeRanker
from catalog.recsys.metrics import average_precision, hit, paired_ratio_interval
from catalog.recsys.ranking import (
    Weights,
    baseline_other_colours,
    baseline_popular,
    baseline_repurchase_popular,
    rank,
)

logger = logging.getLogger(__name__)

EVAL_WEEK_START = date(2020, 9, 16)
EVAL_WEEK_END = date(2020, 9, 22)
K = 12


@dataclass(frozen=True, slots=True)
class Case:
    customer_id: str
    as_of: date
    truth: frozenset[str]


@dataclass(frozen=True, slots=True)
class Score:
    method: str
    map12: float
    hr12: float
    users: int
    aps: tuple[float, ...] = ()  # AP@12 of each case, in the order of the cases


def leave_last_day_cases(conn: duckdb.DuckDBPyConnection, before: date | None = None) -> list[Case]:
    """Customers with >= 2 distinct purchase days (counting only days before ``before``)."""
    cur = conn.cursor()
    try:
        rows = cur.execute(
            """WITH t AS (SELECT customer_id, article_id, t_dat FROM transactions
                          WHERE ?::DATE IS NULL OR t_dat < ?::DATE),
            d AS (SELECT customer_id, max(t_dat) AS last FROM t GROUP BY ALL HAVING count(DISTINCT t_dat) >= 2)
            SELECT d.customer_id, d.last, list(DISTINCT t.article_id ORDER BY t.article_id)
            FROM d JOIN t ON t.customer_id = d.customer_id AND t.t_dat = d.last
            GROUP BY ALL ORDER BY d.customer_id""",
            [before, before],
        ).fetchall()
    finally:
        cur.close()
    return [Case(c, d, frozenset(a)) for c, d, a in rows]


def window_cases(conn: duckdb.DuckDBPyConnection, start: date, end: date) -> list[Case]:
    """Customers buying in ``start..end`` (inclusive), predicted as of ``start``."""
    cur = conn.cursor()
    try:
        rows = cur.execute(
            """SELECT customer_id, list(DISTINCT article_id ORDER BY article_id) FROM transactions
            WHERE t_dat >= ? AND t_dat <= ? GROUP BY ALL ORDER BY customer_id""",
            [start, end],
        ).fetchall()
    finally:
        cur.close()
    return [Case(c, start, frozenset(a)) for c, a in rows]


Ranker = Callable[[Candidates, int], list[str]]


def _ours(weights: Weights, model: TreeRanker | None = None) -> Ranker:
    return lambda c, rid: [s.article_id for s in rank(c, rid, weights, K, model)]


BASELINES: dict[str, Ranker] = {
    "repurchase + 14-day popularity": lambda c, rid: baseline_repurchase_popular(c, rid, K),
    "other colours of past items": lambda c, rid: baseline_other_colours(c, rid, K),
    "14-day popularity": lambda c, rid: baseline_popular(c, rid, K),
}


def score_rankers(cands: Candidates, cases: Sequence[Case], rankers: dict[str, Ranker]) -> list[Score]:
    out = []
    for name, ranker in rankers.items():
        preds = [ranker(cands, rid) for rid in range(len(cases))]
        aps = [average_precision(p, case.truth, K) for p, case in zip(preds, cases, strict=True)]
        hits = [hit(p, case.truth, K) for p, case in zip(preds, cases, strict=True)]
        n = max(1, len(cases))
        out.append(Score(name, sum(aps) / n, sum(hits) / n, len(cases), tuple(aps)))
    return out


def evaluate(
    engine: RecEngine, cases: Sequence[Case], weights: Weights | None = None, baselines: bool = True
) -> tuple[list[Score], float]:
    """Scores of our ranking (and the baselines) on ``cases``; also the seconds taken."""
    t0 = time.perf_counter()
    cands = engine.candidates([RecRequest(c.customer_id, c.as_of) for c in cases])
    rankers: dict[str, Ranker] = {"palr (ours)": _ours(weights or engine.weights, engine.ranker)}
    if engine.ranker is not None:
        rankers["palr, hand-set weights"] = _ours(weights or engine.weights)
    if baselines:
        rankers.update(BASELINES)
    scores = score_rankers(cands, cases, rankers)
    return scores, time.perf_counter() - t0


def versus_best_baseline(scores: Sequence[Score], ours: str = "palr (ours)") -> dict[str, object] | None:
    """Our MAP@12 over the best baseline's, with a 95% paired bootstrap interval of that ratio: the
    cases are few, and one refit moves the ratio by several percent. None without both methods."""
    mine = next((s for s in scores if s.method == ours), None)
    bases = [s for s in scores if s.method in BASELINES]
    if mine is None or not bases:
        return None
    best = max(bases, key=lambda s: s.map12)
    interval = paired_ratio_interval(mine.aps, best.aps)
    return {
        "baseline": best.method,
        "ratio": round(mine.map12 / best.map12, 3) if best.map12 > 0 else None,
        "ratio_ci95": [round(interval[0], 3), round(interval[1], 3)] if interval else None,
    }


def run_protocols(engine: RecEngine) -> dict[str, object]:
    """Primary, before-the-evaluation-week and final-week results as a JSON-ready dict."""
    report: dict[str, object] = {}
    for name, cases in (
        ("primary", leave_last_day_cases(engine.connection)),
        ("primary_before_2020_09_16", leave_last_day_cases(engine.connection, before=EVAL_WEEK_START)),
        ("final_week", window_cases(engine.connection, EVAL_WEEK_START, EVAL_WEEK_END)),
    ):
        scores, seconds = evaluate(engine, cases)
        report[name] = {
            "users": len(cases),
            "seconds": round(seconds, 3),
            "methods": {s.method: {"map12": round(s.map12, 4), "hr12": round(s.hr12, 4)} for s in scores},
            "vs_best_baseline": versus_best_baseline(scores),
        }
        logger.info("%s: %d users in %.2f s", name, len(cases), seconds)
    return report
