"""A request whose object the catalog's product names name ("recommend an iPhone" where iPhone cases are sold) searches
for that object, not for the whole request: on the real catalog, the embedding of "recommend an iPhone" is closer to
chinos than to the cases."""

from __future__ import annotations

from catalog.models import Article
from tests.agent.conversation import converse
from tests.agent.fakes import FakeCatalog


def with_cases() -> FakeCatalog:
    catalog = FakeCatalog()
    case = Article(article_id="0100000099", name="Slim iPhone case", product_type="Mobile case", colour="Black",
                   colour_master="Black", index_group="Divided", price=7.99, description="A black case for an iPhone.",
                   product_group="Accessories", garment_group="Accessories")
    catalog.items.append(case)
    catalog.by_id[case.article_id] = case
    return catalog


async def test_the_object_the_catalog_names_is_searched(open_service) -> None:  # type: ignore[no-untyped-def]
    (result,) = await converse(open_service, "iphone", "recommend an iPhone", catalog=with_cases())
    assert result.intent == "search"
    assert result.tool_calls[0]["args"]["query"].startswith("iPhone")
    assert result.products[0].name == "Slim iPhone case"

