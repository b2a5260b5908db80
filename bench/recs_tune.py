"""Tune the recommender's ranking weights on pre-evaluation-week data only.

Protocol: leave-last-purchase-day-out on transactions before 2020-09-16 (the evaluation
week is never read for tuning). Customers are split in two halves by a hash of their id:
coordinate descent picks weights on half A, and half B is reported as held-out customers.

    .venv/bin/python bench/recs_tune.py --data ../shared/data/hm-sample
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import time

from catalog.recsys.engine import RecEngine, RecRequest
from catalog.recsys.evaluation import (
    BASELINES,
    EVAL_WEEK_START,
    Case,
    _ours,
    leave_last_day_cases,
    score_rankers,
)
from catalog.recsys.kaggle import load_kaggle
from catalog.recsys.ranking import Weights

GRID: dict[str, list[float]] = {
    "repurchase_halflife_days": [2, 3, 5, 7, 10, 14, 21],
    "repurchase_floor": [0.0, 0.005, 0.01, 0.02, 0.05, 0.1],
    "repurchase_count_bonus": [0.0, 0.1, 0.3, 1.0],
    "variant": [0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2],
    "variant_halflife_days": [3, 7, 14, 30, 60],
    "variant_unsold": [0.0, 0.02, 0.05, 0.1, 0.2, 0.5],
    "copurchase": [0.0, 0.01, 0.03, 0.1, 0.3],
    "popularity": [0.0, 0.002, 0.005, 0.01, 0.02, 0.05],
    "affinity": [0.0, 1.0, 3.0],
}


def half(customer_id: str) -> int:
    return hashlib.md5(customer_id.encode()).digest()[0] % 2


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/hm-sample")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tune-on", choices=["A", "all"], default="A")
    args = ap.parse_args()
    conn = load_kaggle(args.data)
    engine = RecEngine(conn)
    cases = leave_last_day_cases(conn, before=EVAL_WEEK_START)
    t0 = time.perf_counter()
    cands = engine.candidates([RecRequest(c.customer_id, c.as_of) for c in cases])
    print(f"{len(cases)} tuning cases, candidates in {time.perf_counter() - t0:.2f} s")

    def subset(h: int) -> tuple[list[Case], list[int]]:
        idx = [i for i, c in enumerate(cases) if half(c.customer_id) == h]
        return [cases[i] for i in idx], idx

    def score(w: Weights, h: int) -> float:
        sub, idx = (cases, list(range(len(cases)))) if h < 0 else subset(h)
        ranker = _ours(w)
        s = score_rankers(cands, sub, {"x": lambda c, rid: ranker(c, idx[rid])})
        return s[0].map12

    tune = 0 if args.tune_on == "A" else -1
    w = Weights()
    best = score(w, tune)
    print(f"start A={best:.4f} B={score(w, 1):.4f}")
    for rnd in range(args.rounds):
        improved = False
        for name, values in GRID.items():
            for v in values:
                cand = dataclasses.replace(w, **{name: type(getattr(w, name))(v)})
                s = score(cand, tune)
                if s > best + 1e-5:
                    best, w, improved = s, cand, True
            print(f"round {rnd} {name}={getattr(w, name)} A={best:.4f}")
        if not improved:
            break
    print("best weights:", w)
    print(f"tuned on {args.tune_on}: MAP@12={best:.4f}")
    print(f"tuned:    A={score(w, 0):.4f} B={score(w, 1):.4f}")
    print(f"defaults: A={score(Weights(), 0):.4f} B={score(Weights(), 1):.4f}")
    for name, ranker in BASELINES.items():
        for h in (0, 1):
            sub, idx = subset(h)
            s = score_rankers(cands, sub, {"x": lambda c, rid, r=ranker, ix=idx: r(c, ix[rid])})
            print(f"baseline {name} half {'AB'[h]}: {s[0].map12:.4f}")


if __name__ == "__main__":
    main()
