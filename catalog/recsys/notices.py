"""What ``reclmms recommend`` says on stderr about lists that hold best sellers only or nothing.

A list is empty when there is nothing to rank by: the store has no transactions at all (so no
best sellers either), the as-of date is on or before the first sale, or a customer without a
history asks as of a date with no recent sales before it. These notices say which, and never
promise best sellers that a list does not hold; a batch summary counts every row left empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

# How a store without sales gets them; --data DIR reads transactions_train.csv instead.
ADD_TRANSACTIONS = "add them with: reclmms ingest catalog FILE --transactions TX.csv"


@dataclass(frozen=True, slots=True)
class Outcome:
    """One request's result as the notices see it."""

    customer_id: str
    as_of: date | None
    count: int  # how many recommendations it got
    known: bool  # the customer has a customers row or a transaction


def before_sales(as_of: date | None, first: date | None) -> bool:
    """True when nothing was sold before ``as_of`` (transactions on ``as_of`` itself are not used)."""
    return first is None or (as_of is not None and as_of <= first)


def no_transactions(how_to_add: str = ADD_TRANSACTIONS) -> str:
    return f"the store has no transactions, so there are no best sellers ({how_to_add})"


def customer_warning(outcome: Outcome, first: date | None, how_to_add: str = ADD_TRANSACTIONS) -> str:
    """The one ``warning:`` line for a single customer's list, or "" when it needs none."""
    if first is None:
        return f"warning: {no_transactions(how_to_add)}"
    if outcome.as_of is not None and before_sales(outcome.as_of, first):
        return f"warning: there is no sales data before {outcome.as_of} (the first sale is on {first})"
    if outcome.count:
        return "" if outcome.known else f"warning: customer {outcome.customer_id} is unknown; showing best sellers"
    when = f" as of {outcome.as_of}" if outcome.as_of else ""
    if not outcome.known:
        return f"warning: customer {outcome.customer_id} is unknown and there are no best sellers{when} to show"
    return f"warning: there is nothing to recommend to customer {outcome.customer_id}{when}"


def batch_summary(
    outcomes: Sequence[Outcome], first: date | None, seconds: float, how_to_add: str = ADD_TRANSACTIONS
) -> str:
    """The summary line of a batch: every row without recommendations is counted, and why where known."""
    parts = [f"{len(outcomes)} rows in {seconds:.2f} s"]
    best_sellers = sum(1 for o in outcomes if o.count and not o.known)
    if best_sellers:
        parts.append(f"{best_sellers} unknown customer(s) got best sellers")
    empty = [o for o in outcomes if not o.count]
    if not empty:
        return "; ".join(parts)
    if first is None:
        parts.append(f"{len(empty)} row(s) got no recommendations: {no_transactions(how_to_add)}")
        return "; ".join(parts)
    parts.append(f"{len(empty)} row(s) got no recommendations")
    too_early = [o for o in empty if before_sales(o.as_of, first)]
    if too_early:
        parts.append(f"{len(too_early)} row(s) had no sales data before their as_of (the first sale is on {first})")
    unknown = sum(1 for o in empty if not o.known and not before_sales(o.as_of, first))
    if unknown:
        parts.append(f"{unknown} unknown customer(s) had no best sellers to show as of their as_of")
    return "; ".join(parts)
