from __future__ import annotations

import time

import pytest

from agent.llm.scripted import ScriptedBackend
from agent.turn import ProductsReady, Session


@pytest.mark.parametrize("mode", ["down", "slow", "garbage"])
async def test_backend_faults_still_answer_with_results_in_time(open_service, mode: str) -> None:
    llm_timeout = 1.0
    backend = ScriptedBackend(mode=mode, delay_s=30.0 if mode == "slow" else 0.0)
    async with open_service(backend, llm_timeout=llm_timeout, turn_timeout=3.0) as service:
        for text in ("a red summer dress", "something nice for the weekend"):  # rules / model-routed
            start = time.monotonic()
            first_products = None
            async for event in service.stream(Session(f"f-{mode}"), text):
                if isinstance(event, ProductsReady) and first_products is None:
                    first_products = time.monotonic() - start
                    assert event.products or text.startswith("something")
                last = event
            elapsed = time.monotonic() - start
            result = last.result
            assert elapsed <= llm_timeout + 2.0, elapsed
            expected = "took too long" if mode == "slow" else "is unavailable"
            assert result.note and f"language model {expected}" in result.note
            assert "unavailable" not in result.reply and "too long" not in result.reply  # the note is separate
            assert first_products is not None
            if text.startswith("a red"):
                assert result.products and all(p.colour == "Red" for p in result.products)
                assert first_products < 0.5


async def test_slow_but_working_backend_gets_the_remaining_budget(open_service) -> None:
    backend = ScriptedBackend(delay_s=0.2)
    async with open_service(backend, llm_timeout=2.0) as service:
        result = await service.ask(Session("slowish"), "black trousers")
    assert result.note is None
    assert "Slate Chino Trousers" in result.reply


async def test_model_intent_is_validated(open_service) -> None:
    # a tool call from the model, with invented values: unknown colour dropped, no price without a number
    backend = ScriptedBackend(json_replies=[{"tool": "search_catalog", "arguments": {
        "query": "party", "colour": "ultraviolet", "product_type": "dresses", "max_price": 100}}])
    async with open_service(backend) as service:
        result = await service.ask(Session("v"), "something for a party")
    call = result.tool_calls[0]
    assert call["tool"] == "search_catalog"
    assert call["args"].get("product_type") == "Dress"
    assert "colour" not in call["args"] and "max_price" not in call["args"]
    assert backend.calls[0]["kind"] == "tool" and "purchase_history" in backend.calls[0]["tools"]


async def test_missing_model_weights_answer_with_results_and_a_note(tmp_path, catalog) -> None:
    from agent.factory import build_shopping_service
    from reclmms.settings import LLMSettings, Settings, StorageSettings

    settings = Settings(storage=StorageSettings(data_dir=tmp_path), llm=LLMSettings(backend="embedded"))
    async with build_shopping_service(settings, catalog) as service:  # no GGUF file under tmp_path
        assert service.backend_name == "embedded"
        health = await service.health()
        assert health["status"] == "down" and "model pull" in health["error"]
        result = await service.ask(Session("nomodel"), "a red summer dress")
    assert result.products and result.note and "unavailable" in result.note


async def test_a_model_that_stops_mid_reply_keeps_its_grounded_sentences(open_service) -> None:
    class Stalling(ScriptedBackend):
        async def stream_text(self, messages, *, max_tokens=256, timeout_s=None):  # type: ignore[no-untyped-def]
            yield "The Slate Chino Trousers are smart. "
            await __import__("asyncio").sleep(30)
            yield "Never shown."

    async with open_service(Stalling(), llm_timeout=1.0) as service:
        start = time.monotonic()
        result = await service.ask(Session("stall"), "black trousers")
    assert time.monotonic() - start < 3.0
    assert result.reply == "The Slate Chino Trousers are smart."
    assert result.note is None


async def test_a_search_that_runs_out_of_time_is_not_told_as_nothing_found(open_service) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from agent.prompts import Replies
    from tests.agent.fakes import FakeCatalog

    class SlowCatalog(FakeCatalog):
        async def search_text(self, query, filters=None, k=10):  # type: ignore[no-untyped-def]
            await asyncio.sleep(5)  # a catalog on busy cores: past the tool's share of the turn
            return await super().search_text(query, filters, k)

    async with open_service(ScriptedBackend(), cat=SlowCatalog(), turn_timeout=3.0) as service:
        result = await service.ask(Session("slow-search"), "a red summer dress")
    assert result.products == [] and result.tool_calls[0]["kind"] == "unavailable"
    assert result.reply == Replies().get("en", "search_unavailable")
    assert "couldn't find" not in result.reply
