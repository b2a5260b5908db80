"""Recommendation internals: candidate sources, ranking, metrics and the offline evaluation.

Everything here works on a DuckDB connection that holds three tables (``transactions``,
``articles``, ``customers``; see :mod:`catalog.recsys.kaggle` for their shapes), so the
service (``catalog.analytics``) and the evaluation over raw Kaggle CSVs share one code path.
``catalog.recommend.Recommender`` is the async face of it.
"""

from catalog.recsys.engine import RecEngine, RecRequest, ScoredItem
from catalog.recsys.metrics import average_precision, hit, mean_average_precision
from catalog.recsys.ranking import Weights

__all__ = [
    "RecEngine",
    "RecRequest",
    "ScoredItem",
    "Weights",
    "average_precision",
    "hit",
    "mean_average_precision",
]
