"""Prices in the shopper's number format: decimal and grouping marks per language, no currency."""

from __future__ import annotations

import pytest

from catalog.money import format_price


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "29.99"), ("zh", "29.99"), ("ja", "29.99"), ("hi", "29.99"),
    ("de", "29,99"), ("es", "29,99"), ("fr", "29,99"), ("ru", "29,99"), ("sv", "29,99"), ("pl", "29,99"),
])
def test_two_decimals_with_the_languages_decimal_mark(language: str, expected: str) -> None:
    assert format_price(29.99, language) == expected


def test_rounding_grouping_and_small_prices() -> None:
    assert format_price(9.999, "en") == "10.00"
    assert format_price(20, "en") == "20.00"
    assert format_price(1234.5, "en") == "1,234.50"
    assert format_price(1234.5, "de") == "1.234,50"
    assert format_price(0.0508, "en") == "0.0508"  # the scaled H&M prices keep four decimals
    assert format_price(0.0508, "fr") == "0,0508"
    assert format_price(0.5, "en") == "0.50"


@pytest.mark.parametrize("language", ["", "xx", "not a language", "zh-hant", "pt-BR", "en_GB"])
def test_any_language_code_gives_a_price(language: str) -> None:
    assert format_price(29.99, language) in {"29.99", "29,99"}
