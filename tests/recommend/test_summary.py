"""The daily sales summary gives the recommender the same answers as raw transactions."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from pathlib import Path

from catalog.recsys.engine import RecEngine, RecRequest
from catalog.recsys.kaggle import load_kaggle
from catalog.recsys.summary import build_summary, is_current

from .synth import ARTICLES, CUSTOMERS, connection, write_kaggle


def _busy_transactions(seed: int = 3) -> list[tuple[str, str, str]]:
    """A few hundred purchases over two months, several a day, so windows and ties are exercised;
    the belt is first sold on 2020-08-20, so it is a new arrival as of late August."""
    rng = random.Random(seed)
    articles = sorted(ARTICLES)
    start = date(2020, 7, 1)
    out = []
    for _ in range(400):
        article = rng.choice(articles)
        earliest = 50 if article == "0700000001" else 0
        day = start + timedelta(days=rng.randrange(earliest, 70))
        out.append((day.isoformat(), rng.choice(CUSTOMERS), article))
    return out


def test_summary_answers_like_raw_transactions() -> None:
    conn = connection(_busy_transactions())
    conn.execute("UPDATE customers SET age = 20 + length(customer_id) * 7")  # buyers of different ages
    conn.execute("UPDATE transactions SET price = 0.01 + (hash(customer_id || article_id) % 50) / 1000")
    build_summary(conn)
    fast, raw = RecEngine(conn), RecEngine(conn, use_summary=False)
    requests = [RecRequest(c, date(2020, 8, d)) for c in CUSTOMERS + ["nobody"] for d in (3, 15, 28)]
    a, b = fast.candidates(requests), raw.candidates(requests)
    assert a.summary and not b.summary
    assert a.popular == b.popular and a.variants == b.variants and any(a.variants.values())
    assert a.new == b.new and "0700000001" in [x[0] for x in a.new[date(2020, 8, 28)]]
    assert a.stats.keys() == b.stats.keys() and a.stats
    for key, x in a.stats.items():
        y = b.stats[key]
        assert (x.sales, x.sales_30, x.first_age, x.last_age) == (
            y.sales,
            y.sales_30,
            y.first_age,
            y.last_age,
        )
        assert math.isclose(x.price, y.price, rel_tol=1e-9)
        assert x.buyer_age is not None and y.buyer_age is not None
        assert math.isclose(x.buyer_age, y.buyer_age, rel_tol=1e-9)
    got = [
        [(r.article_id, round(r.score, 9), r.reason) for r in recs] for recs in fast.recommend_many(requests)
    ]
    want = [
        [(r.article_id, round(r.score, 9), r.reason) for r in recs] for recs in raw.recommend_many(requests)
    ]
    assert got == want


def test_a_stale_summary_is_not_read() -> None:
    conn = connection(summary=True)
    assert is_current(conn)
    engine = RecEngine(conn)
    day = date(2020, 9, 10)
    assert engine.candidates([RecRequest("alice", day)]).summary
    # a belt sold after the summary was built: a new arrival only the raw transactions know of
    conn.execute("INSERT INTO transactions VALUES (DATE '2020-09-05', 'erin', '0700000001', 0.03, 2)")
    assert not is_current(conn)
    cands = engine.candidates([RecRequest("alice", day)])
    assert not cands.summary
    assert "0700000001" in [a for a, _n, _age in cands.new[day]]
    build_summary(conn)
    again = engine.candidates([RecRequest("alice", day)])
    assert again.summary and again.new == cands.new


def test_without_customers_ages_or_summary_tables(tmp_path: Path) -> None:
    conn = connection(summary=True)
    conn.execute("UPDATE customers SET age = NULL")
    build_summary(conn)
    cands = RecEngine(conn).candidates([RecRequest("alice", date(2020, 9, 1))])
    assert cands.summary and all(s.buyer_age is None for s in cands.stats.values())
    conn.execute("DROP TABLE article_first_sale")
    assert not is_current(conn)
    # the Kaggle loader builds it
    assert is_current(load_kaggle(write_kaggle(tmp_path / "hm")))
