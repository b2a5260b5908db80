""""Show me more" again goes on to the next page of the same list, never back to one shown before: it had
alternated between the first and the second page (on the H&M store and the demo catalog alike). When every match has
been shown, the reply says so."""

from __future__ import annotations

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session
from tests.agent.fakes import FakeCatalog, dress_colourways

DRESSES = 17  # with the fake catalog's own dresses: more than three pages of five


class ManyDresses(FakeCatalog):
    def __init__(self) -> None:
        super().__init__()
        for n in range(DRESSES):
            code = f"09{n:05d}"
            for article in dress_colourways(code, f"Dress {n}", {f"{code}001": "Black"}, 10.0 + n):
                self.items.append(article)
                self.by_id[article.article_id] = article


async def test_each_more_shows_new_products_until_none_are_left(open_service) -> None:  # type: ignore[no-untyped-def]
    catalog = ManyDresses()
    total = sum(1 for a in catalog.items if a.product_type == "Dress")
    async with open_service(ScriptedBackend(mode="down"), catalog) as service:
        s = Session("pages")
        pages = [await service.ask(s, "dresses")]
        while pages[-1].products and len(pages) < 10:
            pages.append(await service.ask(s, "show me more"))
    shown = [p.article_id for page in pages for p in page.products]
    assert len(pages) >= 5, [len(p.products) for p in pages]  # four pages of five or more, then none
    assert len(shown) == len(set(shown)), "a page repeated products shown before"
    assert len(shown) == total  # every dress, once
    assert pages[-1].products == [] and pages[-1].reply.startswith("That is everything I have")


async def test_another_request_starts_the_pages_anew(open_service) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend(mode="down"), ManyDresses()) as service:
        s = Session("anew")
        first = await service.ask(s, "dresses")
        await service.ask(s, "show me more")
        again = await service.ask(s, "dresses")
        more = await service.ask(s, "show me more")
    assert [p.article_id for p in again.products] == [p.article_id for p in first.products]
    assert more.products and not {p.article_id for p in more.products} & {p.article_id for p in again.products}
