"""The one-line reason shown with a recommendation, from the source that contributes most."""

from __future__ import annotations

from datetime import date, timedelta

from catalog.recsys.candidates import Candidates


def _when(as_of: date, age_days: int) -> str:
    if age_days <= 1:
        return "yesterday"
    if age_days < 7:
        return f"{age_days} days ago"
    return f"in {(as_of - timedelta(days=age_days)).strftime('%B %Y')}"


Why = dict[str, tuple[str, int]]  # source -> (related article or index group, age in days)


def explain(c: Candidates, rid: int, source: str, detail: tuple[str, int]) -> str:
    """The one-line reason for a candidate of ``source`` (formatted lazily: only the top k need it)."""
    as_of = c.as_of[rid]
    ref, age = detail
    if source == "repurchase":
        return f"you bought this {_when(as_of, age)}"
    if source == "variant":
        return f"another colour of the {c.names.get(ref, ref)} you bought {_when(as_of, age)}"
    if source == "copurchase":
        return f"often bought with the {c.names.get(ref, ref)}"
    if source == "new":
        return f"new in {ref}" if ref else "new this fortnight"
    return f"popular{f' in {ref}' if ref else ''} over the last two weeks"
