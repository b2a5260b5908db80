"""Control characters, terminal escapes and bidirectional overrides in what a model sends: in the
arguments of the tool calls it chooses (both paths), and split across the chunks of a stream.

The native and streaming cases run the real openai backend against fake servers on loopback.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from agent.llm import model_text
from agent.llm.openai_backend import OpenAIBackend
from agent.llm.scripted import ScriptedBackend
from agent.llm.tool_calls import ToolChoice, check_call
from agent.tool_specs import router_tool_specs
from tests.llm.conftest import completion
from tests.llm.sse_server import chunk, sse_server

TOOLS = router_tool_specs()
ASK = [{"role": "user", "content": "a red dress"}]
DIRTY = {"query": "red\x00 dress\x1b[31m", "colour": "\u202ered\x1b[0m", "product_type": "Dress\ufffd\x85"}
CLEAN = {"query": "red dress", "colour": "red", "product_type": "Dress"}


def test_check_call_cleans_the_strings_of_the_arguments() -> None:
    assert check_call(TOOLS, "search_catalog", DIRTY, path="json").arguments == CLEAN
    # raw control characters make the JSON text invalid; without them it is the call the model meant
    raw = '{"query": "red\x00 dress\x1b[31m", "max_price": 30}'
    assert check_call(TOOLS, "search_catalog", raw, path="native").arguments == {"query": "red dress", "max_price": 30}


async def test_the_json_protocol_path_cleans_the_arguments() -> None:
    backend = ScriptedBackend(json_replies=[{"tool": "search_catalog", "arguments": DIRTY}])
    assert await backend.choose_tool(ASK, TOOLS) == ToolChoice("search_catalog", CLEAN, "json")


@pytest.mark.parametrize("arguments", [json.dumps(DIRTY), json.dumps(DIRTY, ensure_ascii=False),
                                       '{"query": "red\x00 dress\x1b[31m", "colour": "\u202ered\x1b[0m", '
                                       '"product_type": "Dress\ufffd\x85"}'])
async def test_native_tool_calls_are_cleaned(fake_server, arguments: str) -> None:  # type: ignore[no-untyped-def]
    backend, _ = fake_server(lambda body: (200, completion(calls=[("search_catalog", arguments)])))
    try:
        choice = await backend.choose_tool(ASK, TOOLS)
    finally:
        await backend.aclose()
    assert choice == ToolChoice("search_catalog", CLEAN, "native")


async def test_a_json_protocol_reply_from_a_server_without_tools_is_cleaned(fake_server) -> None:  # type: ignore[no-untyped-def]
    def no_tools(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if "tools" in body:
            return 500, {"error": {"code": 500, "message": "tools param requires --jinja flag", "type": "server_error"}}
        return 200, completion(json.dumps({"tool": "search_catalog", "arguments": DIRTY}))

    backend, _ = fake_server(no_tools)
    try:
        choice = await backend.choose_tool(ASK, TOOLS)
    finally:
        await backend.aclose()
    assert choice == ToolChoice("search_catalog", CLEAN, "json")


# -- an escape sequence split across stream chunks ---------------------------------------------------------


async def _streamed(parts: list[str]) -> list[str]:
    chunks = [chunk(p) for p in parts] + [chunk(finish="stop")]
    with sse_server(("stream", chunks, "done")) as server:
        backend = OpenAIBackend(base_url=server.base_url, model="m", timeout_s=5)
        try:
            return [piece async for piece in backend.stream_text(ASK)]
        finally:
            await backend.aclose()


async def test_an_escape_split_across_chunks_is_handed_on_whole() -> None:
    pieces = await _streamed(["The \x1b[3", "1mRed\x1b", "[0", "m dress is lovely", ".\x1b[1"])
    # the reader cleans chunk by chunk (agent/reply.py): no tail of an escape is left in the reply
    assert "".join(model_text.clean(p) for p in pieces) == "The Red dress is lovely."
    assert "".join(pieces) == "The \x1b[31mRed\x1b[0m dress is lovely."  # the unfinished one at the end is dropped
    assert not any(model_text.split_escape(p)[1] for p in pieces)


async def test_a_stream_without_escapes_is_passed_on_as_it_came() -> None:
    assert await _streamed(["A lovely ", "[red] dress", " for 30 €."]) == ["A lovely ", "[red] dress", " for 30 €."]


def test_split_escape_holds_only_the_unfinished_start_of_an_escape() -> None:
    assert model_text.split_escape("Red \x1b[3") == ("Red ", "\x1b[3")
    assert model_text.split_escape("Red \x1b") == ("Red ", "\x1b")
    assert model_text.split_escape("Red \x1b[31m") == ("Red \x1b[31m", "")
    assert model_text.split_escape("Red [3") == ("Red [3", "")
    assert model_text.split_escape("\x1b[3\n") == ("\x1b[3\n", "")  # not at the very end
    assert model_text.split_escape("\x1b[" + "1" * 40) == ("\x1b[" + "1" * 40, "")  # too long to hold
