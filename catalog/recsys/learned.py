"""A learned ranker: gradient-boosted trees over the ranking features, stored as plain JSON.

The trees are fitted offline by ``bench/recs_train.py`` (scikit-learn's histogram gradient
boosting, on H&M purchase days before the 2020-09-16 evaluation week, never on a case of the
primary protocol) and exported to ``ranker.json`` next to this module. At run time they are
evaluated here with numpy, so the recommender neither needs scikit-learn nor depends on its
pickle format, and the model is a fixed set of parameters: recommendations "as of" a date do
not change when later transactions arrive.

Each tree is a set of parallel arrays (feature, threshold, left, right, value, leaf); a row
goes left when ``x[feature] <= threshold``. The score is the sum of the trees' leaf values
(the model's log-odds, up to a constant), so only its order matters.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from reclmms.errors import ReclmmsError

logger = logging.getLogger(__name__)

FORMAT = "reclmms-trees/1"
DEFAULT_MODEL = "ranker.json"


class RankerModelError(ReclmmsError):
    """The ranker file is missing, malformed or made for other features."""


@dataclass(frozen=True, slots=True)
class Tree:
    feature: np.ndarray  # int, per node
    threshold: np.ndarray  # float, per node
    left: np.ndarray  # int, per node
    right: np.ndarray  # int, per node
    value: np.ndarray  # float, per node (used at leaves)
    leaf: np.ndarray  # bool, per node


def _depth(tree: Tree) -> int:
    """Levels from the root to the deepest leaf (children always follow their parent)."""
    depth = np.zeros(len(tree.feature), dtype=np.int64)
    for i in np.flatnonzero(~tree.leaf):
        depth[tree.left[i]] = depth[tree.right[i]] = depth[i] + 1
    return int(depth.max()) + 1


class TreeRanker:
    """Scores candidate rows (columns in ``features`` order) with an exported tree ensemble."""

    def __init__(self, features: Sequence[str], trees: Sequence[Tree], meta: dict[str, Any] | None = None) -> None:
        self.features = tuple(features)
        self.trees = list(trees)
        self.meta = dict(meta or {})
        self._pack: tuple[np.ndarray, ...] | None = None
        self._depth = 0

    def score(self, matrix: np.ndarray) -> np.ndarray:
        x = np.asarray(matrix, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != len(self.features):
            raise RankerModelError(f"expected rows of {len(self.features)} features, got shape {x.shape}")
        if not self.trees or not len(x):
            return np.zeros(len(x))
        feature, threshold, left, right, value, leaf, roots = self._packed()
        # All (row, tree) pairs at once, flattened; only those not yet at a leaf move down a level.
        n_trees = len(roots)
        node = np.tile(roots, len(x))
        row = np.repeat(np.arange(len(x)), n_trees)
        flat = x.ravel()
        width = x.shape[1]
        active = np.flatnonzero(~leaf[node])
        for _ in range(self._depth):
            if not len(active):
                break
            at = node[active]
            go_left = flat[row[active] * width + feature[at]] <= threshold[at]
            nxt = np.where(go_left, left[at], right[at])
            node[active] = nxt
            active = active[~leaf[nxt]]
        out: np.ndarray = value[node].reshape(len(x), n_trees).sum(axis=1)
        return out

    def _packed(self) -> tuple[np.ndarray, ...]:
        """The trees' node arrays concatenated, child indices made global (built once; the depth
        is set first, so a thread that sees the arrays also sees it)."""
        if self._pack is None:
            offsets = np.cumsum([0] + [len(t.feature) for t in self.trees])[:-1]
            self._depth = max(_depth(t) for t in self.trees)
            self._pack = (
                np.concatenate([np.where(t.leaf, 0, t.feature) for t in self.trees]),
                np.concatenate([t.threshold for t in self.trees]),
                np.concatenate([t.left + o for t, o in zip(self.trees, offsets, strict=True)]),
                np.concatenate([t.right + o for t, o in zip(self.trees, offsets, strict=True)]),
                np.concatenate([t.value for t in self.trees]),
                np.concatenate([t.leaf for t in self.trees]),
                offsets.astype(np.int64),
            )
        return self._pack

    # -- storage ----------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "features": list(self.features),
            "meta": self.meta,
            "trees": [
                {
                    "feature": t.feature.tolist(),
                    "threshold": [float(v) for v in t.threshold],
                    "left": t.left.tolist(),
                    "right": t.right.tolist(),
                    "value": [float(v) for v in t.value],
                    "leaf": t.leaf.astype(int).tolist(),
                }
                for t in self.trees
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], expected: Sequence[str] | None = None) -> TreeRanker:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise RankerModelError(f"not a {FORMAT} ranker file")
        features = [str(f) for f in data.get("features", [])]
        if expected is not None and tuple(features) != tuple(expected):
            raise RankerModelError("the ranker file was made for other ranking features; retrain it")
        trees = []
        try:
            for t in data["trees"]:
                tree = Tree(
                    feature=np.asarray(t["feature"], dtype=np.int64),
                    threshold=np.asarray(t["threshold"], dtype=np.float64),
                    left=np.asarray(t["left"], dtype=np.int64),
                    right=np.asarray(t["right"], dtype=np.int64),
                    value=np.asarray(t["value"], dtype=np.float64),
                    leaf=np.asarray(t["leaf"], dtype=bool),
                )
                n = len(tree.feature)
                inner = ~tree.leaf
                if not n or any(len(a) != n for a in (tree.threshold, tree.left, tree.right, tree.value, tree.leaf)):
                    raise ValueError("node arrays differ in length")
                if inner.any() and (
                    tree.feature[inner].min() < 0
                    or tree.feature[inner].max() >= len(features)
                    or (tree.left[inner] <= np.flatnonzero(inner)).any()  # children follow parents: no cycles
                    or (tree.right[inner] <= np.flatnonzero(inner)).any()
                    or max(tree.left[inner].max(), tree.right[inner].max()) >= n
                ):
                    raise ValueError("a node points outside the tree")
                trees.append(tree)
        except (KeyError, TypeError, ValueError) as exc:
            raise RankerModelError(f"malformed ranker file: {exc}") from exc
        return cls(features, trees, data.get("meta") or {})

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), separators=(",", ":")) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path, expected: Sequence[str] | None = None) -> TreeRanker:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RankerModelError(f"cannot read the ranker file {path}: {exc}") from exc
        return cls.from_dict(data, expected)


def from_sklearn(model: Any, features: Sequence[str], meta: dict[str, Any] | None = None) -> TreeRanker:
    """Export a fitted binary ``HistGradientBoostingClassifier`` (numeric features only)."""
    trees = []
    for (predictor,) in model._predictors:  # one tree per iteration for a binary classifier
        nodes = predictor.nodes
        if nodes["is_categorical"].any():
            raise RankerModelError("categorical splits are not supported")
        trees.append(
            Tree(
                feature=nodes["feature_idx"].astype(np.int64),
                threshold=nodes["num_threshold"].astype(np.float64),
                left=nodes["left"].astype(np.int64),
                right=nodes["right"].astype(np.int64),
                value=nodes["value"].astype(np.float64),
                leaf=nodes["is_leaf"].astype(bool),
            )
        )
    return TreeRanker(features, trees, meta)


def packaged_ranker(expected: Sequence[str]) -> TreeRanker | None:
    """The ranker shipped with the package, or None (with a warning) when it is absent or stale.

    Read once per process: the service makes an engine per request."""
    return _packaged(tuple(expected))


@functools.lru_cache(maxsize=4)
def _packaged(expected: tuple[str, ...]) -> TreeRanker | None:
    path = Path(str(resources.files("catalog.recsys").joinpath(DEFAULT_MODEL)))
    if not path.is_file():
        return None
    try:
        return TreeRanker.load(path, expected)
    except RankerModelError as exc:
        logger.warning("learned ranker not used: %s", exc)
        return None
