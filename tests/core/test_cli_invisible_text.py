"""`reclmms ask` and `reclmms search` treat a text of only invisible characters (zero-width space, joiners, the
byte-order mark) as they treat one of spaces: "say what you are looking for", exit 2, no search."""

from __future__ import annotations

import pytest

from reclmms.cli import main
from tests.core.conftest import err_line

INVISIBLE = ["\u200b\u200b", "\u200b\u200c\u200d\ufeff", " \u2060 ", "   "]


@pytest.mark.parametrize("text", INVISIBLE)
def test_ask_with_invisible_text_says_what_to_type(store: str, capsys: pytest.CaptureFixture[str], text: str) -> None:
    assert main(["--config", store, "ask", text, "--json", "--backend", "scripted"]) == 2
    assert "say what you are looking for" in err_line(capsys)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("text", INVISIBLE)
def test_search_with_invisible_text_is_an_empty_query(store: str, capsys: pytest.CaptureFixture[str],
                                                      text: str) -> None:
    assert main(["--config", store, "search", text, "--k", "2", "--json"]) == 2
    assert "the search query is empty" in err_line(capsys)
