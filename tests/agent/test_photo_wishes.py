"""A photo with a wish ("in blue", "like this but cheaper") keeps the kind of product in the photo."""

from __future__ import annotations

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session
from catalog.models import SearchFilters, SearchHit
from tests.agent.fakes import FakeCatalog

PHOTO = b"\x89PNG\r\n\x1a\nfake"


class PhotoCatalog(FakeCatalog):
    """Look-alikes of any photo: the red 29.99 "Sunny Midi Dress" first, then every other product."""

    async def search_photo(self, photo: bytes, filters: SearchFilters | None = None, k: int = 10,
                           text: str | None = None) -> list[SearchHit]:
        self.calls.append(("search_photo", (len(photo), filters)))
        f = filters or SearchFilters()
        order = sorted(self.items, key=lambda a: (a.name != "Sunny Midi Dress", a.article_id))
        return [SearchHit(a, 1.0 - i / 100) for i, a in enumerate(a for a in order if self._match(a, f))][:k]


async def test_a_colour_with_a_photo_keeps_its_kind(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down"), cat=PhotoCatalog()) as service:
        blue = await service.ask(Session("blue"), "in blue", photo=PHOTO)
        yellow = await service.ask(Session("yellow"), "in yellow", photo=PHOTO)  # a romper is yellow, no dress
        white = await service.ask(Session("white"), "in white under 10", photo=PHOTO)  # nothing white that cheap
    assert blue.products and {(p.product_type, p.colour) for p in blue.products} == {("Dress", "Blue")}
    assert yellow.products and {p.product_type for p in yellow.products} == {"Dress"}  # the kind stays
    assert yellow.reply.startswith("I found nothing similar that is yellow")
    assert white.products and white.reply.startswith("I found nothing similar that is white and under 10.00")
    assert {p.product_type for p in white.products} == {"Dress"}


async def test_cheaper_than_the_photo(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down"), cat=PhotoCatalog()) as service:
        turn = await service.ask(Session("cheap"), "like this but cheaper", photo=PHOTO)
        plain = await service.ask(Session("plain"), "like this", photo=PHOTO)
    assert turn.tool_calls[0]["args"]["cheaper"] is True
    assert turn.products and all(p.product_type == "Dress" and p.price < 29.99 for p in turn.products)
    assert plain.products[0].name == "Sunny Midi Dress"  # no wish: the look-alikes as they come
    assert "cheaper" not in plain.tool_calls[0]["args"]


async def test_follow_ups_after_look_alikes_keep_their_kind(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down"), cat=PhotoCatalog()) as service:
        shown = await service.ask(Session("f1"), "like this", photo=PHOTO)
        yellow = await service.ask(Session("f1"), "in yellow")  # the yellow product is a romper, not a dress
        await service.ask(Session("f2"), "like this", photo=PHOTO)
        alike = await service.ask(Session("f2"), "more like the second one")
        white = await service.ask(Session("f2"), "in white")  # white: a sweater and a shirt, no dress
    assert {p.product_type for p in shown.products} == {"Dress"}
    assert yellow.tool_calls[0]["args"]["product_type"] == "Dress"
    assert yellow.products and {p.product_type for p in yellow.products} == {"Dress"}
    assert alike.products and {p.product_type for p in alike.products} == {"Dress"}
    assert white.products and {p.product_type for p in white.products} == {"Dress"}
    assert white.reply.startswith("I found nothing similar that is white")


async def test_cheaper_after_a_colour_keeps_the_colour(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down"), cat=PhotoCatalog()) as service:
        await service.ask(Session("c1"), "like this", photo=PHOTO)
        await service.ask(Session("c1"), "more like the second one")
        blue = await service.ask(Session("c1"), "in blue")
        cheaper = await service.ask(Session("c1"), "cheaper")
    assert blue.products and {p.colour for p in blue.products} == {"Blue"}
    assert cheaper.tool_calls[0]["args"].get("colour") == "Blue"
    assert all(p.colour == "Blue" for p in cheaper.products)


async def test_cheaper_after_a_photo_in_a_colour_keeps_the_colour(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down"), cat=PhotoCatalog()) as service:
        blue = await service.ask(Session("c1"), "in blue?", photo=PHOTO)
        cheaper = await service.ask(Session("c1"), "cheaper ones")
    assert blue.products and {p.colour for p in blue.products} == {"Blue"}
    assert cheaper.tool_calls[-1]["args"].get("colour") == "Blue"
    assert all(p.colour == "Blue" for p in cheaper.products)
