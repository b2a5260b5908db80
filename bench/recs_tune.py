"""Tune the recommender's ranking weights on earlier folds only.

Folds: leave-last-purchase-day-out on the transactions before each of several cut-off dates,
all before the 2020-09-16 evaluation week (which is never read here). Cases that are also cases
of the primary protocol (same customer and day) are dropped, so the primary figure of
``reclmms eval recs`` is never scored on a case that was tuned on.

Coordinate descent over a grid of multipliers maximises MAP@12 directly (the feature matrices
are computed once). It runs on the odd folds and is checked on the even ones, then on all
folds; paste the printed weights into ``Weights`` in catalog/recsys/ranking.py.

    .venv/bin/python bench/recs_tune.py --data ../shared/data/hm-sample
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import numpy as np

from catalog.recsys.engine import RecEngine, RecRequest
from catalog.recsys.evaluation import BASELINES, leave_last_day_cases, score_rankers
from catalog.recsys.kaggle import load_kaggle
from catalog.recsys.ranking import FEATURES, Weights, features

CUTOFFS = [
    date(2019, 11, 1),
    date(2020, 1, 1),
    date(2020, 3, 1),
    date(2020, 5, 1),
    date(2020, 7, 1),
    date(2020, 9, 1),
]
STEPS = [0.0, 0.25, 0.5, 0.8, 1.25, 2.0, 4.0]

Matrices = list[tuple[np.ndarray, np.ndarray, int]]  # features, relevance (0/1), number relevant


def map12(cases: Matrices, w: np.ndarray) -> float:
    total = 0.0
    for x, rel, n_rel in cases:
        if len(rel) == 0:
            continue
        s = x @ w
        top = np.argsort(-s, kind="stable")[:12]
        hits = rel[top]
        if hits.any():
            prec = np.cumsum(hits) / np.arange(1, len(hits) + 1)
            total += float((prec * hits).sum()) / min(n_rel, 12)
    return total / max(1, len(cases))


def descend(cases: Matrices, start: np.ndarray, rounds: int) -> np.ndarray:
    w = start.copy()
    best = map12(cases, w)
    for _ in range(rounds):
        improved = False
        for i in range(len(w)):
            base = w[i] if w[i] != 0 else 0.5
            for m in STEPS + [-0.5, -1.0]:
                trial = w.copy()
                trial[i] = round(base * m, 4)
                s = map12(cases, trial)
                if s > best + 1e-6:
                    best, w, improved = s, trial, True
        if not improved:
            break
    return w


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/hm-sample")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    conn = load_kaggle(args.data)
    engine = RecEngine(conn)
    seen = {(c.customer_id, c.as_of) for c in leave_last_day_cases(conn)}
    folds: list[Matrices] = []
    base_scores: dict[str, list[float]] = {name: [] for name in BASELINES}
    sizes = []
    t0 = time.perf_counter()
    for cut in CUTOFFS:
        cases = [c for c in leave_last_day_cases(conn, before=cut) if (c.customer_id, c.as_of) not in seen]
        seen.update((c.customer_id, c.as_of) for c in cases)
        cands = engine.candidates([RecRequest(c.customer_id, c.as_of) for c in cases])
        fold: Matrices = []
        for rid, case in enumerate(cases):
            aids, matrix, _ = features(cands, rid)
            rel = np.asarray([a in case.truth for a in aids], dtype=np.float64)
            fold.append(
                (np.asarray(matrix, dtype=np.float64).reshape(len(aids), len(FEATURES)), rel, len(case.truth))
            )
        folds.append(fold)
        sizes.append(len(cases))
        for s in score_rankers(cands, cases, BASELINES):
            base_scores[s.method].append(s.map12)
        print(f"fold before {cut}: {len(cases)} cases")
    print(f"features in {time.perf_counter() - t0:.2f} s")

    def pooled(idx: list[int]) -> Matrices:
        return [c for i in idx for c in folds[i]]

    odd, even, every = pooled([1, 3, 5]), pooled([0, 2, 4]), pooled(list(range(len(folds))))
    for name, per_fold in base_scores.items():
        o = sum(per_fold[i] * sizes[i] for i in (1, 3, 5)) / sum(sizes[i] for i in (1, 3, 5))
        e = sum(per_fold[i] * sizes[i] for i in (0, 2, 4)) / sum(sizes[i] for i in (0, 2, 4))
        print(f"baseline {name:32s} odd={o:.4f} even={e:.4f}")
    w0 = np.asarray(Weights().vector())
    best = "repurchase + 14-day popularity"
    for i, cut in enumerate(CUTOFFS):
        print(f"fold before {cut}: current weights {map12(folds[i], w0):.4f} vs {best} {base_scores[best][i]:.4f}")
    print(
        f"current weights {'':24s} odd={map12(odd, w0):.4f} even={map12(even, w0):.4f} all={map12(every, w0):.4f}"
    )
    t0 = time.perf_counter()
    w_odd = descend(odd, w0, args.rounds)
    print(
        f"tuned on odd:  odd={map12(odd, w_odd):.4f} -> even={map12(even, w_odd):.4f}  ({time.perf_counter() - t0:.0f} s)"
    )
    w_even = descend(even, w0, args.rounds)
    print(f"tuned on even: even={map12(even, w_even):.4f} -> odd={map12(odd, w_even):.4f}")
    w_all = descend(every, w0, args.rounds)
    print(f"tuned on all folds: {map12(every, w_all):.4f}")
    print(Weights(**{f: float(v) for f, v in zip(FEATURES, w_all, strict=True)}))


if __name__ == "__main__":
    main()
