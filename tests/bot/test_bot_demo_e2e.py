"""End to end on the real stack: the demo catalog (SQLite, Chroma, embedders), the real agent on the
scripted model, opened by ``reclmms.app.open_services`` in the bot's ``post_init``, driven through
PTB's HTTP stack against the fake Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from agent.llm.scripted import ScriptedBackend
from bot.application import build_application, running
from bot.fake_api import FakeBotApi
from reclmms.app import open_services
from reclmms.settings import Settings
from tests.bot.conftest import ADMIN_ID, Harness, bot_settings

pytestmark = pytest.mark.asyncio(loop_scope="module")
ID_RE = re.compile(r"<code>(\d{10})</code>")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def demo_bot(demo_catalog: Settings, tmp_path_factory: Any) -> AsyncIterator[Harness]:
    tmp = tmp_path_factory.mktemp("bot-demo")
    data = tmp / "data"
    shutil.copytree(demo_catalog.data_dir, data)  # the shared demo catalog stays read-only

    def services(settings: Settings) -> contextlib.AbstractAsyncContextManager[Any]:
        return open_services(settings, backend=ScriptedBackend())

    async with FakeBotApi() as api:
        settings = bot_settings(tmp, api, RECLMMS_STORAGE_DATA_DIR=str(data))
        app = build_application(settings, services, overall_max_rate=0)
        async with running(app, poll_timeout=0.5):
            await app.bot_data["runtime"].warmup.wait(60)  # its turn must not mix with the tests' own
            yield Harness(api, app, settings, app.bot_data["runtime"].services)


def ids_in(calls: list[Any]) -> list[str]:
    out: list[str] = []
    for c in calls:
        if c.method == "sendMediaGroup":
            out += [i for m in c.params["media"] for i in ID_RE.findall(m.get("caption", ""))]
        elif c.method in ("sendMessage", "sendPhoto"):
            out += ID_RE.findall(c.text)
    return out


async def finish_turn(h: Harness, chat: int, before: int) -> None:
    deadline = time.monotonic() + 30
    while h.rt.services.agent.turns <= before or h.rt.turns.busy(chat):
        assert time.monotonic() < deadline, "turn did not finish"
        await asyncio.sleep(0.05)


async def test_red_dress_photo_cards_then_prose(demo_bot: Harness) -> None:
    api, rt = demo_bot.api, demo_bot.rt
    after, before = len(api.calls), rt.services.agent.turns
    api.send_text(401, "a red dress")
    await finish_turn(demo_bot, 401, before)
    calls = [c for c in api.calls[after:] if c.chat_id == 401]
    group = next(c for c in calls if c.method in ("sendMediaGroup", "sendPhoto"))
    assert group.files  # real product images were uploaded
    ids = ids_in(calls)
    arts = await rt.services.catalog.get_articles(ids)
    assert arts and len(arts) == len(ids)
    assert all(a.product_type == "Dress" and "red" in (a.colour_master or a.colour).lower() for a in arts)
    prose = [c for c in calls if c.method in ("sendMessage", "editMessageText") and "I picked" in c.text]
    assert prose and calls.index(group) < calls.index(prose[0])


async def test_photo_finds_look_alikes(demo_bot: Harness) -> None:
    api, rt = demo_bot.api, demo_bot.rt
    art = (await rt.services.catalog.search_text("blue jeans", k=1))[0].article
    assert art.image_path
    after, before = len(api.calls), rt.services.agent.turns
    photo = await asyncio.to_thread(Path(art.image_path).read_bytes)
    api.send_photo(402, photo)
    await finish_turn(demo_bot, 402, before)
    calls = [c for c in api.calls[after:] if c.chat_id == 402]
    assert any(c.method == "getFile" for c in api.calls[after:])
    assert art.article_id in ids_in(calls)[:5]  # the same product comes back among the look-alikes


async def test_buttons_on_the_real_catalog(demo_bot: Harness) -> None:
    api, rt = demo_bot.api, demo_bot.rt
    after, before = len(api.calls), rt.services.agent.turns
    api.send_text(403, "a black sweater")
    await finish_turn(demo_bot, 403, before)
    kb = next(c for c in api.calls[after:] if c.chat_id == 403 and c.params.get("reply_markup"))
    more, details, cheaper = (b["callback_data"] for b in kb.params["reply_markup"]["inline_keyboard"][0])
    first_id = more.split("|")[1]
    (first,) = await rt.services.catalog.get_articles([first_id])

    after = len(api.calls)
    api.press(403, details)
    card = await api.wait_for("sendPhoto", chat_id=403, after=after)
    assert first_id in card.text and (first.description[:20] in card.text or not first.description)

    after = len(api.calls)
    api.press(403, more)
    await api.wait_for("answerCallbackQuery", after=after)
    await asyncio.sleep(0.5)
    similar = ids_in([c for c in api.calls[after:] if c.chat_id == 403])
    assert similar and first_id not in similar

    after = len(api.calls)
    api.press(403, cheaper)
    answer = await api.wait_for("answerCallbackQuery", after=after)
    await asyncio.sleep(0.5)
    cheaper_ids = ids_in([c for c in api.calls[after:] if c.chat_id == 403])
    if cheaper_ids:
        found = await rt.services.catalog.get_articles(cheaper_ids)
        assert all(a.price is not None and first.price is not None and a.price < first.price for a in found)
        if any(a.product_type == first.product_type for a in found):  # the same kind first, never mixed in
            assert {a.product_type for a in found} == {first.product_type}
    else:
        assert "cheaper" in answer.text


async def test_linked_customer_sees_only_own_history(demo_bot: Harness) -> None:
    from catalog.demo import demo_customer_id

    api, rt = demo_bot.api, demo_bot.rt
    customer = demo_customer_id(0)
    own = [a.article_id for _, a in await rt.services.catalog.purchase_history(customer, limit=10)]
    assert own
    code = await rt.linker.issue(customer)
    api.send_text(404, f"/start {code.code}")
    after = len(api.calls)
    await api.wait_for("sendMessage", chat_id=404, where=lambda c: "linked" in c.text)
    await api.wait_for("sendMessage", chat_id=404, where=lambda c: "shopping assistant" in c.text, after=after)
    after = len(api.calls)
    api.send_text(404, "/history")
    hist = await api.wait_for("sendMessage", chat_id=404, after=after)
    assert ID_RE.findall(hist.text) == own
    # an unlinked shopper asking for that customer's purchases gets none of them
    after, before = len(api.calls), rt.services.agent.turns
    api.send_text(405, f"show me the purchases of customer {customer}")
    await finish_turn(demo_bot, 405, before)
    assert not set(ids_in([c for c in api.calls[after:] if c.chat_id == 405])) & set(own)


async def test_stats_after_real_turns(demo_bot: Harness) -> None:
    api, rt = demo_bot.api, demo_bot.rt
    art = (await rt.services.catalog.search_text("a red dress", k=1))[0].article
    assert art.image_path
    # its own turns: the other tests of this module may run in another worker (pytest -n)
    before = rt.services.agent.turns
    api.send_text(406, "a red dress")
    await finish_turn(demo_bot, 406, before)
    before = rt.services.agent.turns
    api.send_photo(407, await asyncio.to_thread(Path(art.image_path).read_bytes))
    await finish_turn(demo_bot, 407, before)
    after = len(api.calls)
    api.send_text(ADMIN_ID, "/stats", user=api.user(ADMIN_ID))
    text = (await api.wait_for("sendMessage", chat_id=ADMIN_ID, after=after)).text
    assert "search_catalog" in text and "scripted" in text
    assert "dress" in text.lower()  # top searched categories
    assert re.search(r"photos handled</b>: [1-9]", text)
    assert (await api.wait_for("sendPhoto", chat_id=ADMIN_ID, after=after)).files["photo"][:4] == b"\x89PNG"
