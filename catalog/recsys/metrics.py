"""Ranking metrics with the Kaggle H&M definitions."""

from __future__ import annotations

from collections.abc import Collection, Sequence


def average_precision(predicted: Sequence[str], actual: Collection[str], k: int = 12) -> float:
    """AP@k as scored by the H&M competition.

    Duplicates in ``predicted`` count once (at their first position); the sum of precisions at
    the hit positions is divided by ``min(len(actual), k)``. Empty ``actual`` scores 0.
    """
    if not actual:
        return 0.0
    truth = set(actual)
    seen: set[str] = set()
    hits = 0
    total = 0.0
    rank = 0
    for item in predicted:
        if item in seen:
            continue
        seen.add(item)
        rank += 1
        if rank > k:
            break
        if item in truth:
            hits += 1
            total += hits / rank
    return total / min(len(truth), k)


def mean_average_precision(
    predicted: Sequence[Sequence[str]], actual: Sequence[Collection[str]], k: int = 12
) -> float:
    """MAP@k over users, in matching order."""
    if len(predicted) != len(actual):
        raise ValueError("predicted and actual must have the same length")
    if not actual:
        return 0.0
    return sum(average_precision(p, a, k) for p, a in zip(predicted, actual, strict=True)) / len(actual)


def hit(predicted: Sequence[str], actual: Collection[str], k: int = 12) -> bool:
    """True when any of the first ``k`` distinct predictions is relevant."""
    truth = set(actual)
    return any(p in truth for p in list(dict.fromkeys(predicted))[:k])


def paired_ratio_interval(
    ours: Sequence[float], base: Sequence[float], *, resamples: int = 2000, level: float = 0.95, seed: int = 0
) -> tuple[float, float] | None:
    """A percentile bootstrap interval of mean(ours) / mean(base) over the same cases, resampled in pairs.

    Both lists hold one score per case (AP@12 of two methods). None when there are fewer than two
    cases or the base scores nothing (the ratio is undefined)."""
    import numpy as np

    a, b = np.asarray(ours, dtype="float64"), np.asarray(base, dtype="float64")
    if len(a) != len(b):
        raise ValueError("ours and base must have the same length")
    if len(a) < 2 or not b.sum():
        return None
    rows = np.random.default_rng(seed).integers(0, len(a), size=(resamples, len(a)))
    num, den = a[rows].sum(axis=1), b[rows].sum(axis=1)
    ratios = num[den > 0] / den[den > 0]
    if not len(ratios):
        return None
    tail = (1.0 - level) / 2 * 100
    lo, hi = np.percentile(ratios, [tail, 100 - tail])
    return float(lo), float(hi)
