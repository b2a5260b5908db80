"""Clothing and colour emoji name what they show ("🔴👗" is a red dress); a message of other emoji, punctuation, blank
letters or one letter says nothing, and gets the reply that asks what the shopper looks for, not five products."""

from __future__ import annotations

import pytest

from agent.emoji_words import says_nothing, with_emoji_words
from agent.prompts import Replies
from agent.text_input import is_blank
from tests.agent.conversation import converse


@pytest.mark.parametrize("text", ["😀", "👍👍", "a", "?!", "...", "\u3164", "x 🙂"])
def test_these_say_nothing(text: str) -> None:
    assert says_nothing(text)


@pytest.mark.parametrize("text", ["裙", "2", "ok", "dress", "red dress", "red dress"])
def test_these_say_something(text: str) -> None:
    assert not says_nothing(text)


def test_blank_letters_are_blank() -> None:
    assert is_blank("\u3164") and is_blank("\u2800 \u3164") and not is_blank("\u3164 hi")


def test_clothing_and_colour_emoji_become_words() -> None:
    assert with_emoji_words("🔴👗") == "red dress"
    assert with_emoji_words("something like 👖 please") == "something like jeans please"
    assert with_emoji_words("no emoji here") == "no emoji here"


@pytest.mark.parametrize("text", ["😀", "a", "🙂🙂"])
async def test_a_message_that_says_nothing_shows_nothing(open_service, text: str) -> None:  # type: ignore[no-untyped-def]
    (result,) = await converse(open_service, "nothing", text)
    assert result.intent == "empty" and not result.products
    assert result.reply == Replies().get("en", "empty")


async def test_a_dress_emoji_finds_dresses(open_service) -> None:  # type: ignore[no-untyped-def]
    (result,) = await converse(open_service, "emoji", "👗")
    assert result.products and all(p.product_type == "Dress" for p in result.products)
