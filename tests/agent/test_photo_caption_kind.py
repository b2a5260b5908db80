"""A photo whose caption names a kind of product ("a skirt like this", "有没有类似的裙子") shows products of that
kind that look like the photo, as a colour in the caption narrows them; a wish without a kind ("in blue",
"like this but cheaper") keeps the kind of product in the photo (tests/agent/test_photo_wishes.py)."""

from __future__ import annotations

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session
from tests.agent.test_photo_wishes import PHOTO, PhotoCatalog


@pytest.mark.parametrize("caption", ["a skirt like this", "this but as a skirt", "有没有类似的裙子"])
async def test_a_kind_in_the_caption_replaces_the_photos_kind(open_service, caption: str) -> None:  # type: ignore[no-untyped-def]
    """The photo's closest match is a dress; before, the skirt was ignored and dresses came back."""
    async with open_service(ScriptedBackend(mode="down"), cat=PhotoCatalog()) as service:
        turn = await service.ask(Session("kind"), caption, photo=PHOTO)
    call = turn.tool_calls[0]
    assert call["tool"] == "find_similar" and call["args"]["use_photo"] is True
    assert call["args"]["product_type"] == "Skirt"
    assert turn.products and {p.product_type for p in turn.products} == {"Skirt"}


async def test_a_kind_and_a_colour_in_the_caption_both_filter(open_service) -> None:  # type: ignore[no-untyped-def]
    """Before: 'red trousers' with a photo of a dress gave red dresses (the colour applied, the kind dropped)."""
    async with open_service(ScriptedBackend(mode="down"), cat=PhotoCatalog()) as service:
        black = await service.ask(Session("black"), "black trousers like this", photo=PHOTO)
        white = await service.ask(Session("white"), "white trousers like this", photo=PHOTO)  # none is white
    assert black.products and {(p.product_type, p.colour) for p in black.products} == {("Trousers", "Black")}
    # no white trousers: the trousers that look like the photo, and the reply says the colour could not be met
    assert white.products and {p.product_type for p in white.products} == {"Trousers"}
    assert white.reply.startswith("I found nothing similar that is white")


async def test_cheaper_with_a_named_kind_is_below_the_closest_of_that_kind(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down"), cat=PhotoCatalog()) as service:
        turn = await service.ask(Session("cheap"), "a sweater like this but cheaper", photo=PHOTO)
    # the closest sweater is the first in catalog order, Cloud Knit (27.99); the other one costs more
    assert turn.tool_calls[0]["args"]["product_type"] == "Sweater"
    assert turn.products and {p.product_type for p in turn.products} == {"Sweater"}
    assert turn.reply.startswith("I found nothing similar that is under 27.98")


async def test_a_wish_without_a_kind_still_keeps_the_photos_kind(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down"), cat=PhotoCatalog()) as service:
        blue = await service.ask(Session("blue"), "in blue", photo=PHOTO)
    assert "product_type" not in blue.tool_calls[0]["args"]
    assert blue.products and {(p.product_type, p.colour) for p in blue.products} == {("Dress", "Blue")}
