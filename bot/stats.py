"""The admin figures behind ``/stats`` and ``reclmms stats``, and the daily-activity chart."""

from __future__ import annotations

import asyncio
import io
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.rendering import counted, esc
from bot.store import MetricsStore, Rows
from reclmms.errors import StoreError

DAY_S = 86400


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank-with-interpolation percentile (q in 0..100) of ``values``."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


async def _latency(rows: Rows, answered: int, q: float) -> float | None:
    """``percentile`` of the answered turns' seconds, read in SQL from the index on (ok, seconds): the two
    values around the rank, not every turn's."""
    if answered <= 0:
        return None
    pos = (answered - 1) * q / 100.0
    xs = [float(r[0]) for r in await rows(
        "SELECT seconds FROM bot_turns WHERE ok = 1 ORDER BY seconds LIMIT 2 OFFSET ?", (int(pos),))]
    return percentile(xs, (pos - int(pos)) * 100.0) if xs else None


# each tool list once, with the number of turns that used it, then its tools (a list that is no JSON array: none)
_TOOLS_SQL = (
    "SELECT CAST(j.value AS TEXT), SUM(g.n) AS uses FROM (SELECT tools, COUNT(*) AS n FROM bot_turns GROUP BY tools) AS g,"
    " json_each(CASE WHEN json_valid(g.tools) AND json_type(g.tools) = 'array' THEN g.tools ELSE '[]' END) AS j"
    " GROUP BY 1 ORDER BY uses DESC, 1"
)


async def collect_stats(
    metrics: MetricsStore,
    *,
    backend: str = "",
    health: dict[str, Any] | None = None,
    search: dict[str, Any] | None = None,
    days: int = 14,
    now: float | None = None,
) -> dict[str, Any]:
    """The figures; ``search`` is the search index's health (``catalog.search_health``), shown when given.

    Every figure is counted in SQL (the all-time ones over the whole tables) on a connection of its own
    (``MetricsStore.reading``): neither the event loop nor the shared connection's other work waits for the counts
    of a large database. Tables that cannot be flushed or read raise ``StoreError`` (a damaged file: the one line
    naming it, to restore it from a backup): ``stats_unavailable_html`` tells the admin."""
    now = time.time() if now is None else now
    async with metrics.reading() as rows:
        figures = await _figures(rows, now, days, {"backend": backend, "health": health})
    if search is not None:
        figures["search"] = search
    return figures


async def _figures(rows: Rows, now: float, days: int, llm: dict[str, Any]) -> dict[str, Any]:
    async def scalar(sql: str, *params: Any) -> int:
        found = await rows(sql, params)
        return int(found[0][0] or 0) if found else 0

    turns, answered, photos, dropped, failed, cancelled = (await rows(
        "SELECT COUNT(*), TOTAL(ok = 1), TOTAL(photo = 1), TOTAL(ungrounded_dropped), TOTAL(ok = 0 AND cancelled = 0),"
        " TOTAL(cancelled = 1) FROM bot_turns"
    ))[0]
    latency = {f"p{q}": await _latency(rows, int(answered), q) for q in (50, 95)}
    tools = await rows(_TOOLS_SQL)
    terms = await rows(
        "SELECT kind, value, COUNT(*) AS n FROM bot_turn_terms GROUP BY kind, value ORDER BY n DESC, value"
    )
    start_day = datetime.fromtimestamp(now, UTC).date() - timedelta(days=days - 1)
    since = datetime(start_day.year, start_day.month, start_day.day, tzinfo=UTC).timestamp()
    per_day: dict[str, dict[str, int]] = {
        (start_day + timedelta(days=i)).isoformat(): {"messages": 0, "turns": 0, "users": 0} for i in range(days)
    }
    for day, n, users in await rows(
        "SELECT date(at, 'unixepoch'), COUNT(*), COUNT(DISTINCT user_id) FROM bot_messages WHERE at >= ? GROUP BY 1",
        (since,),
    ):
        if day in per_day:
            per_day[day]["messages"] = int(n)
            per_day[day]["users"] = int(users)
    for day, n in await rows(
        "SELECT date(at, 'unixepoch'), COUNT(*) FROM bot_turns WHERE at >= ? GROUP BY 1", (since,)
    ):
        if day in per_day:
            per_day[day]["turns"] = int(n)

    def rnd(x: float | None) -> float | None:
        return None if x is None else round(x, 3)

    figures: dict[str, Any] = {
        "users": await scalar("SELECT COUNT(*) FROM bot_users"),
        "active_24h": await scalar("SELECT COUNT(DISTINCT user_id) FROM bot_messages WHERE at >= ?", now - DAY_S),
        "active_7d": await scalar("SELECT COUNT(DISTINCT user_id) FROM bot_messages WHERE at >= ?", now - 7 * DAY_S),
        "linked_users": await scalar("SELECT COUNT(*) FROM bot_links"),
        "messages": await scalar("SELECT COUNT(*) FROM bot_messages"),
        "turns": int(turns),
        "turn_latency_s": {k: rnd(v) for k, v in latency.items()},
        "tool_usage": {str(name): int(n) for name, n in tools},
        "top_categories": [[v, int(n)] for k, v, n in terms if k == "category"][:5],
        "top_colours": [[v, int(n)] for k, v, n in terms if k == "colour"][:5],
        "photos": int(photos),
        "ungrounded_dropped": int(dropped),
        "errors": await scalar("SELECT COUNT(*) FROM bot_errors"),
        # a turn is answered (ok), stopped with /cancel, or failed on an error (each one also in "errors")
        "failed_turns": int(failed),
        "cancelled_turns": int(cancelled),
        "llm": llm,
        "daily": [{"day": d, **v} for d, v in per_day.items()],
    }
    return figures


def _fmt_top(pairs: list[list[Any]]) -> str:
    return ", ".join(f"{v} ({n})" for v, n in pairs) or "–"


def _seconds(x: Any) -> str | None:
    return f"{x:.1f} s" if isinstance(x, int | float) and not isinstance(x, bool) else None


def _llm_lines(backend: str, health: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The model, its backend and health, for a person: "qwen2.5-coder-1.5b · embedded · ok ·
    loaded in 4.2 s", then what the running backend counted since the bot (re)started."""
    if health is None:
        return [("LLM backend", f"{backend or '?'} · not checked")]
    down = health.get("ok") is False or health.get("status") in ("down", "none")
    state = "down" if down else "loading" if health.get("loading") else "ok"
    error = health.get("error") or health.get("last_error")
    if down and error:
        state += f" ({error})"
    name, kind = health.get("model"), str(health.get("backend") or backend or "?")
    parts = [str(name), kind] if name and str(name) != kind else [kind]
    parts.append(state)
    if _seconds(health.get("load_seconds")):
        parts.append(f"loaded in {_seconds(health['load_seconds'])}")
    if _seconds(health.get("last_latency_s")):
        parts.append(f"last answer {_seconds(health['last_latency_s'])}")
    counts = []
    if isinstance(health.get("turns"), int):
        counts.append(f"{counted(health['turns'], 'turn')}, model failures {health.get('llm_failures', 0)}")
    tool_stats = health.get("tool_stats")
    if isinstance(tool_stats, dict) and tool_stats:
        counts.append("tool choice " + " · ".join(f"{k} {v}" for k, v in tool_stats.items()))
    lines = [("LLM backend", " · ".join(parts))]
    if counts:
        lines.append(("LLM since restart", "; ".join(counts)))
    return lines


def _turns(stats: dict[str, Any]) -> str:
    """Such as "86: 84 answered, 1 stopped with /cancel, 1 failed on an error"."""
    failed, cancelled = stats["failed_turns"], stats.get("cancelled_turns", 0)
    answered = stats["turns"] - failed - cancelled
    return f"{stats['turns']}: {answered} answered, {cancelled} stopped with /cancel, {failed} failed on an error"


def stats_lines(stats: dict[str, Any]) -> list[tuple[str, str]]:
    """Label and value per line; counts are all time (the bot's database) unless the label says
    "since restart" (the running model backend's own counters)."""
    lat = stats["turn_latency_s"]

    def sec(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f} s"

    return [
        ("users", f"{stats['users']} (linked {stats['linked_users']})"),
        ("active 24h / 7d", f"{stats['active_24h']} / {stats['active_7d']}"),
        ("messages", str(stats["messages"])),
        ("turns", _turns(stats)),
        ("turn latency p50 / p95", f"{sec(lat['p50'])} / {sec(lat['p95'])}"),
        ("tool usage (all time)", ", ".join(f"{k} {v}" for k, v in stats["tool_usage"].items()) or "–"),
        ("top categories asked for", _fmt_top(stats["top_categories"])),
        ("top colours asked for", _fmt_top(stats["top_colours"])),
        ("photos handled", str(stats["photos"])),
        ("ungrounded dropped", str(stats["ungrounded_dropped"])),
        ("errors", f"{stats['errors']} (failed turns, and any other update that ended on an error)"),
        *_llm_lines(stats["llm"]["backend"], stats["llm"]["health"]),
        *([("search index", str(stats["search"].get("summary") or stats["search"].get("status")))]
          if stats.get("search") else []),
    ]


def stats_text(stats: dict[str, Any]) -> str:
    width = max(len(k) for k, _ in stats_lines(stats))
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in stats_lines(stats))


def stats_html(stats: dict[str, Any]) -> str:
    return "<b>RecLMMs stats</b> (all time, unless marked “since restart”)\n" + "\n".join(f"<b>{esc(k)}</b>: {esc(v)}" for k, v in stats_lines(stats))


def stats_unavailable_html(exc: StoreError) -> str:
    """/stats when the figures cannot be read: why, in one line (a damaged file: which, and to restore it from a
    backup), instead of a generic apology."""
    return f"<b>RecLMMs stats</b> are unavailable: {esc(str(exc))}"


def _chart(daily: list[dict[str, Any]]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3.6), dpi=100)
    ax = fig.add_subplot()
    days = [d["day"][5:] for d in daily]
    xs = range(len(days))
    ax.bar([x - 0.2 for x in xs], [d["messages"] for d in daily], width=0.4, label="messages")
    ax.bar([x + 0.2 for x in xs], [d["turns"] for d in daily], width=0.4, label="turns")
    ax.plot(list(xs), [d["users"] for d in daily], marker="o", color="black", label="active users")
    ax.set_xticks(list(xs), days, rotation=45, fontsize=8)
    ax.set_title("RecLMMs daily activity (UTC)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


async def activity_chart(stats: dict[str, Any]) -> bytes:
    """A PNG of daily messages, turns and active users (matplotlib, Agg, off the event loop)."""
    return await asyncio.to_thread(_chart, stats["daily"])
