"""A photo sent to a shop whose catalog was ingested without images: the reply says a photo can't be searched
here and asks for words, in the shopper's language, instead of "I couldn't find matching products"."""

from __future__ import annotations

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session
from catalog.models import SearchFilters, SearchHit
from reclmms.errors import NoImageIndexError
from tests.agent.fakes import FakeCatalog

PHOTO = b"\x89PNG\r\n\x1a\nfake"


class NoImagesCatalog(FakeCatalog):
    """As the catalog's search with no article images indexed: a caption is searched by its words alone."""

    async def photo_search_available(self) -> bool:
        return False

    async def search_photo(self, photo: bytes, filters: SearchFilters | None = None, k: int = 10,
                           text: str | None = None) -> list[SearchHit]:
        self.calls.append(("search_photo", (len(photo), filters)))
        if text is None:
            raise NoImageIndexError()
        return await self.search_text(text, filters, k)


async def test_a_photo_alone_asks_for_words(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(), cat=NoImagesCatalog()) as service:
        en = await service.ask(Session("en"), "", photo=PHOTO)
        zh = await service.ask(Session("zh"), "类似的", photo=PHOTO)
        wish = await service.ask(Session("wish"), "this in black?", photo=PHOTO)
        replies = service.replies
    assert en.products == [] and en.reply == replies.get("en", "no_photo_search")
    assert en.reply.startswith("I can't search by photo in this shop yet")
    assert zh.products == [] and zh.reply == replies.get("zh", "no_photo_search")
    assert wish.products == [] and wish.reply == replies.get("en", "no_photo_search")
    assert en.tool_calls and en.tool_calls[0]["kind"] == "no_photo_search"


async def test_the_list_shown_before_stays(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(), cat=NoImagesCatalog()) as service:
        shown = await service.ask(Session("s"), "dress")
        await service.ask(Session("s"), "", photo=PHOTO)
        second = await service.ask(Session("s"), "tell me about the second one")
    assert len(shown.products) >= 2
    assert [p.article_id for p in second.products] == [shown.products[1].article_id]


async def test_a_caption_naming_a_kind_is_searched_by_its_words(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(), cat=NoImagesCatalog()) as service:
        en = await service.ask(Session("en"), "a red dress like this", photo=PHOTO)
        zh = await service.ask(Session("zh"), "像这样的红色连衣裙", photo=PHOTO)
        replies = service.replies
    for answer, language in ((en, "en"), (zh, "zh")):
        assert answer.products, language
        assert {p.product_type for p in answer.products} == {"Dress"}, language
        assert answer.reply.startswith(replies.get(language, "photo_words")), answer.reply
        assert answer.tool_calls[0]["kind"] != "no_photo_search"
    assert en.reply.startswith("I can't search by photo in this shop yet, so these match the words")
    assert all(p.colour == "Red" for p in en.products), [p.colour for p in en.products]


async def test_a_caption_naming_nothing_in_the_catalog_still_asks_for_words(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(), cat=NoImagesCatalog()) as service:
        answer = await service.ask(Session("s"), "something like this for a wedding", photo=PHOTO)
        replies = service.replies
    assert answer.products == [] and answer.reply == replies.get("en", "no_photo_search")
