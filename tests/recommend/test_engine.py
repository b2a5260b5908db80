from datetime import date

import pytest

from catalog.recsys.engine import RecEngine, RecRequest
from catalog.recsys.evaluation import leave_last_day_cases, window_cases

from .synth import TRANSACTIONS, connection

AS_OF = date(2020, 9, 1)


def ids(items):
    return [i.article_id for i in items]


def test_repurchase_variants_and_reasons() -> None:
    engine = RecEngine(connection())
    recs = engine.recommend("alice", AS_OF, k=12)
    got = ids(recs)
    # her own recent purchase leads, before older ones
    assert got[0] == "0400000001"
    assert got.index("0400000001") < got.index("0100000001")
    # other colours of the tee she bought
    assert {"0100000002", "0100000003"} <= set(got)
    first = recs[0]
    assert first.sources[0] == "repurchase" and "you bought this" in first.reason
    variant = next(r for r in recs if r.article_id == "0100000002")
    assert "variant" in variant.sources and "Tee" in variant.reason
    # the scarf she buys ON the as-of day is not in her history
    assert (
        "0600000001" not in got
        or "repurchase" not in next(r for r in recs if r.article_id == "0600000001").sources
    )
    assert len(got) == len(set(got))


@pytest.mark.parametrize("summary", [False, True], ids=["transactions", "summary"])
def test_no_transaction_on_or_after_as_of_is_used(summary: bool) -> None:
    # Someone else buys the belt 30 times, and bob buys jeans with a cap, all ON and AFTER as_of.
    # If any of it leaked, the belt would top popularity and the cap would be a co-purchase of jeans.
    leaks = [("2020-09-01", "erin", "0700000001")] * 15 + [("2020-09-05", "erin", "0700000001")] * 15
    leaks += [("2020-09-01", "bob", "0200000001"), ("2020-09-01", "bob", "0500000001")]
    leaks += [("2020-09-02", "alice", "0300000001")]
    clean = RecEngine(connection([t for t in TRANSACTIONS if t[0] < "2020-09-01"], summary))
    leaky = RecEngine(connection(TRANSACTIONS + leaks, summary))
    assert leaky.candidates([RecRequest("alice", AS_OF)]).summary is summary
    for customer in ("alice", "bob", "carol", "nobody"):
        a = clean.recommend(customer, AS_OF, k=12)
        b = leaky.recommend(customer, AS_OF, k=12)
        assert [(x.article_id, round(x.score, 9), x.sources) for x in a] == [
            (x.article_id, round(x.score, 9), x.sources) for x in b
        ], customer
        assert "0700000001" not in ids(b)
    # and the leaks do matter once as_of moves past them
    later = ids(leaky.recommend("nobody", date(2020, 9, 10), k=3))
    assert later[0] == "0700000001"


def test_copurchase_candidates_come_from_other_customers() -> None:
    engine = RecEngine(connection())
    # carol bought socks; bob and dave bought socks within days of jeans / scarf
    recs = engine.recommend("carol", date(2020, 9, 1), k=12)
    co = [r for r in recs if "copurchase" in r.sources]
    assert {r.article_id for r in co} & {"0600000001", "0200000001"}
    assert all("often bought with" in r.reason for r in co if r.sources[0] == "copurchase")


def test_cold_start_gets_best_sellers() -> None:
    engine = RecEngine(connection())
    recs = engine.recommend("somebody-new", AS_OF, k=3)
    assert len(recs) == 3
    assert ids(recs)[0] == "0300000001"  # the socks sold most in the last 14 days
    assert all(r.sources == ("popular",) for r in recs)
    assert engine.known_customers(["alice", "somebody-new"]) == {"alice"}


def test_batch_matches_single_requests_and_default_as_of() -> None:
    engine = RecEngine(connection())
    reqs = [RecRequest("alice", AS_OF), RecRequest("bob", date(2020, 8, 25)), RecRequest("dave", None)]
    batch = engine.recommend_many(reqs, k=5)
    single = [engine.recommend(r.customer_id, r.as_of, k=5) for r in reqs]
    assert [ids(x) for x in batch] == [ids(x) for x in single]
    assert engine.end_date() == date(2020, 9, 2)
    # with as_of=None alice's scarf of 2020-09-01 is history
    assert (
        "repurchase"
        in next(r for r in engine.recommend("alice", None) if r.article_id == "0600000001").sources
    )


def test_protocol_cases() -> None:
    conn = connection()
    cases = {c.customer_id: c for c in leave_last_day_cases(conn)}
    assert set(cases) == {"alice", "bob", "carol", "dave"}
    assert cases["alice"].as_of == date(2020, 9, 1) and cases["alice"].truth == {"0600000001"}
    before = {c.customer_id for c in leave_last_day_cases(conn, before=date(2020, 8, 26))}
    assert before == {"alice", "bob"}
    week = window_cases(conn, date(2020, 8, 28), date(2020, 9, 3))
    assert [(c.customer_id, sorted(c.truth)) for c in week] == [
        ("alice", ["0600000001"]),
        ("dave", ["0300000001", "0600000001"]),
    ]


@pytest.mark.parametrize("summary", [False, True], ids=["transactions", "summary"])
def test_new_arrivals_are_as_of_and_explained(summary: bool) -> None:
    # The belt is first sold on 2020-09-01 (nobody bought it before): as of that day it is unknown,
    # as of 2020-09-10 it is a new arrival of alice's department, and 20 days later it is not new.
    sales = [("2020-09-01", "erin", "0700000001")] * 3 + [("2020-09-03", "erin", "0700000001")]
    engine = RecEngine(connection(TRANSACTIONS + sales, summary))
    assert "0700000001" not in ids(engine.recommend("alice", AS_OF, k=50))
    cands = engine.candidates([RecRequest("alice", AS_OF), RecRequest("alice", date(2020, 9, 10))])
    assert "0700000001" not in [a for a, _n, _age in cands.new.get(AS_OF, [])]
    assert ("0700000001", 4, 9) in cands.new[date(2020, 9, 10)]
    belt = next(r for r in engine.recommend("alice", date(2020, 9, 10), k=50) if r.article_id == "0700000001")
    assert "new" in belt.sources
    assert belt.sources[0] != "new" or belt.reason.startswith("new in")
    # an article sold before the window is never "new"
    late = engine.candidates([RecRequest("alice", date(2020, 9, 25))])
    assert all(a != "0700000001" for a, _n, _age in late.new.get(date(2020, 9, 25), []))
    old = {
        a for a, _n, _age in engine.candidates([RecRequest("bob", date(2020, 8, 30))]).new[date(2020, 8, 30)]
    }
    assert "0300000001" not in old  # socks sold since 2020-08-02: older than the 14-day window
    assert "0600000001" in old  # the scarf's first sale is 2020-08-29


def test_a_request_alone_gets_the_co_purchases_it_gets_in_a_batch() -> None:
    # erin bought the socks 88 days before fay's as-of day, and the red tee 4 days before that: 92 days back, past
    # the 90-day look-back of seeds, but within the co-purchase window of a seed purchase inside it; it counts
    # alone as it does in a batch whose look-back starts earlier
    extra = [("2020-06-05", "erin", "0300000001"), ("2020-06-01", "erin", "0100000003"),
             ("2020-08-30", "fay", "0300000001")]
    engine = RecEngine(connection(TRANSACTIONS + extra))
    alone = engine.recommend("fay", date(2020, 9, 1), k=12)
    batch = engine.recommend_many([RecRequest("bob", date(2020, 1, 1)), RecRequest("fay", date(2020, 9, 1))], k=12)[1]
    assert ids(alone) == ids(batch)
    assert "copurchase" in next(r for r in alone if r.article_id == "0100000003").sources
