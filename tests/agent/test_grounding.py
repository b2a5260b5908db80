from __future__ import annotations

from agent.grounding import Grounding, SentenceFilter, check_text
from agent.llm.scripted import ScriptedBackend
from agent.turn import ReplyDelta, Session


def test_check_text_drops_ungrounded_ids_names_and_foreign_products() -> None:
    grounded = {"0100000001": "Sunny Midi Dress"}
    text = (
        "The Sunny Midi Dress (0100000001) suits you. Also try 0999999999! "
        "An iPhone would go well. “Velvet Dream Gown” is lovely. Night Satin Dress is elegant."
    )
    kept, dropped = check_text(text, grounded, {"Night Satin Dress", "Sunny Midi Dress"})
    assert kept == "The Sunny Midi Dress (0100000001) suits you."
    assert dropped == 4


def test_web_and_mail_addresses_in_the_prose_are_not_shown() -> None:
    grounded = {"0100000001": "Shirt [sale](http://shop.example/x)"}
    text = ("The Shirt [sale](http://shop.example/x) is red. Order it at https://evil.example/buy now. "
            "Write to deals@evil.example for a discount. Visit www.evil-shop for more. It is cotton.")
    kept, dropped = check_text(text, grounded)
    assert kept == "The Shirt [sale](http://shop.example/x) is red. It is cotton."  # the name is the catalog's
    assert dropped == 0  # an address is no product mention


def test_catalog_names_inside_a_grounded_name_are_fine() -> None:
    grounded = {"0100000001": "Italian Wool Sock"}
    kept, dropped = check_text("The Italian Wool Sock is warm. Italian Wool is soft.", grounded, {"Italian Wool"})
    assert kept == "The Italian Wool Sock is warm."
    assert dropped == 1


def test_sentence_filter_never_releases_partial_sentences() -> None:
    f = SentenceFilter(Grounding({"0100000001": "Sunny Midi Dress"}))
    assert f.feed("Look at 01000") == []
    assert f.feed("00001 now. Or 09") == ["Look at 0100000001 now. "]
    assert f.feed("99999999 maybe.") == []
    assert f.flush() == []
    assert f.dropped == 1
    listing = SentenceFilter(Grounding({}))
    assert listing.feed("Here they are:\n\n1. ") == []  # a lead-in waits for the sentence it leads in to
    assert listing.feed("A red dress.\n") == ["Here they are:\n\n", "A red dress.\n"]
    assert listing.flush() == [] and listing.dropped == 0
    zh = SentenceFilter(Grounding({}))
    assert zh.feed("第一件很好。第二件0999999999不错。") == ["第一件很好。"]
    assert zh.dropped == 1


async def test_fabricated_products_never_reach_the_stream(open_service) -> None:
    backend = ScriptedBackend(text_replies=[
        "The Sunny Midi Dress is a lovely pick. You should also buy item 0123456789 today. "
        "The “Golden Gala Gown” is our best seller. The Night Satin Dress is stunning. Enjoy!"
    ])
    async with open_service(backend) as service:
        events = [e async for e in service.stream(Session("g"), "a red midi dress")]
    prose = "".join(e.text for e in events if isinstance(e, ReplyDelta))
    result = events[-1].result
    assert "0123456789" not in prose and "Golden Gala Gown" not in prose
    assert "Night Satin Dress" not in prose  # a real catalog name, but no tool returned it
    assert "Sunny Midi Dress" in prose and "Enjoy!" in prose
    assert result.ungrounded_dropped == 3
    returned = {p.article_id for p in result.products}
    assert "0100000004" not in returned


async def test_grounded_mentions_from_earlier_turns_are_kept(open_service) -> None:
    backend = ScriptedBackend(text_replies=["Black chinos are smart.", "Unlike the Slate Chino Trousers, these are blue."])
    async with open_service(backend) as service:
        await service.ask(Session("g2"), "black trousers")
        result = await service.ask(Session("g2"), "blue jeans")
    assert "Slate Chino Trousers" in result.reply
    assert result.ungrounded_dropped == 0


async def test_reply_is_bounded_to_three_sentences(open_service) -> None:
    backend = ScriptedBackend(text_replies=["One. Two. Three. Four. Five."])
    async with open_service(backend) as service:
        result = await service.ask(Session("b"), "a red midi dress")
    assert result.reply == "One. Two. Three."
    assert result.note is None


def test_filler_openers_are_skipped() -> None:
    from agent.reply import is_filler

    assert is_filler("Sure! ") and is_filler("好的，我明白了。") and is_filler("¡Claro!")
    assert not is_filler("The first one is a red dress.") and not is_filler("好的，我找到了一件黑色晚礼服。")


def test_a_filler_opener_is_cut_from_the_first_sentence() -> None:
    from agent.reply import without_opener

    assert without_opener("当然，这件红色连衣裙很适合婚礼。") == "这件红色连衣裙很适合婚礼。"
    assert without_opener("Sure, the first one is a red dress.") == "The first one is a red dress."
    assert without_opener("Конечно, первое платье красное.") == "Первое платье красное."
    assert without_opener("Great dresses for a wedding.") == "Great dresses for a wedding."  # no comma: a word
    assert without_opener("好的，") == "好的，"  # nothing after it: the filler test handles it


async def test_the_reply_starts_with_the_products_not_an_opener(open_service) -> None:
    async with open_service(ScriptedBackend(text_replies=["当然，第一件是红色的衬衫裙。当然，第二件更便宜。"])) as service:
        result = await service.ask(Session("opener"), "红色连衣裙")
    assert result.reply == "第一件是红色的衬衫裙。当然，第二件更便宜。"


async def test_a_filler_only_reply_falls_back_to_the_fixed_text(open_service) -> None:
    async with open_service(ScriptedBackend(text_replies=["好的，我明白了。"])) as service:
        result = await service.ask(Session("filler"), "红色连衣裙")
    assert result.reply.startswith("为您找到")


def test_a_price_with_cents_must_be_a_shown_products_price() -> None:
    from agent.grounding import Grounding

    g = Grounding({"0512058003": "Maxi dress"}, prices=[38.99, 26.99])
    assert g.violations("O Maxi dress custa R$ 30,00.") == 1  # no product shown costs 30.00
    assert g.violations("The Maxi dress is 38.99.") == 0 and g.violations("Il coste 26,99 €.") == 0
    assert Grounding({"0512058003": "Maxi dress"}, prices=[38.99, 26.99], limits=[30]).violations(
        "All of them are under 30 euros.") == 0  # the shopper's own limit
    assert Grounding({"0512058003": "Maxi dress"}).violations("It costs 30.00.") == 0  # no prices given: no check


async def test_a_sentence_with_an_invented_price_is_dropped(open_service) -> None:  # type: ignore[no-untyped-def]
    backend = ScriptedBackend(text_replies=["The first dress costs only 9.99 today. It is light and red."])
    async with open_service(backend) as service:
        turn = await service.ask(Session("price"), "a red midi dress")
    assert turn.products and all(p.price != 9.99 for p in turn.products)
    assert turn.reply == "It is light and red." and turn.ungrounded_dropped == 1


def test_a_whole_price_with_a_currency_must_be_near_a_shown_price_or_the_shoppers_limit() -> None:
    from agent.grounding import Grounding

    g = Grounding({"0514585002": "Bomber jacket"}, prices=[39.99, 37.99], limits=[50])
    assert g.violations("Bomber jacket – 30 евро.") == 1 and g.violations("价格是100元。") == 1
    assert g.violations("€30 only") == 1
    assert g.violations("Bomber jacket – 40 евро.") == 0  # 39.99 rounded
    assert g.violations("All of them are under 50 euros.") == 0  # the shopper's own limit
    assert g.violations("Sizes 36 to 40, and 2 colours.") == 0  # numbers without a currency are no prices


def test_an_invented_product_name_in_english_prose_is_dropped() -> None:
    words = {"denim", "jacket", "slip", "dress", "sleek", "ultra", "jeans", "skinny"}  # the catalog's name words
    g = Grounding({"0512273002": "Sleek slip dress"}, known_words=words, language="en")
    assert g.violations("I recommend the Zorblax Ultra Jacket to go with it.") == 1
    assert g.violations("Buy the Ultra 9000 Jacket.") == 1  # a number in a name
    assert g.violations("Meet the Aurora Dress!") == 1
    assert g.violations("The Zorblax Sleek Slip Dress is similar.") == 1  # an invented word before a shown name
    assert g.violations("Meet our Velvora Dress.") == 1
    for fine in ("The Sleek Slip Dress is lovely.", "The Jacket is warm.", "Pair it with a Denim Jacket.",
                 "A Little Black Dress never fails.", "The Cozy Knit Sweater keeps you warm.",
                 "Try Skinny Jeans with it.", "Add the Women's Denim Jacket.", "It suits a Summer Wedding.",
                 "Our Nova Collection has dresses.", "It's your Go-To Summer Dress.", "Perfect as a Bridesmaid Dress.",
                 "It makes a lovely Wedding Guest Dress.", "Cute Date-Night Dress!", "A Must-Have Midi Dress.",
                 "The Sleek Slip Dress is lovely."):  # describing words, no "the" before them, or no kind at the end
        assert g.violations(fine) == 0, fine
    # other languages capitalise otherwise (German nouns), and without the words the check is off
    assert Grounding({}, known_words=words, language="de").violations("Die Zorblax Ultra Jacket ist toll.") == 0
    assert Grounding({}, language="en").violations("I recommend the Zorblax Ultra Jacket.") == 0


async def test_an_invented_product_name_never_reaches_the_stream(open_service) -> None:  # type: ignore[no-untyped-def]
    backend = ScriptedBackend(text_replies=[
        "The Sunny Midi Dress is a lovely pick. I recommend the Zorblax Ultra Jacket to go with it. "
        "A Light Summer Dress like this suits warm days."])
    async with open_service(backend) as service:
        result = await service.ask(Session("invented"), "a red midi dress")
    assert "Zorblax" not in result.reply and result.ungrounded_dropped == 1
    assert "Sunny Midi Dress is a lovely pick" in result.reply and "A Light Summer Dress like this" in result.reply


def test_prices_in_the_prose_are_shown_without_a_currency_the_catalog_does_not_have() -> None:
    def shown(text: str) -> tuple[str, int]:
        f = SentenceFilter(Grounding({"0512058003": "Maxi dress"}, prices=[38.99, 30.0]))
        return "".join(f.feed(text) + f.flush()), f.dropped

    assert shown("The Maxi dress costs $38.99. ") == ("The Maxi dress costs 38.99. ", 0)
    assert shown("Cuesta 38,99 € ahora.") == ("Cuesta 38,99 ahora.", 0)
    assert shown("这条裙子38.99元。") == ("这条裙子38.99。", 0)
    assert shown("It is only USD 30 today.") == ("It is only 30 today.", 0)
    # a whole price is still checked by its currency before the currency goes
    assert shown("It costs $25.") == ("", 1)
    assert shown("Two dresses, 3 colours.") == ("Two dresses, 3 colours.", 0)


def test_a_period_inside_a_product_name_ends_no_sentence() -> None:
    # real H&M names: "Henry polo. (1)", "L.O.G.G. Kylie chino", "Func. Sweet rain jacket"; "Henry polo" alone is
    # another catalog product's name, which this conversation never showed
    grounded = {"0673677002": "Henry polo. (1)", "0111111111": "L.O.G.G. Kylie chino",
                "0222222222": "Func. Sweet rain jacket"}
    text = ("I picked these for you. The first one, Henry polo. (1), is a great choice. Try the L.O.G.G. Kylie "
            "chino. The Func. Sweet rain jacket keeps you dry. The Func. Also good.")
    for size in (1, 5, len(text)):  # streamed a character at a time, in small chunks, or whole
        f = SentenceFilter(Grounding(grounded, {"Henry polo"}))
        kept: list[str] = []
        for start in range(0, len(text), size):
            kept += f.feed(text[start : start + size])
        kept += f.flush()
        assert f.dropped == 0
        assert kept == ["I picked these for you. ", "The first one, Henry polo. (1), is a great choice. ",
                        "Try the L.O.G.G. Kylie chino. ", "The Func. Sweet rain jacket keeps you dry. ", "The Func. ",
                        "Also good."]
