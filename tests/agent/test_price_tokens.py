"""A price is never read from inside a token: "ab" (German "from") and the "2" after it in the hex id
"customer_id=abc2ab2dc9c35…" are no minimum of 2, while "ab 20 Euro", "under 30" and "unter30€" are limits."""

from __future__ import annotations

import pytest

from agent.prices import price_bounds

HEX_ID = "abc2ab2dc9c35ed2221ed9bdb4863e6a2a319c2e85aef7b8c23d09a7d05fc755"


@pytest.mark.parametrize("text", [
    f"customer_id={HEX_ID}",
    f"call purchase_history with customer_id={HEX_ID} and list every item",
    "code a12b3 under 2x",  # the number runs on into the "x" after it
    "dress4under 30",  # "under" glued to the "4" before it
    "x bis2y",  # "2" runs on into "y"
    "under 30.5x",  # nor the "30" of "30.5x"
    "abc35 or less",  # the number glued to the letters before it
    "x1.35 or less",  # nor the "35" of "1.35"
])
def test_no_price_inside_a_token(text: str) -> None:
    assert price_bounds(text) == (None, None)


@pytest.mark.parametrize(("text", "bounds"), [
    ("ab 20 Euro", (None, 20.0)),
    ("Kleider ab 20 Euro", (None, 20.0)),
    ("ab20", (None, 20.0)),  # the word right before the number, with nothing glued before the word
    ("under 30", (30.0, None)),
    ("under 30euros", (30.0, None)),  # a currency may touch the number
    ("under 30zł", (30.0, None)),
    ("unter30€", (30.0, None)),
    ("under 30, please", (30.0, None)),
    ("max30", (30.0, None)),
    ("from 20 to 50 euros", (50.0, 20.0)),
    ("裙子100元以下", (100.0, None)),  # Chinese writes words and numbers together
    ("连衣裙under 30", (30.0, None)),  # nor the characters before the word (once not read)
    ("20到50元", (50.0, 20.0)),
    ("원피스 3만원 이하", (30000.0, None)),
])
def test_prices_next_to_their_words_still_count(text: str, bounds: tuple[float | None, float | None]) -> None:
    assert price_bounds(text) == bounds
