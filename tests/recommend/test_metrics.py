import pytest

from catalog.recsys.metrics import average_precision, hit, mean_average_precision, paired_ratio_interval


def test_ap_hand_computed() -> None:
    # hits at ranks 1 and 3: (1/1 + 2/3) / min(2, 12)
    assert average_precision(["a", "x", "b"], {"a", "b"}) == pytest.approx((1 + 2 / 3) / 2)
    # one hit at rank 2 out of 3 relevant: (1/2) / 3
    assert average_precision(["x", "a", "y"], {"a", "b", "c"}) == pytest.approx(0.5 / 3)


def test_ap_denominator_caps_at_k() -> None:
    truth = {f"t{i}" for i in range(20)}
    preds = [f"t{i}" for i in range(12)]
    assert average_precision(preds, truth, k=12) == pytest.approx(1.0)


def test_ap_ignores_hits_beyond_k_and_duplicates() -> None:
    preds = ["x"] * 3 + [f"n{i}" for i in range(11)] + ["a"]
    # "x" counts once, so "a" is the 13th distinct prediction: out of the top 12
    assert average_precision(preds, {"a"}, k=12) == 0.0
    # a duplicated hit counts once: (1/1) / 2
    assert average_precision(["a", "a", "z"], {"a", "b"}) == pytest.approx(0.5)


def test_ap_empty_truth_and_map() -> None:
    assert average_precision(["a"], set()) == 0.0
    assert mean_average_precision([["a"], ["x", "b"]], [{"a"}, {"b"}]) == pytest.approx((1.0 + 0.5) / 2)
    with pytest.raises(ValueError):
        mean_average_precision([["a"]], [])


def test_hit_rate() -> None:
    assert hit(["x", "a"], {"a"})
    assert not hit([f"n{i}" for i in range(12)] + ["a"], {"a"})


def test_paired_ratio_interval() -> None:
    base = [0.0, 0.5, 1.0, 0.25, 0.0, 0.1]
    assert paired_ratio_interval([2 * b for b in base], base) == pytest.approx((2.0, 2.0))  # pairs move together
    rng = __import__("random").Random(1)
    ours = [rng.random() for _ in range(200)]
    other = [rng.random() * 0.8 for _ in range(200)]
    lo, hi = paired_ratio_interval(ours, other)  # type: ignore[misc]
    assert lo < sum(ours) / sum(other) < hi and hi - lo < 0.5
    wide_lo, wide_hi = paired_ratio_interval(ours[:20], other[:20])  # type: ignore[misc]
    assert wide_hi - wide_lo > hi - lo  # fewer cases, a wider interval
    assert paired_ratio_interval([0.5, 0.2], [0.0, 0.0]) is None  # the ratio is undefined
    assert paired_ratio_interval([0.5], [0.5]) is None
    with pytest.raises(ValueError):
        paired_ratio_interval([0.1, 0.2], [0.1])
