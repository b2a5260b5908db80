from datetime import date

import duckdb
import pytest

from catalog.recommend import Recommender

from .synth import connection


class FakeAnalytics:
    """Stands in for catalog.analytics.Analytics: hands out a connection to the tables."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.conn = conn
        self.connects = 0

    def connect(self) -> duckdb.DuckDBPyConnection:
        self.connects += 1
        return self.conn.cursor()


async def test_recommend_returns_articles_with_reasons() -> None:
    analytics = FakeAnalytics(connection())
    rec = Recommender(analytics, None)
    recs = await rec.recommend("alice", as_of=date(2020, 9, 1), k=6)
    assert recs[0].article.article_id == "0400000001"
    assert recs[0].article.name == "Dress" and recs[0].article.index_group == "Ladieswear"
    assert recs[0].reason.startswith("you bought this")
    batch = await rec.recommend_many([("alice", date(2020, 9, 1)), ("ghost", None)], k=6)
    assert [r.article.article_id for r in batch[0]] == [r.article.article_id for r in recs]
    assert batch[1] and all(r.sources == ("popular",) for r in batch[1])
    assert analytics.connects >= 2  # a fresh cursor per call
    d = recs[0].to_dict()
    assert {"article_id", "score", "sources", "reason", "name"} <= set(d)
    await rec.aclose()


def test_needs_a_source() -> None:
    with pytest.raises(ValueError):
        Recommender(None)


class FakeHistory:
    """Stands in for catalog.history.HistoryStore: purchases before as_of, newest first."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.conn = conn
        self.calls = 0

    async def purchases(self, customer_id: str, as_of: date | None = None, limit: int = 50):  # type: ignore[no-untyped-def]
        from catalog.models import Article, Purchase

        self.calls += 1
        rows = self.conn.execute(
            "SELECT article_id, t_dat, price FROM transactions WHERE customer_id = ? "
            "AND (?::DATE IS NULL OR t_dat < ?::DATE) ORDER BY t_dat DESC LIMIT ?",
            [customer_id, as_of, as_of, limit],
        ).fetchall()
        return [(Purchase(a, d, p), Article(a, a)) for a, d, p in rows]


async def test_indexed_history_gives_the_same_result_as_the_scan() -> None:
    conn = connection()
    scan = Recommender(FakeAnalytics(conn), None)
    history = FakeHistory(conn)
    indexed = Recommender(FakeAnalytics(conn), None, history)
    for customer, as_of in [("alice", date(2020, 9, 1)), ("bob", date(2020, 8, 26)), ("ghost", None)]:
        a = await scan.recommend(customer, as_of=as_of)
        b = await indexed.recommend(customer, as_of=as_of)
        assert [(r.article.article_id, round(r.score, 9), r.reason) for r in a] == [
            (r.article.article_id, round(r.score, 9), r.reason) for r in b
        ]
    assert history.calls == 3
