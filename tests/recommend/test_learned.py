import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from catalog.recsys.engine import RecEngine
from catalog.recsys.learned import RankerModelError, Tree, TreeRanker, from_sklearn, packaged_ranker
from catalog.recsys.ranking import FEATURES

from .synth import TRANSACTIONS, connection


def stump(feature: int, threshold: float, low: float, high: float) -> Tree:
    return Tree(
        feature=np.array([feature, 0, 0]),
        threshold=np.array([threshold, 0.0, 0.0]),
        left=np.array([1, 0, 0]),
        right=np.array([2, 0, 0]),
        value=np.array([0.0, low, high]),
        leaf=np.array([False, True, True]),
    )


def test_trees_sum_leaf_values_and_round_trip(tmp_path: Path) -> None:
    ranker = TreeRanker(["a", "b"], [stump(0, 0.5, -1.0, 1.0), stump(1, 2.0, 0.25, -0.25)])
    x = np.array([[0.0, 0.0], [1.0, 3.0], [0.5, 2.0], [0.7, 1.0]])
    assert ranker.score(x).tolist() == [-0.75, 0.75, -0.75, 1.25]
    path = tmp_path / "r.json"
    ranker.save(path)
    again = TreeRanker.load(path, expected=["a", "b"])
    assert again.score(x).tolist() == ranker.score(x).tolist()
    with pytest.raises(RankerModelError, match="other ranking features"):
        TreeRanker.load(path, expected=["a", "c"])
    with pytest.raises(RankerModelError, match="features"):
        ranker.score(np.zeros((2, 3)))


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(format="other"),
        lambda d: d["trees"][0].update(left=[0, 0, 0]),  # a cycle back to the root
        lambda d: d["trees"][0].update(feature=[7, 0, 0]),  # no such feature
        lambda d: d["trees"][0].update(value=[0.0]),  # arrays of different lengths
        lambda d: d["trees"][0].pop("threshold"),
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, mutate) -> None:
    data = TreeRanker(["a", "b"], [stump(0, 0.5, -1.0, 1.0)]).to_dict()
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(RankerModelError):
        TreeRanker.load(path)
    path.write_text("{not json")
    with pytest.raises(RankerModelError, match="cannot read"):
        TreeRanker.load(path)


def test_export_matches_scikit_learn() -> None:
    ensemble = pytest.importorskip("sklearn.ensemble")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, 4))
    y = ((x[:, 0] + 0.5 * x[:, 2] ** 2 + rng.normal(scale=0.3, size=600)) > 0.5).astype(int)
    model = ensemble.HistGradientBoostingClassifier(max_iter=20, max_leaf_nodes=7, random_state=0).fit(x, y)
    ranker = from_sklearn(model, ["a", "b", "c", "d"])
    ours = ranker.score(x)
    theirs = model.decision_function(x)
    # the same log-odds up to the model's constant baseline
    assert np.allclose(ours - ours.mean(), theirs - theirs.mean(), atol=1e-9)


def test_packaged_ranker_fits_the_features_and_keeps_as_of() -> None:
    ranker = packaged_ranker(FEATURES)
    assert ranker is not None, "catalog/recsys/ranker.json is missing or stale: run bench/recs_train.py"
    assert ranker.features == FEATURES and len(ranker.trees) > 10
    # A fixed model: sales on and after as_of change nothing before it.
    leaks = [("2020-09-01", "erin", "0700000001")] * 15 + [("2020-09-03", "bob", "0500000001")]
    clean = RecEngine(connection([t for t in TRANSACTIONS if t[0] < "2020-09-01"]))
    leaky = RecEngine(connection(TRANSACTIONS + leaks))
    assert clean.ranker is not None
    for customer in ("alice", "bob", "carol", "nobody"):
        a = clean.recommend(customer, date(2020, 9, 1), k=12)
        b = leaky.recommend(customer, date(2020, 9, 1), k=12)
        assert [(x.article_id, round(x.score, 9)) for x in a] == [(x.article_id, round(x.score, 9)) for x in b]
        assert a and all(x.reason for x in a)


def test_statistics_for_the_shortlist_only_rank_like_statistics_for_all() -> None:
    from catalog.recsys.engine import RecRequest
    from catalog.recsys.ranking import rank

    engine = RecEngine(connection())
    assert engine.ranker is not None
    reqs = [RecRequest(c, date(2020, 9, 1)) for c in ("alice", "bob", "carol", "dave", "nobody")]
    served = engine.recommend_many(reqs, k=12)
    full = engine.candidates(reqs)  # statistics for every candidate
    assert full.stats
    for rid, got in enumerate(served):
        again = rank(full, rid, engine.weights, 12, engine.ranker)
        assert [(x.article_id, round(x.score, 9)) for x in got] == [(x.article_id, round(x.score, 9)) for x in again]


def test_packaged_ranker_is_read_once_and_scores_the_same_from_many_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor
    from importlib import resources

    assert packaged_ranker(FEATURES) is packaged_ranker(list(FEATURES))  # the service asks per request
    fresh = TreeRanker.load(Path(str(resources.files("catalog.recsys").joinpath("ranker.json"))), FEATURES)
    x = np.random.default_rng(0).random((50, len(FEATURES)))
    with ThreadPoolExecutor(8) as pool:  # the first scores build the packed arrays concurrently
        results = list(pool.map(lambda _: fresh.score(x), range(16)))
    want = packaged_ranker(FEATURES).score(x)  # type: ignore[union-attr]
    assert all(np.array_equal(r, want) for r in results)
