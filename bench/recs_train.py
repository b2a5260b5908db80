"""Fit the learned ranker (catalog/recsys/ranker.json) on purchase days before the evaluation week.

Training cases: every (customer, purchase day) before 2020-09-16 with earlier history, except
the cases of the primary protocol (each customer's last purchase day), so ``reclmms eval recs``
never scores a case that was trained on, and the evaluation week is never read. Each case is
"as of" its own day, like the evaluation: its features use no transaction on or after that day.

First a 4-fold cross-validation grouped by customer compares, on the same held-out cases, the
learned ranker, the hand-set weights and the best baseline; then the ranker is fitted on all
cases and exported as plain JSON (catalog/recsys/learned.py evaluates it without scikit-learn).

    .venv/bin/python bench/recs_train.py --data ../shared/data/hm-sample [--no-write]
"""

from __future__ import annotations

import argparse
import time
import zlib
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

from catalog.recsys.engine import RecEngine, RecRequest
from catalog.recsys.evaluation import EVAL_WEEK_START, Case, leave_last_day_cases
from catalog.recsys.kaggle import load_kaggle
from catalog.recsys.learned import DEFAULT_MODEL, from_sklearn
from catalog.recsys.metrics import average_precision
from catalog.recsys.ranking import FEATURES, Weights, baseline_repurchase_popular, features

OUT = Path(__file__).resolve().parents[1] / "catalog" / "recsys" / DEFAULT_MODEL
PARAMS = {
    "learning_rate": 0.03,
    "max_iter": 400,
    "max_leaf_nodes": 15,
    "min_samples_leaf": 100,
    "l2_regularization": 1.0,
    "random_state": 0,
}
NEGATIVE_SHARE = 0.2  # negatives kept for fitting (seeded), all positives kept
FOLDS = 4


def training_cases(conn, end: date) -> list[Case]:  # type: ignore[no-untyped-def]
    primary = {(c.customer_id, c.as_of) for c in leave_last_day_cases(conn)}
    rows = conn.execute(
        """SELECT customer_id, t_dat, list(DISTINCT article_id ORDER BY article_id) FROM transactions
        WHERE t_dat < ? GROUP BY ALL ORDER BY customer_id, t_dat""",
        [end],
    ).fetchall()
    seen: set[str] = set()
    cases = []
    for customer, day, articles in rows:
        if customer not in seen:  # the first purchase day has no history to learn from
            seen.add(customer)
            continue
        if (customer, day) not in primary:
            cases.append(Case(customer, day, frozenset(articles)))
    return cases


def ap(scores: np.ndarray, aids: list[str], truth: frozenset[str]) -> float:
    top = [aids[i] for i in np.argsort(-scores, kind="stable")[:12]]
    return average_precision(top, truth, 12)


Row = tuple  # (customer, aids, matrix, labels, case, baseline AP)


def build(conn, cases: list[Case]) -> list[Row]:  # type: ignore[no-untyped-def]
    """Features, labels and the best baseline's AP for each case (the hand-set weights' engine)."""
    engine = RecEngine(conn, ranker=None)
    data = []
    for start in range(0, len(cases), 2000):
        chunk = cases[start : start + 2000]
        cands = engine.candidates([RecRequest(c.customer_id, c.as_of) for c in chunk])
        for rid, case in enumerate(chunk):
            aids, matrix, _ = features(cands, rid)
            x = np.asarray(matrix, dtype=np.float64).reshape(len(aids), len(FEATURES))
            y = np.asarray([a in case.truth for a in aids], dtype=np.int8)
            base = average_precision(baseline_repurchase_popular(cands, rid, 12), case.truth, 12)
            data.append((case.customer_id, aids, x, y, case, base))
    return data


def fit(rows: list[Row], params: dict) -> HistGradientBoostingClassifier:  # type: ignore[type-arg]
    x = np.concatenate([r[2] for r in rows])
    y = np.concatenate([r[3] for r in rows])
    keep = (y == 1) | (np.random.default_rng(0).random(len(y)) < NEGATIVE_SHARE)
    with threadpool_limits(1):  # OpenMP on 2 busy cores is far slower than one thread
        return HistGradientBoostingClassifier(**params).fit(x[keep], y[keep])


def cross_validate(data: list[Row], params: dict, verbose: bool = True) -> dict[str, float]:  # type: ignore[type-arg]
    """Held-out MAP@12 of the learned ranker, the hand-set weights and the baseline (folds by customer)."""
    hand = np.asarray(Weights().vector())
    fold = [zlib.crc32(d[0].encode()) % FOLDS for d in data]
    results: dict[str, list[list[float]]] = {m: [[] for _ in range(FOLDS)] for m in ("learned", "hand", "baseline")}
    for k in range(FOLDS):
        ranker = from_sklearn(fit([d for d, f in zip(data, fold, strict=True) if f != k], params), FEATURES)
        for d, f in zip(data, fold, strict=True):
            if f != k:
                continue
            _, aids, x, _, case, base = d
            if not aids:
                for m in results:
                    results[m][k].append(0.0)
                continue
            results["learned"][k].append(ap(ranker.score(x), aids, case.truth))
            results["hand"][k].append(ap(x @ hand, aids, case.truth))
            results["baseline"][k].append(base)
        if verbose:
            print(f"fold {k}: " + "  ".join(f"{m}={np.mean(v[k]):.4f}" for m, v in results.items()), flush=True)
    means = {m: float(np.mean(np.concatenate(v))) for m, v in results.items()}
    means["folds_learned_beats_hand"] = sum(
        np.mean(results["learned"][k]) > np.mean(results["hand"][k]) for k in range(FOLDS)
    )
    return means


def main() -> None:
    ap_ = argparse.ArgumentParser()
    ap_.add_argument("--data", default="../shared/data/hm-sample")
    ap_.add_argument("--no-write", action="store_true")
    args = ap_.parse_args()
    conn = load_kaggle(args.data)
    cases = training_cases(conn, EVAL_WEEK_START)
    t0 = time.perf_counter()
    data = build(conn, cases)
    print(f"{len(cases)} cases, features in {time.perf_counter() - t0:.1f} s", flush=True)
    means = cross_validate(data, PARAMS)
    print("held-out MAP@12 over all folds: " + "  ".join(f"{m}={means[m]:.4f}" for m in ("learned", "hand", "baseline")))
    print(f"learned / baseline {means['learned'] / means['baseline']:.3f}x, "
          f"hand / baseline {means['hand'] / means['baseline']:.3f}x, "
          f"folds where learned > hand: {means['folds_learned_beats_hand']}/{FOLDS}")
    t0 = time.perf_counter()
    model = fit(data, PARAMS)
    meta = {
        "trained_on": f"{len(cases)} H&M purchase days before {EVAL_WEEK_START}, primary cases excluded",
        "params": PARAMS,
        "negative_share": NEGATIVE_SHARE,
        "cv_map12": {m: round(means[m], 4) for m in ("learned", "hand", "baseline")},
    }
    ranker = from_sklearn(model, FEATURES, meta)
    print(f"fitted on all cases in {time.perf_counter() - t0:.1f} s: {len(ranker.trees)} trees")
    if not args.no_write:
        ranker.save(OUT)
        print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
