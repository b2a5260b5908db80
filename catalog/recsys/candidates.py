"""Candidate sources, computed "as of" a date in DuckDB for a batch of requests.

Every query only sees transactions with ``t_dat < as_of`` of its own request (nobody's later
purchases leak in), and each one carries constant date bounds so DuckDB can skip row groups
of a date-ordered ``transactions`` table before joining. Queries that only count sales (and the
article statistics and first sales) read the daily sales summary instead where it is current
(catalog/recsys/summary.py): the same answers from day totals.

Sources, per request:

- **history**: the customer's own purchases (repurchase candidates, and the profile);
- **variants**: other articles of the same ``product_code`` as a past purchase (other colours);
- **co-purchase**: what other customers bought within a few days of buying one of the
  customer's recent items (restricted to those seed items and a lookback window);
- **popularity**: best sellers of the last days before ``as_of``, with article attributes so
  ranking can favour the customer's segment;
- **new arrivals**: articles first sold (by anyone, before ``as_of``) within the last
  ``new_days`` days, so ranking can offer fresh items of the customer's departments and types.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb

from catalog.recsys import summary

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CandidateParams:
    pop_window_days: int = 14
    pop_top: int = 300
    seeds: int = 12
    copurchase_window_days: int = 7
    copurchase_lookback_days: int = 90
    copurchase_top: int = 60
    copurchase_buyers: int = 200  # most recent buyers per seed item: bounds the fan-out of best sellers
    variant_pop_days: int = 60
    new_days: int = 14
    new_top: int = 400
    stats_days: int = 365  # article sales statistics look back this far (bounds the scan)


@dataclass(slots=True)
class HistoryRow:
    article_id: str
    age_days: int  # as_of - t_dat, >= 1
    price: float
    product_code: str
    product_type: str
    index_group: str
    colour: str
    department: str = ""


@dataclass(frozen=True, slots=True)
class ArticleStats:
    """An article's sales by anyone in the ``stats_days`` before an ``as_of`` date."""

    sales: int
    sales_30: int  # in the last 30 days
    first_age: int  # days since its first sale in the window
    last_age: int  # days since its most recent sale
    price: float  # mean price paid
    buyer_age: float | None  # mean age of its buyers, where known


@dataclass(slots=True)
class Candidates:
    """Everything ranking needs, keyed by request index (``rid``)."""

    as_of: list[date]
    history: dict[int, list[HistoryRow]] = field(default_factory=lambda: defaultdict(list))
    # rid -> article -> (via article, via age_days, variant sales in the recent window)
    variants: dict[int, dict[str, tuple[str, int, int]]] = field(default_factory=lambda: defaultdict(dict))
    # as_of -> list of (article, sales since first sale, days since first sale)
    new: dict[date, list[tuple[str, int, int]]] = field(default_factory=dict)
    # rid -> article -> list of (seed article, seed age_days, co-buyers, seed buyers)
    copurchase: dict[int, dict[str, list[tuple[str, int, int, int]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    # as_of -> list of (article, n_last_7_days, n_window, decayed, index_group, product_type)
    popular: dict[date, list[tuple[str, int, int, float, str, str]]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    # article -> (product_type, index_group, department, colour) for every candidate
    attrs: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    # (as_of, article) -> its sales before as_of within ``stats_days``: every candidate with
    # gather(stats=True), else those passed to add_article_stats
    stats: dict[tuple[date, str], ArticleStats] = field(default_factory=dict)
    ages: dict[int, int] = field(default_factory=dict)  # rid -> the customer's age, where known
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step
    summary: bool = False  # whether the daily sales summary (catalog/recsys/summary.py) was read


def _sales(out: Candidates) -> str:
    """Sales (article_id, t_dat, n) between two date parameters: day totals from the summary, or
    raw transactions (n = 1 each); every query that only counts sales reads this."""
    if out.summary:
        return "(SELECT article_id, t_dat, n FROM article_days WHERE t_dat >= ? AND t_dat < ?)"
    return "(SELECT article_id, t_dat, 1 AS n FROM transactions WHERE t_dat >= ? AND t_dat < ?)"


def _bounds(as_of: list[date], days: int) -> tuple[date, date]:
    """The dates a window of ``days`` before the requests reads (from year 1 at the earliest)."""
    first = min(as_of)
    return (first - timedelta(days=days) if first - date.min > timedelta(days=days) else date.min), max(as_of)


def _before(day: date, days: int) -> date:
    """``days`` before ``day``, or the first day of the calendar when that is earlier."""
    return day - timedelta(days=days) if day - date.min > timedelta(days=days) else date.min


History = list[tuple[str, date, float]]  # (article_id, t_dat, price) of one customer


def gather(
    conn: duckdb.DuckDBPyConnection,
    requests: list[tuple[str, date]],
    params: CandidateParams = CandidateParams(),
    histories: list[History] | None = None,
    stats: bool = True,
    use_summary: bool = True,
) -> Candidates:
    """Run the candidate queries for ``requests`` ((customer_id, as_of) pairs) on ``conn``.

    ``conn`` must hold ``transactions``, ``articles`` and ``customers``; a cursor of it is used
    so temp tables stay private to this call. ``histories`` (one per request, e.g. from the
    indexed SQLite history) replaces the scan of ``transactions`` for the customers' own
    purchases; rows on or after a request's ``as_of`` are dropped either way. ``stats=False``
    leaves out the article statistics (see ``add_article_stats``: only a learned ranker needs
    them, and only for the candidates it scores). ``use_summary=False`` reads raw transactions
    even where the daily sales summary is current (the results are the same).
    """
    as_of = [a for _, a in requests]
    out = Candidates(as_of=as_of)
    if not requests:
        return out
    cur = conn.cursor()
    try:
        out.summary = use_summary and summary.is_current(cur)
        _fill(cur, requests, params, out, histories)
        if stats:
            _article_stats(cur, out, _all_pairs(out), params.stats_days)
    finally:
        cur.close()
    return out


def _fill(
    cur: duckdb.DuckDBPyConnection,
    requests: list[tuple[str, date]],
    p: CandidateParams,
    out: Candidates,
    histories: list[History] | None,
) -> None:
    as_of = out.as_of
    hi = max(as_of)
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        out.timings[step] = now - clock
        clock = now

    cur.execute(
        "CREATE TEMP TABLE reqs AS SELECT unnest(?::INTEGER[]) AS rid, unnest(?::VARCHAR[]) AS customer_id, "
        "unnest(?::DATE[]) AS as_of",
        [list(range(len(requests))), [c for c, _ in requests], as_of],
    )
    for rid, age in cur.execute(
        "SELECT r.rid, c.age FROM reqs r JOIN customers c USING (customer_id) WHERE c.age > 0"
    ).fetchall():
        out.ages[int(rid)] = int(age)
    if histories is None:
        cur.execute(
            """CREATE TEMP TABLE hist AS
            SELECT r.rid, t.article_id, t.t_dat, t.price, (r.as_of - t.t_dat) AS age_days
            FROM reqs r JOIN transactions t ON t.customer_id = r.customer_id
            WHERE t.t_dat < r.as_of AND t.t_dat < ?""",
            [hi],
        )
    else:
        flat = [(rid, a, d, pr) for rid, h in enumerate(histories) for a, d, pr in h]
        cur.execute(
            """CREATE TEMP TABLE hist AS
            SELECT h.rid, h.article_id, h.t_dat, h.price, (r.as_of - h.t_dat) AS age_days
            FROM (SELECT unnest(?::INTEGER[]) AS rid, unnest(?::VARCHAR[]) AS article_id,
                         unnest(?::DATE[]) AS t_dat, unnest(?::DOUBLE[]) AS price) h
            JOIN reqs r USING (rid) WHERE h.t_dat < r.as_of""",
            [[f[0] for f in flat], [f[1] for f in flat], [f[2] for f in flat], [f[3] for f in flat]],
        )
    rows = cur.execute(
        """SELECT h.rid, h.article_id, h.age_days, h.price, coalesce(a.product_code, ''),
                  coalesce(a.product_type, ''), coalesce(a.index_group, ''), coalesce(a.colour, ''),
                  coalesce(a.department, '')
        FROM hist h LEFT JOIN articles a ON a.article_id = h.article_id
        ORDER BY h.rid, h.age_days, h.article_id"""
    ).fetchall()
    for rid, aid, age, price, code, ptype, ig, colour, dept in rows:
        out.history[rid].append(HistoryRow(aid, int(age), float(price or 0.0), code, ptype, ig, colour, dept))

    lap("history")

    # Variants: same product_code, not the article itself; with their recent sales as of.
    lo_v, _ = _bounds(as_of, p.variant_pop_days)
    rows = cur.execute(
        f"""WITH h AS (SELECT rid, article_id, min(age_days) AS age FROM hist GROUP BY ALL),
        v AS (
            SELECT h.rid, a2.article_id, first(h.article_id ORDER BY h.age, h.article_id) AS via, min(h.age) AS age
            FROM h JOIN articles a1 ON a1.article_id = h.article_id
            JOIN articles a2 ON a2.product_code = a1.product_code AND a2.article_id <> a1.article_id
            GROUP BY ALL
        ),
        sold AS (
            SELECT v.rid, v.article_id, coalesce(sum(t.n), 0) AS n
            FROM v JOIN reqs r USING (rid)
            LEFT JOIN {_sales(out)} t
              ON t.article_id = v.article_id AND t.t_dat < r.as_of AND t.t_dat >= r.as_of - ?::INTEGER
            GROUP BY ALL
        )
        SELECT v.rid, v.article_id, v.via, v.age, sold.n FROM v JOIN sold USING (rid, article_id)""",
        [lo_v, hi, p.variant_pop_days],
    ).fetchall()
    for rid, aid, via, age, n in rows:
        out.variants[rid][aid] = (via, int(age), int(n))

    lap("variants")

    # Co-purchase from the customer's most recent distinct items (seeds).
    lo_c, _ = _bounds(as_of, p.copurchase_lookback_days)
    cur.execute(
        """CREATE TEMP TABLE seeds AS
        SELECT rid, article_id, min(age_days) AS age FROM hist GROUP BY rid, article_id
        QUALIFY row_number() OVER (PARTITION BY rid ORDER BY min(age_days), article_id) <= ?""",
        [p.seeds],
    )
    cur.execute(
        """CREATE TEMP TABLE buyers AS
        SELECT s.rid, s.article_id AS seed, s.age AS seed_age, t.customer_id, t.t_dat, r.as_of
        FROM seeds s JOIN reqs r USING (rid)
        JOIN (SELECT customer_id, article_id, t_dat FROM transactions WHERE t_dat >= ? AND t_dat < ?) t
          ON t.article_id = s.article_id
        WHERE t.t_dat < r.as_of AND t.t_dat >= r.as_of - ?::INTEGER AND t.customer_id <> r.customer_id
        QUALIFY row_number() OVER (PARTITION BY s.rid, s.article_id ORDER BY t.t_dat DESC, t.customer_id) <= ?""",
        [lo_c, hi, p.copurchase_lookback_days, p.copurchase_buyers],
    )
    rows = cur.execute(
        """WITH nb AS (SELECT rid, seed, count(DISTINCT customer_id) AS n_seed FROM buyers GROUP BY ALL),
        pairs AS (
            SELECT b.rid, b.seed, t.article_id, count(DISTINCT b.customer_id) AS n
            FROM buyers b
            JOIN (SELECT customer_id, article_id, t_dat FROM transactions WHERE t_dat >= ? AND t_dat < ?) t
              ON t.customer_id = b.customer_id
            WHERE t.t_dat < b.as_of AND t.article_id <> b.seed
              AND t.t_dat BETWEEN b.t_dat - ?::INTEGER AND b.t_dat + ?::INTEGER
            GROUP BY ALL
        )
        SELECT p.rid, p.article_id, p.seed, s.age, p.n, nb.n_seed
        FROM pairs p JOIN nb USING (rid, seed) JOIN seeds s ON s.rid = p.rid AND s.article_id = p.seed
        QUALIFY row_number() OVER (PARTITION BY p.rid ORDER BY p.n DESC, p.article_id) <= ?""",
        # a buyer's other purchases from ``copurchase_window_days`` before the earliest seed purchase read
        [_before(lo_c, p.copurchase_window_days), hi, p.copurchase_window_days, p.copurchase_window_days,
         p.copurchase_top],
    ).fetchall()
    for rid, aid, seed, age, n, n_seed in rows:
        out.copurchase[rid][aid].append((seed, int(age), int(n), int(n_seed)))

    lap("copurchase")

    # Popularity per distinct as_of date.
    lo_p, _ = _bounds(as_of, p.pop_window_days)
    rows = cur.execute(
        f"""WITH days AS (SELECT DISTINCT as_of FROM reqs),
        s AS (
            SELECT d.as_of, t.article_id,
                   coalesce(sum(t.n) FILTER (WHERE d.as_of - t.t_dat <= 7), 0) AS n7,
                   sum(t.n) AS total,
                   round(sum(t.n / (d.as_of - t.t_dat)), 9) AS decayed  -- rounded: ties never hang on float sums
            FROM days d
            JOIN {_sales(out)} t
              ON t.t_dat < d.as_of AND t.t_dat >= d.as_of - ?::INTEGER
            GROUP BY d.as_of, t.article_id
            QUALIFY row_number() OVER (PARTITION BY d.as_of ORDER BY decayed DESC, t.article_id) <= ?
                 OR row_number() OVER (PARTITION BY d.as_of ORDER BY total DESC, t.article_id) <= ?
        )
        SELECT s.as_of, s.article_id, s.n7, s.total, s.decayed, coalesce(a.index_group, ''),
               coalesce(a.product_type, '')
        FROM s LEFT JOIN articles a USING (article_id)
        ORDER BY s.as_of, s.decayed DESC, s.article_id""",
        [lo_p, hi, p.pop_window_days, p.pop_top, p.pop_top],
    ).fetchall()
    for day, aid, n7, n, dec, ig, ptype in rows:
        out.popular.setdefault(day, []).append((aid, int(n7), int(n), float(dec), ig, ptype))

    lap("popularity")

    # New arrivals per distinct as_of: sold in the last new_days, never before that window.
    lo_n, _ = _bounds(as_of, p.new_days)
    if out.summary:  # each article's first sale, looked up
        older = "SELECT article_id, first FROM article_first_sale WHERE first < ?"
    else:
        older = """SELECT article_id, min(t_dat) AS first FROM transactions
            WHERE t_dat < ? AND article_id IN (SELECT article_id FROM recent) GROUP BY ALL"""
    # the first sale lies in the window, so it is the first sale before as_of
    rows = cur.execute(
        f"""WITH days AS (SELECT DISTINCT as_of FROM reqs),
        recent AS (
            SELECT d.as_of, t.article_id, sum(t.n) AS n
            FROM days d
            JOIN {_sales(out)} t
              ON t.t_dat < d.as_of AND t.t_dat >= d.as_of - ?::INTEGER
            GROUP BY ALL
        ),
        older AS ({older})
        SELECT r.as_of, r.article_id, r.n, r.as_of - o.first
        FROM recent r JOIN older o USING (article_id)
        WHERE o.first >= r.as_of - ?::INTEGER
        QUALIFY row_number() OVER (PARTITION BY r.as_of ORDER BY r.n DESC, r.article_id) <= ?
        ORDER BY r.as_of, r.n DESC, r.article_id""",
        [lo_n, hi, p.new_days, hi, p.new_days, p.new_top],
    ).fetchall()
    for day, aid, n, age in rows:
        out.new.setdefault(day, []).append((aid, int(n), int(age)))

    lap("new arrivals")

    ids = {h.article_id for hs in out.history.values() for h in hs}
    cand_ids = set(ids)
    for v in out.variants.values():
        cand_ids.update(v)
    for co in out.copurchase.values():
        cand_ids.update(co)
    for pops in out.popular.values():
        cand_ids.update(x[0] for x in pops)
    for news in out.new.values():
        cand_ids.update(x[0] for x in news)
    if cand_ids:
        rows = cur.execute(
            "SELECT article_id, name, product_type, index_group, department, colour FROM articles "
            "WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
            [sorted(cand_ids)],
        ).fetchall()
        for aid, name, ptype, ig, dept, colour in rows:
            out.attrs[aid] = (ptype or "", ig or "", dept or "", colour or "")
            if aid in ids:
                out.names[aid] = name or aid
    lap("attributes")
    logger.debug("candidates for %d requests: %s", len(requests), out.timings)


def add_article_stats(
    conn: duckdb.DuckDBPyConnection, out: Candidates, pairs: set[tuple[date, str]], days: int
) -> None:
    """Fill ``out.stats`` for ``pairs`` of (as_of, article): sales before as_of within ``days``."""
    cur = conn.cursor()
    try:
        _article_stats(cur, out, pairs, days)
    finally:
        cur.close()


def _all_pairs(out: Candidates) -> set[tuple[date, str]]:
    pairs: set[tuple[date, str]] = set()
    for rid, day in enumerate(out.as_of):
        pairs.update((day, h.article_id) for h in out.history.get(rid, []))
        pairs.update((day, a) for a in out.variants.get(rid, {}))
        pairs.update((day, a) for a in out.copurchase.get(rid, {}))
    for day, pops in out.popular.items():
        pairs.update((day, x[0]) for x in pops)
    for day, news in out.new.items():
        pairs.update((day, x[0]) for x in news)
    return pairs


def _article_stats(
    cur: duckdb.DuckDBPyConnection, out: Candidates, pairs: set[tuple[date, str]], days: int
) -> None:
    """Sales statistics of the (as_of, article) ``pairs`` (one scan for the batch)."""
    started = time.perf_counter()
    pairs = {p for p in pairs if p not in out.stats}
    if not pairs:
        return
    ordered = sorted(pairs)
    lo, hi = _bounds(out.as_of, days)
    if out.summary:  # day totals, with their buyers' ages already summed
        source = """(SELECT article_id, t_dat, n, price_sum, age_sum, age_n FROM article_days
                     WHERE t_dat >= ? AND t_dat < ?) t"""
        values = """sum(t.n), coalesce(sum(t.n) FILTER (WHERE p.as_of - t.t_dat <= 30), 0),
               max(p.as_of - t.t_dat), min(p.as_of - t.t_dat), sum(t.price_sum) / sum(t.n),
               sum(t.age_sum) / nullif(sum(t.age_n), 0)"""
        ages = ""
    else:
        source = """(SELECT article_id, customer_id, t_dat, price FROM transactions
                     WHERE t_dat >= ? AND t_dat < ?) t"""
        values = """count(*), count(*) FILTER (WHERE p.as_of - t.t_dat <= 30),
               max(p.as_of - t.t_dat), min(p.as_of - t.t_dat), avg(t.price), avg(c.age)"""
        ages = "LEFT JOIN (SELECT customer_id, age FROM customers WHERE age > 0) c ON c.customer_id = t.customer_id"
    rows = cur.execute(
        f"""WITH p AS (SELECT unnest(?::DATE[]) AS as_of, unnest(?::VARCHAR[]) AS article_id)
        SELECT p.as_of, p.article_id, {values}
        FROM p JOIN {source}
          ON t.article_id = p.article_id AND t.t_dat < p.as_of AND t.t_dat >= p.as_of - ?::INTEGER
        {ages}
        GROUP BY ALL""",
        [[d for d, _ in ordered], [a for _, a in ordered], lo, hi, days],
    ).fetchall()
    for day, aid, n, n30, first, last, price, age in rows:
        out.stats[(day, aid)] = ArticleStats(
            int(n), int(n30), int(first), int(last), float(price or 0.0), None if age is None else float(age)
        )
    out.timings["article stats"] = out.timings.get("article stats", 0.0) + time.perf_counter() - started
