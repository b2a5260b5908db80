"""A scripted ``ChatBackend`` for tests, benches and demos without a model.

It answers ``complete_json`` from a queue of dicts (or a rule function), and ``stream_text``
from a queue of texts (or a rule function), chunked like a real stream. ``choose_tool`` takes
the JSON protocol like MiniCPM: its next JSON reply is the selection object
(``{"tool": "search_catalog", "arguments": {...}}``, or ``{"tool": "none"}``), checked by
``tool_calls`` exactly as a real model's would be. Modes simulate the
failures the agent must survive:

- ``"ok"``       normal answers;
- ``"down"``     every call raises ``ModelUnavailableError`` at once;
- ``"slow"``     every call sleeps ``delay_s`` (then answers, unless the caller's timeout hits);
- ``"garbage"``  JSON calls return objects that fail the schema, text calls return junk.

Every call is recorded in ``calls`` so tests can assert what the agent asked for.
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any

from agent.llm import tool_calls
from agent.llm.base import TokenLimitReached
from agent.llm.tool_calls import ToolChoice
from reclmms.errors import ModelError, ModelUnavailableError

Message = dict[str, Any]
JsonRule = Callable[[list[Message], dict[str, Any]], dict[str, Any]]
TextRule = Callable[[list[Message]], str]


class _ScriptedChatModel:
    """Stands in for a LangChain chat model: only what the agent reads (a name)."""

    model_name = "scripted"


def default_text(messages: list[Message]) -> str:
    """A plain reply naming the first listed product (the only one, when one is listed), in the language the prompt
    asks for."""
    prompt = str(messages[-1].get("content", "")) if messages else ""
    language = re.search(r"^Language:\s*(\S+)", prompt, re.M)
    first = re.search(r"^1\.\s*([^,\n]+)", prompt, re.M)
    name = first.group(1).strip() if first else "these"
    several = re.search(r"^2\.\s", prompt, re.M) is not None  # one product: the one asked about, no "first one"
    if language and language.group(1) == "zh":
        return f"我为您挑选了这些商品。第一件 {name} 很适合您。" if several else f"{name} 很适合您。"
    return f"I picked these for you. The first one, {name}, is a great choice." if several else \
        f"{name} is a great choice."


def _minimal_value(spec: dict[str, Any]) -> Any:
    if "const" in spec:
        return spec["const"]
    if "enum" in spec:
        return spec["enum"][0]
    for union in ("anyOf", "oneOf"):
        if spec.get(union):
            return _minimal_value(spec[union][0])
    kind = spec.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "object" or (kind is None and "properties" in spec):
        props = spec.get("properties", {})
        return {key: _minimal_value(props.get(key, {})) for key in spec.get("required", [])}
    return {"array": [], "string": "", "number": 0, "integer": 0, "boolean": False, "null": None}.get(kind or "string")


def minimal_json(messages: list[Message], schema: dict[str, Any]) -> dict[str, Any]:
    """The smallest object that satisfies ``schema``: required keys with a first const/enum value or an
    empty value, the first branch of a union. For the tool selection this is
    ``{"tool": "search_catalog", "arguments": {"query": ""}}``: a plain catalog search."""
    value = _minimal_value(schema)
    return value if isinstance(value, dict) else {}


class ScriptedBackend:
    name = "scripted"
    supports_images = False

    def __init__(
        self,
        *,
        json_replies: list[dict[str, Any]] | None = None,
        text_replies: list[str] | None = None,
        json_rule: JsonRule | None = None,
        text_rule: TextRule | None = None,
        mode: str = "ok",
        delay_s: float = 0.0,
        chunk_chars: int = 6,
    ) -> None:
        self.json_replies: deque[dict[str, Any]] = deque(json_replies or [])
        self.text_replies: deque[str] = deque(text_replies or [])
        self.json_rule = json_rule
        self.text_rule = text_rule or default_text
        self.mode = mode
        self.delay_s = delay_s
        self.chunk_chars = max(1, chunk_chars)
        self.calls: list[dict[str, Any]] = []
        self.chat_model = _ScriptedChatModel()
        self.closed = False

    async def _before(self, kind: str, messages: list[Message], timeout_s: float | None) -> None:
        self.calls.append({"kind": kind, "messages": messages, "timeout_s": timeout_s})
        if self.mode == "down":
            raise ModelUnavailableError("scripted backend is down")
        if self.mode == "slow" or self.delay_s:
            delay = self.delay_s or 60.0
            if timeout_s is not None and delay > timeout_s:
                await asyncio.sleep(timeout_s)
                raise ModelError(f"scripted backend timed out after {timeout_s:.1f}s")
            await asyncio.sleep(delay)

    async def complete_json(
        self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int = 256, timeout_s: float | None = None
    ) -> dict[str, Any]:
        await self._before("json", messages, timeout_s)
        return self._json_reply(messages, schema)

    async def choose_tool(
        self, messages: list[Message], tools: list[dict[str, Any]], *, require: bool = False,
        max_tokens: int = 128, timeout_s: float | None = None
    ) -> ToolChoice:
        await self._before("tool", messages, timeout_s)
        self.calls[-1]["tools"] = tool_calls.tool_names(tools)

        async def fill(msgs: list[Message], schema: dict[str, Any]) -> dict[str, Any]:
            return self._json_reply(msgs, schema)

        return await tool_calls.choose_by_json(fill, messages, tools, require=require)

    def _json_reply(self, messages: list[Message], schema: dict[str, Any]) -> dict[str, Any]:
        if self.mode == "garbage":
            return {"intent": "launch_rockets", "max_price": "lots", "picks": ["not-an-id"]}
        if self.json_replies:
            return self.json_replies.popleft()
        if self.json_rule is not None:
            return self.json_rule(messages, schema)
        raise ModelError("scripted backend has no JSON reply queued")

    async def stream_text(
        self, messages: list[Message], *, max_tokens: int = 256, timeout_s: float | None = None
    ) -> AsyncIterator[str]:
        await self._before("text", messages, timeout_s)
        if self.mode == "garbage":
            text = "{{{{ <|im_end|> ]]]] ####### \x00\x00"
        elif self.text_replies:
            text = self.text_replies.popleft()
        else:
            text = self.text_rule(messages)
        budget = max_tokens
        for i in range(0, len(text), self.chunk_chars):
            if budget <= 0:
                yield TokenLimitReached()  # max_tokens ended the reply, as a server's finish_reason "length"
                break
            budget -= 1
            await asyncio.sleep(0)
            yield text[i : i + self.chunk_chars]

    async def health(self) -> dict[str, Any]:
        if self.mode == "down":
            raise ModelUnavailableError("scripted backend is down")
        return {"status": "ok", "model": "scripted", "mode": self.mode}

    async def aclose(self) -> None:
        self.closed = True
