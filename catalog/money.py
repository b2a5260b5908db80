"""Prices as a shopper reads them: the decimal and grouping marks of their language (CLDR data, via Babel).

The catalog has no currency of its own (the H&M prices are scaled), so only the number is
written: 1,234.50 for English, 1.234,50 for German, 1 234,50 for French. Prices under 1 keep up to
four decimals (0.0508), as the scaled H&M prices need. Machine output (``--json``) keeps numbers.
"""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal

DEFAULT_LANGUAGE = "en"


@functools.lru_cache(maxsize=64)
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_")) if language else Locale.parse(DEFAULT_LANGUAGE)
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(DEFAULT_LANGUAGE)


def format_price(price: float, language: str = DEFAULT_LANGUAGE) -> str:
    """``price`` with two decimals (up to four under 1), in ``language``'s number format."""
    pattern = "#,##0.00" if abs(price) >= 1 else "0.00##"
    return format_decimal(price, format=pattern, locale=_locale(language), decimal_quantization=True)
