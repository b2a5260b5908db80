from __future__ import annotations

from agent.llm.scripted import ScriptedBackend
from agent.turn import ProductsReady, ReplyDelta, Session, TurnDone


async def test_products_arrive_before_prose(open_service, backend: ScriptedBackend) -> None:
    async with open_service(backend) as service:
        events = [e async for e in service.stream(Session("s1"), "a red summer dress")]
    kinds = [type(e).__name__ for e in events]
    assert kinds[0] == "ProductsReady"
    assert kinds[-1] == "TurnDone"
    assert all(k == "ReplyDelta" for k in kinds[1:-1]) and len(kinds) > 2
    ready = events[0]
    assert isinstance(ready, ProductsReady)
    assert ready.products and all(p.colour == "Red" for p in ready.products)
    assert ready.products[0].product_type == "Dress"
    done = events[-1]
    assert isinstance(done, TurnDone)
    assert done.result.products == ready.products
    assert done.result.reply == "".join(e.text for e in events if isinstance(e, ReplyDelta)).strip()
    assert done.result.language == "en"
    assert done.result.tool_calls[0]["tool"] == "search_catalog"
    assert done.result.tool_calls[0]["args"]["colour"] == "Red"
    # the backend was asked for prose only (rules decided the intent), in English
    assert [c["kind"] for c in backend.calls] == ["text"]


async def test_ask_json_shape(open_service, backend: ScriptedBackend) -> None:
    async with open_service(backend) as service:
        result = await service.ask(Session("s1"), "black trousers")
    data = result.to_json()
    assert set(data) >= {"reply", "language", "products", "tool_calls", "ungrounded_dropped"}
    assert data["products"][0]["article_id"] == "0100000007"
    assert {"article_id", "name", "price"} <= set(data["products"][0])
    assert data["ungrounded_dropped"] == 0


async def test_empty_input_and_bad_photo_answer_without_raising(open_service, backend: ScriptedBackend) -> None:
    async with open_service(backend) as service:
        empty = await service.ask(Session("s1"), "   ")
        assert empty.products == [] and "looking for" in empty.reply
        bad = await service.ask(Session("s1"), None, photo=b"not an image at all")
        assert bad.products == [] and "not an image" in bad.reply
        good = await service.ask(Session("s1"), "like this", photo=b"\x89PNG\r\n\x1a\nfake")
        assert good.products and good.tool_calls[0]["tool"] == "find_similar"
        assert good.tool_calls[0]["args"]["use_photo"] is True


async def test_health_and_backend_name(open_service) -> None:
    async with open_service(ScriptedBackend()) as service:
        assert service.backend_name == "scripted"
        health = await service.health()
        assert health["backend"] == "scripted" and health["status"] == "ok"
    async with open_service(ScriptedBackend(mode="down")) as service:
        health = await service.health()
        assert health["status"] == "down"
