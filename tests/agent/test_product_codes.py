"""An H&M product code the shopper types ("0512466", or "512466": the first 7 digits of article 0512466002) shows
that product's articles in all colours by rule, as a typed article id shows its card; an unknown code, or a number
too long for an article id ("05124660021"), gets the reply that no product has that number, never a search of the
digits. Prices, years and sizes are no product codes."""

from __future__ import annotations

import pytest

from agent.intents import find_product_numbers, without_article_ids
from agent.llm.scripted import ScriptedBackend
from agent.prompts import Replies
from agent.turn import Session
from catalog.models import Article

CODE = "0512466"
VARIANTS = {f"{CODE}001": "Brown", f"{CODE}002": "Red", f"{CODE}003": "Blue"}
OTHER = "0512467001"  # the next product code: none of 0512466's articles


def _add_variants(catalog) -> None:  # type: ignore[no-untyped-def]
    """The fake catalog with one shirt dress in three colours, and a dress of the next product code."""
    rows = [*VARIANTS.items(), (OTHER, "Black")]
    for article_id, colour in rows:
        article = Article(article_id=article_id, product_code=article_id[:7], name="Shirt dress", product_type="Dress",
                          colour=colour, colour_master=colour, index_group="Ladieswear", price=26.99,
                          description=f"A {colour.lower()} shirt dress.", product_group="Garment", garment_group="Dress")
        catalog.items.append(article)
        catalog.by_id[article_id] = article


def _ids(turn) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.article_id for p in turn.products]


def test_a_code_is_a_standalone_run_of_six_or_seven_digits_that_is_no_price() -> None:
    assert find_product_numbers("0512466") == [CODE] and find_product_numbers("512466") == [CODE]
    assert find_product_numbers("more like 0512466 please") == [CODE]
    assert find_product_numbers("cheaper than 0512466") == [CODE]  # no price begins with 0
    assert find_product_numbers("0512466002 and 0512466") == ["0512466002", CODE]
    assert find_product_numbers("05124660021") == ["05124660021"]  # a digit too many: as typed
    assert find_product_numbers("0512466,512467") == [CODE, "0512467"]
    for text in ("dresses under 30", "size 38", "a dress from 2020", "under 100000", "100000 руб", "€512466",
                 "between 100000 and 200000", "20200915", "12345678", "1.234567", "under 0.050847", "до 150000",
                 "customer 000058a12d5b43e6"):
        assert find_product_numbers(text) == [], text
    assert without_article_ids("0512466 under 30").split() == ["under", "30"]
    assert without_article_ids("dresses under 100000") == "dresses under 100000"


@pytest.mark.parametrize("text", [CODE, CODE.lstrip("0"), f"show me {CODE}", f"tell me about {CODE}",
                                  f"zeig mir {CODE}"])
async def test_a_code_shows_its_articles_in_all_colours(open_service, catalog, text: str) -> None:  # type: ignore[no-untyped-def]
    _add_variants(catalog)
    backend = ScriptedBackend()
    async with open_service(backend) as service:
        turn = await service.ask(Session("code"), text)
    assert turn.intent == "details" and _ids(turn) == list(VARIANTS)
    assert [c["tool"] for c in turn.tool_calls] == ["article_details"]
    assert not [c for c in catalog.calls if c[0] == "search_text"]  # the digits were not searched for
    assert not any(call["kind"] == "tool" for call in backend.calls)  # decided by rule


async def test_a_code_in_a_colour_shows_that_colour_and_look_alikes_otherwise(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    _add_variants(catalog)
    async with open_service(ScriptedBackend()) as service:
        red = await service.ask(Session("red"), f"{CODE} in red")
        like = await service.ask(Session("like"), f"more like {CODE}")
        cheaper = await service.ask(Session("cheap"), f"cheaper than {CODE}")
        cheaper_after = await service.ask(Session("red"), "cheaper")
    assert red.intent == "details" and _ids(red) == [f"{CODE}002"]
    assert like.intent == "similar" and like.tool_calls[0]["args"]["article_id"] == f"{CODE}001"
    assert like.products and f"{CODE}001" not in _ids(like)
    assert cheaper.intent == "similar" and cheaper.tool_calls[0]["args"]["max_price"] < 26.99
    assert cheaper.products and all(p.price < 26.99 for p in cheaper.products)
    # the article shown is what a follow-up refers to
    assert cheaper_after.tool_calls[0]["args"].get("article_id") == f"{CODE}002"


@pytest.mark.parametrize("number", ["0999999", "05124660021", "123456789"])
async def test_an_unknown_or_mistyped_number_says_so_in_the_shoppers_language(open_service, catalog,  # type: ignore[no-untyped-def]
                                                                             number: str) -> None:
    _add_variants(catalog)
    replies = Replies()
    shown = number if len(number) != 9 else f"{int(number):010d}"  # an article id as the cards print it
    async with open_service(ScriptedBackend()) as service:
        en = await service.ask(Session("u"), f"show me {number}")
        de = await service.ask(Session("u-de", language="de"), number)
    assert en.intent == "no_article" and en.products == [] and en.tool_calls == []
    assert en.reply == replies.get("en", "no_article", k=shown)
    assert de.language == "de" and de.reply == replies.get("de", "no_article", k=shown)
    assert not [c for c in catalog.calls if c[0] in ("search_text", "similar_to")]


async def test_a_known_code_with_an_unknown_one_shows_the_known_and_names_the_other(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    _add_variants(catalog)
    async with open_service(ScriptedBackend()) as service:
        turn = await service.ask(Session("both"), f"{CODE} and 0999999")
    assert _ids(turn) == list(VARIANTS)
    assert turn.reply.startswith(Replies().get("en", "no_article", k="0999999"))


async def test_prices_years_and_sizes_are_still_searched(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    _add_variants(catalog)
    async with open_service(ScriptedBackend()) as service:
        price = await service.ask(Session("p"), "red dresses under 100000")
        size = await service.ask(Session("s"), "red dress size 38 from 2020")
    assert price.intent == "search" and price.tool_calls[0]["args"]["max_price"] == 100000
    assert size.intent == "search" and size.products
    assert all(p.product_type == "Dress" for p in price.products + size.products)


async def test_codes_on_the_real_catalog(demo_catalog, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Over SQLite and Chroma: a typed product code shows all of its articles, and no other product's."""
    from agent.factory import build_shopping_service
    from reclmms.app import open_catalog
    from reclmms.settings import StorageSettings

    settings = demo_catalog.model_copy(update={
        "storage": StorageSettings(data_dir=tmp_path),
        "agent": demo_catalog.agent.model_copy(update={"turn_timeout_s": 120.0})})
    async with open_catalog(demo_catalog) as (_db, catalog):
        articles = [a for batch in [b async for b in catalog.articles.iter_all()] for a in batch]
        by_code: dict[str, list[str]] = {}
        for a in articles:
            by_code.setdefault(a.product_code, []).append(a.article_id)
        code, ids = max(by_code.items(), key=lambda item: (len(item[1]), item[0]))
        assert len(ids) > 1
        async with build_shopping_service(settings, catalog, backend=ScriptedBackend()) as service:
            turn = await service.ask(Session("real"), f"{int(code)}")
    assert turn.intent == "details" and sorted(p.article_id for p in turn.products) == sorted(ids)[:5]


class _LookUpsFail:
    """The fake catalog whose article look-ups fail (a locked or lost database) while searches work."""

    def __init__(self, catalog) -> None:  # type: ignore[no-untyped-def]
        self._catalog = catalog

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._catalog, name)

    async def get_articles(self, article_ids: list[str]) -> list[Article]:
        from reclmms.errors import ReclmmsError

        raise ReclmmsError("database is locked")

    async def articles_of_products(self, codes: list[str]) -> dict[str, list[Article]]:
        from reclmms.errors import ReclmmsError

        raise ReclmmsError("database is locked")


async def test_a_failed_look_up_of_a_code_is_told_as_a_failure_not_a_missing_product(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    _add_variants(catalog)
    async with open_service(ScriptedBackend(), cat=_LookUpsFail(catalog)) as service:
        turn = await service.ask(Session("down"), CODE)
    assert turn.products == [] and turn.tool_calls[0]["tool"] == "article_details"
    assert turn.tool_calls[0]["kind"] == "failed"
    assert turn.reply != Replies().get("en", "no_article", k=CODE)
    assert not [c for c in catalog.calls if c[0] == "search_text"]
