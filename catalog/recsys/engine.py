"""The synchronous recommendation core over a DuckDB connection (batch first)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import duckdb

from catalog.ingest.duck import DUCK_ARTICLE_COLUMNS
from catalog.recsys.candidates import CandidateParams, Candidates, History, add_article_stats, gather
from catalog.recsys.learned import TreeRanker, packaged_ranker
from catalog.recsys.ranking import FEATURES, ScoredItem, Weights, rank, shortlist, weighted_features

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RecRequest:
    customer_id: str
    as_of: date | None = None  # None: after the last transaction


class RecEngine:
    """PALR-style history → candidates → ranking, for many (customer, as_of) pairs at once.

    ``conn`` holds the ``transactions``, ``articles`` and ``customers`` tables. The engine
    never writes to it (temp tables live on a private cursor). ``ranker`` orders the
    candidates: by default the learned ranker shipped with the package
    (catalog/recsys/ranker.json), ``None`` for the hand-set ``weights`` alone. Where the
    connection holds a current daily sales summary (catalog/recsys/summary.py), the as-of
    statistics read it unless ``use_summary`` is False.
    """

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection,
        weights: Weights | None = None,
        params: CandidateParams | None = None,
        batch_size: int = 2000,
        ranker: TreeRanker | None | Literal["packaged"] = "packaged",
        use_summary: bool = True,
    ) -> None:
        self._conn = conn
        self.ranker = packaged_ranker(FEATURES) if ranker == "packaged" else ranker
        self.weights = weights or Weights()
        self.params = params or CandidateParams()
        self._batch_size = batch_size
        self._use_summary = use_summary
        self._end: date | None = None

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        return self._conn

    def end_date(self) -> date:
        """The day after the last transaction: the default ``as_of``."""
        if self._end is None:
            cur = self._conn.cursor()
            try:
                row = cur.execute("SELECT max(t_dat) FROM transactions").fetchone()
            finally:
                cur.close()
            last = row[0] if row and row[0] else date.today()
            self._end = last + timedelta(days=1)
        return self._end

    def first_date(self) -> date | None:
        """The day of the first transaction, or None when there are none."""
        cur = self._conn.cursor()
        try:
            row = cur.execute("SELECT min(t_dat) FROM transactions").fetchone()
        finally:
            cur.close()
        return row[0] if row and row[0] else None

    def known_customers(self, customer_ids: Sequence[str]) -> set[str]:
        """Those of ``customer_ids`` with at least one transaction or a customers row."""
        if not customer_ids:
            return set()
        cur = self._conn.cursor()
        try:
            rows = cur.execute(
                """SELECT DISTINCT customer_id FROM (
                     SELECT customer_id FROM customers UNION ALL SELECT customer_id FROM transactions)
                   WHERE customer_id IN (SELECT unnest(?::VARCHAR[]))""",
                [sorted(set(customer_ids))],
            ).fetchall()
        finally:
            cur.close()
        return {r[0] for r in rows}

    def candidates(
        self, requests: Sequence[RecRequest], histories: list[History] | None = None, stats: bool = True
    ) -> Candidates:
        end = self.end_date()
        pairs = [(r.customer_id, r.as_of or end) for r in requests]
        return gather(self._conn, pairs, self.params, histories, stats=stats, use_summary=self._use_summary)

    def recommend_many(
        self, requests: Sequence[RecRequest], k: int = 12, histories: list[History] | None = None
    ) -> list[list[ScoredItem]]:
        """Ranked recommendations for each request, in order. Unknown customers get best sellers.

        ``histories`` (one per request) supplies the customers' own purchases from an indexed
        store instead of a scan of ``transactions``.
        """
        out: list[list[ScoredItem]] = []
        for start in range(0, len(requests), self._batch_size):
            chunk = requests[start : start + self._batch_size]
            hist = histories[start : start + self._batch_size] if histories is not None else None
            cands = self.candidates(chunk, hist, stats=False)
            feats = [weighted_features(cands, rid, self.weights) for rid in range(len(chunk))]
            if self.ranker is not None:  # article statistics for the candidates the trees will score
                wanted = {(cands.as_of[rid], a) for rid, f in enumerate(feats) for a in shortlist(f)}
                add_article_stats(self._conn, cands, wanted, self.params.stats_days)
            out.extend(rank(cands, rid, self.weights, k, self.ranker, f) for rid, f in enumerate(feats))
        return out

    def recommend(self, customer_id: str, as_of: date | None = None, k: int = 12) -> list[ScoredItem]:
        return self.recommend_many([RecRequest(customer_id, as_of)], k)[0]

    def names(self, article_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """Attribute rows of ``article_ids`` from the analytics ``articles`` table."""
        if not article_ids:
            return {}
        cols = DUCK_ARTICLE_COLUMNS
        cur = self._conn.cursor()
        try:
            rows = cur.execute(
                f"SELECT {', '.join(cols)} FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
                [sorted(set(article_ids))],
            ).fetchall()
        finally:
            cur.close()
        return {r[0]: {c: (v or "") for c, v in zip(cols, r, strict=True)} for r in rows}
