"""Tool choice: the shared checks, the JSON protocol, and the openai backend's native path.

The native path runs against a real llama.cpp server (xllamacpp on loopback, jinja chat
templates on) and against a small fake OpenAI server that misbehaves on purpose: it refuses
``tools`` like llama.cpp without ``--jinja``, or returns tool calls with broken arguments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jsonschema import validate

from agent.llm import tool_calls
from agent.llm.json_protocol import JSONProtocolError, validation_errors
from agent.llm.openai_backend import OpenAIBackend
from agent.llm.scripted import ScriptedBackend, minimal_json
from agent.llm.tool_calls import ToolChoice, check_call, salvage_call, selection_schema
from agent.tool_specs import router_tool_specs
from reclmms.errors import ModelError
from tests.llm.conftest import LoopbackServer, completion

TOOLS = router_tool_specs()
SYSTEM = {"role": "system", "content": "You route a fashion shop's shoppers to tools."}


def params(name: str) -> dict[str, Any]:
    found = tool_calls.parameters(TOOLS, name)
    assert found is not None
    return found


# -- the shared checks ---------------------------------------------------------------------------------


def test_check_call_drops_undeclared_and_null_arguments() -> None:
    choice = check_call(TOOLS, "purchase_history", '{"customer_id": "cust-b", "limit": 3}', path="native")
    assert choice == ToolChoice("purchase_history", {}, "native")
    search = check_call(TOOLS, "search_catalog", {"query": "dress", "colour": None, "user_id": 7}, path="json")
    assert search.arguments == {"query": "dress"}


@pytest.mark.parametrize(("name", "arguments", "why"), [
    ("launch_rockets", {}, "tool: must be one of search_catalog"),
    ("search_catalog", {"colour": "red"}, "'query' is a required property"),
    ("find_similar", '{"position": "second",', "arguments"),
    ("article_details", "[1, 2]", "must be a JSON object"),
    ("find_similar", {"position": "two"}, "is not of type 'integer'"),
])
def test_check_call_rejects_bad_calls_with_reasons(name: str, arguments: Any, why: str) -> None:
    with pytest.raises(JSONProtocolError) as info:
        check_call(TOOLS, name, arguments, path="native")
    assert any(why in e for e in info.value.errors), info.value.errors
    assert isinstance(info.value, ModelError)


def test_salvage_reads_calls_written_as_text() -> None:
    fenced = '```json\n{\n  "name": "purchase_history",\n  "arguments": {"limit": 10}\n}\n```'
    assert salvage_call(fenced, TOOLS) == ("purchase_history", {"limit": 10})
    assert salvage_call('{"function": {"name": "article_details", "arguments": "{}"}}', TOOLS) == ("article_details", "{}")
    # llama.cpp renders the Qwen2.5 tool prompt with doubled braces, and the 1.5B model copies them.
    doubled = '{{"name": "search_catalog", "arguments": {"query": "warm winter coat"}}}}'
    assert salvage_call(doubled, TOOLS) == ("search_catalog", {"query": "warm winter coat"})
    assert salvage_call('{"name": "rm_rf", "arguments": {}}', TOOLS) is None
    assert salvage_call("I'm fine, thanks!", TOOLS) is None
    assert tool_calls.looks_like_call('{"name": "search_catalog", "arguments": {"query": "a long') is True
    assert tool_calls.looks_like_call("I'm fine, thanks!") is False


def test_selection_schema_is_a_tagged_union_with_readable_errors() -> None:
    schema = selection_schema(TOOLS, require=False)
    validate({"tool": "find_similar", "arguments": {"position": 2}}, schema)
    validate({"tool": "none"}, schema)
    assert validation_errors({"tool": "search_catalog", "arguments": {}}, schema) == [
        "arguments: 'query' is a required property"
    ]
    assert validation_errors({"tool": "nope"}, schema)[0].startswith('tool: must be one of "search_catalog"')
    assert validation_errors({"tool": "none"}, selection_schema(TOOLS, require=True))
    # The scripted backend's minimal answer is a plain search: offline demos keep searching.
    assert minimal_json([], schema) == {"tool": "search_catalog", "arguments": {"query": ""}}


async def test_json_protocol_path_checks_what_the_backend_returns() -> None:
    backend = ScriptedBackend(json_replies=[
        {"tool": "recommend_for_me", "arguments": {"customer_id": "someone-else"}},
        {"tool": "none"},
        {"tool": "search_catalog", "arguments": {"colour": 5}},
    ])
    first = await backend.choose_tool([SYSTEM], TOOLS)
    assert first == ToolChoice("recommend_for_me", {}, "json")
    assert (await backend.choose_tool([SYSTEM], TOOLS)).name is None
    with pytest.raises(JSONProtocolError):
        await backend.choose_tool([SYSTEM], TOOLS)
    assert [c["kind"] for c in backend.calls] == ["tool"] * 3


def test_router_specs_come_from_the_tools_without_injected_or_identity_arguments() -> None:
    from agent.tool_specs import FORBIDDEN_ARGUMENTS, agent_tool_specs
    from agent.tools import TOOLS as AGENT_TOOLS

    full = agent_tool_specs()
    assert [t["function"]["name"] for t in full] == list(AGENT_TOOLS)
    for spec, tool in zip(full, AGENT_TOOLS.values(), strict=True):
        assert spec["function"]["description"] == " ".join(tool.description.split())
        assert not set(spec["function"]["parameters"]["properties"]) & set(FORBIDDEN_ARGUMENTS)
    assert params("purchase_history")["properties"] == {} and params("recommend_for_me")["properties"] == {}
    assert params("search_catalog")["properties"]["colour"] == {"type": "string"}
    assert set(params("find_similar")["properties"]) == {"position", "colour", "max_price"}


# -- a fake OpenAI-compatible server (tests/llm/conftest.py: fake_server) ------------------------------


def _no_jinja(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """llama.cpp's answer to ``tools`` without --jinja (same status and message)."""
    if "tools" in body:
        return 500, {"error": {"code": 500, "message": "tools param requires --jinja flag", "type": "server_error"}}
    return 200, completion('{"tool": "find_similar", "arguments": {"position": 2, "customer_id": "x"}}')


async def test_server_without_native_tools_falls_back_to_json_and_remembers(fake_server) -> None:  # type: ignore[no-untyped-def]
    backend, server = fake_server(_no_jinja)
    try:
        first = await backend.choose_tool([SYSTEM, {"role": "user", "content": "more like #2"}], TOOLS)
        second = await backend.choose_tool([SYSTEM, {"role": "user", "content": "more like #2"}], TOOLS)
        health = await backend.health()
    finally:
        await backend.aclose()
    assert first == second == ToolChoice("find_similar", {"position": 2}, "json")
    assert backend.tool_mode == "json" and health["tool_mode"] == "json" and health["tool_path"] == "json"
    # One refused native request, then constrained JSON requests only (tools never sent again), then health's
    # one-token probe (the server lists its model).
    assert ["tools" in r for r in server.requests] == [True, False, False, False]
    assert server.requests[-1]["max_tokens"] == 1 and health["ok"] is True
    assert server.requests[1]["response_format"]["json_schema"]["schema"]["anyOf"]


async def test_forced_native_mode_reports_the_refusal(fake_server) -> None:  # type: ignore[no-untyped-def]
    backend, _ = fake_server(_no_jinja)
    backend.tool_mode = "native"
    try:
        with pytest.raises(ModelError, match=r"failed \(500\)"):
            await backend.choose_tool([SYSTEM], TOOLS)
    finally:
        await backend.aclose()


async def test_malformed_native_arguments_get_one_repair_round(fake_server) -> None:  # type: ignore[no-untyped-def]
    replies = iter([completion(calls=[("article_details", '{"position": "third"')]),
                    completion(calls=[("article_details", '{"position": 3}'), ("purchase_history", "{}")])])
    backend, server = fake_server(lambda body: (200, next(replies)))
    try:
        choice = await backend.choose_tool([SYSTEM, {"role": "user", "content": "the third one?"}], TOOLS)
    finally:
        await backend.aclose()
    assert choice == ToolChoice("article_details", {"position": 3}, "native")
    assert backend.tool_stats == {"native": 1, "json": 0, "salvaged": 0, "repaired": 1}
    repair = server.requests[1]["messages"]
    assert "not valid" in repair[-1]["content"] and '"position": "third"' in repair[-2]["content"]
    assert server.requests[1]["tool_choice"] == "auto" and server.requests[1]["tools"] == TOOLS


@pytest.mark.parametrize("bad", [
    completion(calls=[("search_catalog", "{{{{")]),
    completion(calls=[("drop_tables", "{}")]),
    completion('{"name": "search_catalog", "arguments": {"query": "cut off'),
    {"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": []},
])
async def test_hopeless_native_replies_raise_model_errors_only(fake_server, bad: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    backend, server = fake_server(lambda body: (200, bad))
    try:
        with pytest.raises(ModelError) as info:
            await backend.choose_tool([SYSTEM], TOOLS, require=True)
    finally:
        await backend.aclose()
    assert isinstance(info.value, JSONProtocolError)
    assert len(server.requests) == 2  # the call and its one repair round
    assert (await backend.health())["last_error"] == "invalid tool call from the model"


async def test_prose_means_no_tool_and_text_calls_are_salvaged(fake_server) -> None:  # type: ignore[no-untyped-def]
    replies = iter([completion("I'm well, thanks! What are you shopping for?"),
                    completion('```json\n{"name": "recommend_for_me", "arguments": {"k": 3}}\n```')])
    backend, _ = fake_server(lambda body: (200, next(replies)))
    try:
        prose = await backend.choose_tool([SYSTEM, {"role": "user", "content": "how are you?"}], TOOLS)
        salvaged = await backend.choose_tool([SYSTEM, {"role": "user", "content": "pick for me"}], TOOLS)
    finally:
        await backend.aclose()
    assert prose == ToolChoice(None, {}, "native", "I'm well, thanks! What are you shopping for?")
    assert salvaged == ToolChoice("recommend_for_me", {}, "native")
    assert backend.tool_stats["salvaged"] == 1


# -- a real llama.cpp server ---------------------------------------------------------------------------

HISTORY_TOOLS = [t for t in TOOLS if t["function"]["name"] in ("search_catalog", "purchase_history")]
# Tools without arguments: the 0.5B model's native calls are not grammar-constrained (it writes them as
# text, bench/RESULTS.md) and it sometimes invents long arguments; here only the plumbing is under test.
ACCOUNT_TOOLS = [t for t in TOOLS if t["function"]["name"] in ("purchase_history", "recommend_for_me")]


@pytest.mark.slow
@pytest.mark.server
async def test_native_tool_call_on_a_real_llama_cpp_server(llama_server: LoopbackServer) -> None:
    backend = OpenAIBackend(base_url=llama_server.base_url, model="local", api_key=llama_server.api_key,
                            timeout_s=120, temperature=0.0, tool_mode="native")
    messages = [SYSTEM, {"role": "user", "content": "show me my purchase history"}]
    try:
        choice = await backend.choose_tool(messages, ACCOUNT_TOOLS, require=True, max_tokens=64)
        health = await backend.health()
    finally:
        await backend.aclose()
    assert choice.name in ("purchase_history", "recommend_for_me") and choice.path == "native"
    validate(choice.arguments, tool_calls.parameters(ACCOUNT_TOOLS, choice.name) or {})
    assert backend.tool_mode == "native"  # the server took `tools` (jinja templates are on)
    assert health["tool_path"] == "native" and health["tool_stats"]["native"] == 1 and health["ok"] is True


@pytest.mark.slow
@pytest.mark.server
async def test_llama_cpp_without_jinja_refuses_tools_and_the_json_protocol_answers(small_gguf: Path) -> None:
    import secrets

    import xllamacpp

    params_ = xllamacpp.CommonParams()
    params_.model.path = str(small_gguf)
    params_.n_ctx = 1024
    params_.cpuparams.n_threads = params_.cpuparams_batch.n_threads = 1
    params_.hostnames, params_.port, params_.warmup, params_.verbosity = ["127.0.0.1"], 0, False, 1
    params_.use_jinja = False
    key = secrets.token_urlsafe(16)
    params_.api_keys = [key]
    server = xllamacpp.Server(params_)
    backend = OpenAIBackend(base_url=server.listening_address + "/v1", model="local", api_key=key, timeout_s=120,
                            temperature=0.0)
    messages = [SYSTEM, {"role": "user", "content": "show me my purchase history"}]
    try:
        choice = await backend.choose_tool(messages, HISTORY_TOOLS, require=True, max_tokens=40)
    finally:
        await backend.aclose()
        del server
    assert backend.tool_mode == "json" and choice.path == "json"
    assert choice.name in ("search_catalog", "purchase_history")
    validate(choice.arguments, tool_calls.parameters(HISTORY_TOOLS, choice.name) or {})


def test_tool_mode_comes_from_settings_and_auto_is_json_on_embedded(tmp_path: Path) -> None:
    from agent.llm.embedded import EmbeddedBackend
    from reclmms.settings import load_settings

    config = tmp_path / "config.toml"
    config.write_text("")
    native = load_settings(config, env={"RECLMMS_LLM_TOOL_CALLS": "native"})
    assert OpenAIBackend.from_settings(native).tool_mode == "native"
    assert OpenAIBackend.from_settings(load_settings(config, env={})).tool_mode == "auto"
    assert EmbeddedBackend(tmp_path / "m.gguf").tool_mode == "json"  # measured: bench/tool_calls.py
    assert EmbeddedBackend(tmp_path / "m.gguf", tool_mode="native")._client.tool_mode == "native"
