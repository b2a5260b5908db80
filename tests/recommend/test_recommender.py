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
    assert analytics.connects == 1
    d = recs[0].to_dict()
    assert {"article_id", "score", "sources", "reason", "name"} <= set(d)
    await rec.aclose()


def test_needs_a_source() -> None:
    with pytest.raises(ValueError):
        Recommender(None)
