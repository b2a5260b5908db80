"""The word lists of the intent rules hold only words their tokenizer can produce."""

from __future__ import annotations

import pytest

from agent import intents
from agent.intents import classify


def test_every_personal_word_is_one_the_tokenizer_produces() -> None:
    # _names_a_subject compares the words of _LATIN_WORD, stripped of "'" and "-", with _PERSONAL_WORDS:
    # an entry with any other character ("me?") can never match
    unreachable = sorted(w for w in intents._PERSONAL_WORDS
                         if not intents._LATIN_WORD.fullmatch(w) or w != w.strip("'-"))
    assert unreachable == []


@pytest.mark.parametrize(("text", "intent"), [
    ("recommend something for me?", "recommend"),
    ("what would you recommend for me?", "recommend"),
    ("any suggestions for a beach holiday?", "search"),
])
def test_a_request_for_picks_that_says_what_for_is_a_search(text: str, intent: str) -> None:
    assert classify(text, has_shown=False, has_photo=False).intent == intent


@pytest.mark.parametrize("text", [
    "hello, what can you do?", "hi! what can you do", "hey there, how does this work?", "can you help me?",
    "hola, ¿qué puedes hacer?", "你好，你能做什么？", "bonjour, que peux-tu faire ?", "Hallo, was kannst du?",
    "what do you do", "help me please",
])
def test_a_question_about_the_assistant_after_a_greeting_is_help(text: str) -> None:
    assert classify(text, has_shown=False, has_photo=False).intent == "help"


@pytest.mark.parametrize("text", ["can you help me find a red dress?", "hi, I need help with a dress"])
def test_help_with_something_to_find_is_no_help_request(text: str) -> None:
    assert classify(text, has_shown=False, has_photo=False).intent != "help"
