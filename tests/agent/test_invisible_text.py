"""A turn whose text is only invisible characters is an empty turn (the "tell me what you are looking for" reply, no
search), as one of spaces is; a zero-width joiner inside an emoji stays in the text (only the emptiness check and a
search query drop such characters)."""

from __future__ import annotations

from typing import Any

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.text_input import is_blank, searchable_text
from agent.turn import Session


def test_invisible_format_characters_and_whitespace_are_blank() -> None:
    for text in ("", None, "   ", "\u200b\u200b", "\u200b\u200c\u200d\ufeff", "\n\u2060\u200e\t\u00ad", "\u3000\u200b"):
        assert is_blank(text), repr(text)
    for text in ("a", "\u200ba\u200b", "👍", "\U0001f469\u200d\U0001f4bb"):
        assert not is_blank(text), repr(text)
    assert searchable_text(" \u200bred\u200b dress\ufeff ") == "red dress"


@pytest.mark.parametrize("text", ["\u200b\u200b", "\u200b\u200c\u200d\ufeff", "   "])
async def test_an_invisible_message_is_an_empty_turn(open_service: Any, text: str) -> None:
    async with open_service(ScriptedBackend()) as service:
        result = await service.ask(Session("invisible"), text)
    assert result.intent == "empty" and not result.products and not result.tool_calls
