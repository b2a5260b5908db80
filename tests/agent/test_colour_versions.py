""""Does it come in black?" after look-alikes of a product with no black version says so first, then shows the
black look-alikes; before, the black look-alikes came without a word that the product itself is not black."""

from __future__ import annotations

import pytest

from tests.agent.conversation import converse
from tests.agent.test_code_colours import CODE, _add_variants

SAID = {"en": "I have no 0512466 (black) in the shop right now", "zh": "店里目前没有0512466 (黑色)",
        "es": "Ahora mismo no tengo 0512466 (negro)"}


@pytest.mark.parametrize(("wish", "language"), [("does it come in black?", "en"), ("有黑色的吗？", "zh"),
                                                ("¿lo tienes en negro?", "es")])
async def test_a_colour_the_product_lacks_is_said_before_its_look_alikes(open_service, catalog, wish: str,  # type: ignore[no-untyped-def]
                                                                        language: str) -> None:
    _add_variants(catalog)  # 0512466 in brown, red and grey
    _, turn = await converse(open_service, f"versions-{language}", f"more like {CODE}002", wish)
    assert turn.language == language
    assert turn.products and all(p.colour == "Black" for p in turn.products)
    assert turn.reply.startswith(SAID[language]), turn.reply


async def test_a_colour_the_product_has_is_not_said_missing(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    _add_variants(catalog)
    _, turn = await converse(open_service, "versions-grey", f"more like {CODE}002", "does it come in grey?")
    assert [p.article_id for p in turn.products][:1] == [f"{CODE}003"]
    assert "I have no" not in turn.reply


async def test_look_alikes_asked_in_a_colour_say_nothing_of_the_product(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    _add_variants(catalog)
    (turn,) = await converse(open_service, "versions-like", f"more like {CODE}002 in black")
    assert turn.products and all(p.colour == "Black" for p in turn.products)
    assert "I have no" not in turn.reply
