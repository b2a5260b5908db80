"""Choosing one tool: the shared checks, and the JSON protocol every backend can fall back on.

A backend's ``choose_tool(messages, tools)`` returns a ``ToolChoice``: the name of one of
``tools`` (OpenAI format, ``{"type": "function", "function": {name, description, parameters}}``)
with arguments that validate against that tool's parameters, or no tool when the model
answers in prose (small talk). Two paths lead there:

- **native**: the server's own tool calling (``tools=[...]`` on an OpenAI-compatible server);
  the call it returns is checked here (``check_call``);
- **json**: the model fills a selection object ``{"tool": NAME, "arguments": {...}}`` through
  ``complete_json``, so it gets constrained decoding where the backend offers it and the
  prompt-level protocol with one repair round everywhere else (MiniCPM has no native tool
  calls). The selection schema is an ``anyOf`` with one branch per tool, so a grammar built
  from it can only produce arguments of the chosen tool.

Both paths end in ``check_call``: an unknown tool or invalid arguments raise
``JSONProtocolError`` (a ``ModelError``); arguments a tool does not declare (a
``customer_id`` the model made up) and null ones are dropped before validation, and the
strings of the others are cleaned like the model's prose (``model_text.clean``: no control
characters, escape sequences or bidirectional overrides reach a tool or a search query).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from agent.llm import model_text
from agent.llm.base import Message
from agent.llm.json_protocol import JSONProtocolError, extract_json, validation_errors

logger = logging.getLogger(__name__)

ToolMode = Literal["auto", "native", "json"]
ToolPath = Literal["native", "json"]
ToolSpec = dict[str, Any]
CompleteJson = Callable[[list[Message], dict[str, Any]], Awaitable[dict[str, Any]]]

NO_TOOL = "none"
_NO_TOOL_NOTE = "none: the message is small talk or asks for nothing the tools do"


@dataclass(frozen=True, slots=True)
class ToolChoice:
    """One tool call the model chose (``name`` None: it answered in prose, ``text``)."""

    name: str | None
    arguments: dict[str, Any] = field(default_factory=dict)
    path: ToolPath = "json"
    text: str = ""


def tool_names(tools: list[ToolSpec]) -> list[str]:
    return [str(t["function"]["name"]) for t in tools]


def parameters(tools: list[ToolSpec], name: str) -> dict[str, Any] | None:
    for tool in tools:
        if tool["function"]["name"] == name:
            params = tool["function"].get("parameters") or {"type": "object", "properties": {}}
            return dict(params)
    return None


def _call_text(name: Any, arguments: Any) -> str:
    """The call as the model would read it back in a repair round."""
    if not isinstance(arguments, str):
        try:
            arguments = json.dumps(arguments, ensure_ascii=False)
        except (TypeError, ValueError):
            arguments = repr(arguments)
    return f'{{"name": {json.dumps(str(name))}, "arguments": {arguments}}}'


def check_call(tools: list[ToolSpec], name: Any, arguments: Any, *, path: ToolPath) -> ToolChoice:
    """A validated ``ToolChoice``; raise JSONProtocolError naming what is wrong.

    ``arguments`` may be a dict or the JSON text a server returns (parsed leniently). Keys the
    tool does not declare are dropped first: the model cannot pass a customer id, or anything
    else a tool never asked for.
    """
    raw = _call_text(name, arguments)
    params = parameters(tools, name) if isinstance(name, str) else None
    if params is None:
        names = ", ".join(tool_names(tools))
        raise JSONProtocolError(f"the model called an unknown tool {name!r}", [f"tool: must be one of {names}"], raw)
    if isinstance(arguments, str):
        try:
            arguments = extract_json(arguments) if arguments.strip() else {}
        except ValueError as exc:
            raise JSONProtocolError(f"{name}: arguments are not JSON", [f"arguments: {exc}"], raw) from None
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        raise JSONProtocolError(f"{name}: arguments are not an object", ["arguments: must be a JSON object"], raw)
    declared = params.get("properties") or {}
    dropped = sorted(set(arguments) - set(declared))
    if dropped:
        logger.info("%s: dropped arguments the tool does not declare: %s", name, ", ".join(dropped))
    # null means "not given": small models spell out every optional argument as null.
    kept = {k: _cleaned(v) for k, v in arguments.items() if k in declared and v is not None}
    errors = validation_errors(kept, params)
    if errors:
        raise JSONProtocolError(f"{name}: invalid arguments: " + "; ".join(errors[:3]),
                                [f"arguments/{e}" for e in errors], raw)
    return ToolChoice(name=name, arguments=kept, path=path)


def _cleaned(value: Any) -> Any:
    """``value`` with every string in it cleaned like the model's prose ("red\\x00 dress\\x1b[31m": "red dress")."""
    if isinstance(value, str):
        return model_text.clean(value)
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items()}
    return value


def salvage_call(text: str, tools: list[ToolSpec]) -> tuple[str, Any] | None:
    """A tool call a model wrote as text instead of in the server's tool-call format.

    Small models often answer a native tool request with ``{"name": ..., "arguments": {...}}``
    in a code fence; when the name is one of ``tools`` that is the call they meant.
    """
    try:
        value = extract_json(text)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("function"), dict):  # {"function": {"name", "arguments"}}
        value = value["function"]
    name = value.get("name", value.get("tool"))
    if name not in tool_names(tools):
        return None
    return str(name), value.get("arguments", value.get("parameters", {}))


def looks_like_call(text: str) -> bool:
    """Text that is an attempt at a tool call (cut off, or not JSON), not a prose answer."""
    head = text.lstrip()[:200]
    return head.startswith(("{", "```", "<tool_call>")) or ('"name"' in head and '"arguments"' in head)


def selection_schema(tools: list[ToolSpec], *, require: bool) -> dict[str, Any]:
    """The JSON-protocol schema: one ``anyOf`` branch per tool (plus "none" unless ``require``)."""
    branches: list[dict[str, Any]] = []
    for tool in tools:
        fn = tool["function"]
        branches.append({
            "type": "object",
            "description": " ".join(str(fn.get("description", "")).split()),
            "properties": {"tool": {"const": fn["name"]}, "arguments": parameters(tools, fn["name"])},
            "required": ["tool", "arguments"],
            "additionalProperties": False,
        })
    if not require:
        branches.append({
            "type": "object",
            "description": _NO_TOOL_NOTE,
            "properties": {"tool": {"const": NO_TOOL}},
            "required": ["tool"],
            "additionalProperties": False,
        })
    return {"anyOf": branches}


def from_selection(value: Any, tools: list[ToolSpec], *, require: bool) -> ToolChoice:
    """The ``ToolChoice`` a selection object names, checked like a native call."""
    if not isinstance(value, dict):
        raise JSONProtocolError("the tool selection is not an object", ["the reply must be a JSON object"], repr(value))
    name = value.get("tool")
    if name == NO_TOOL and not require:
        return ToolChoice(name=None, path="json")
    return check_call(tools, name, value.get("arguments") or {}, path="json")


async def choose_by_json(
    complete_json: CompleteJson, messages: list[Message], tools: list[ToolSpec], *, require: bool
) -> ToolChoice:
    """The JSON-protocol path: ``complete_json`` fills the selection object, then it is checked.

    ``complete_json(messages, schema)`` is the backend's own (constrained where it can be,
    validated and repaired once otherwise); the check here does not trust it.
    """
    if not tools:
        raise ValueError("choose_tool needs at least one tool")
    value = await complete_json(messages, selection_schema(tools, require=require))
    return from_selection(value, tools, require=require)


def repair_call_messages(messages: list[Message], bad: str, errors: list[str]) -> list[Message]:
    """The conversation for the one repair round of a native call: the bad call and what was wrong."""
    listed = "\n".join(f"- {e}" for e in errors[:5])
    return [
        *messages,
        {"role": "assistant", "content": bad[:1000]},
        {"role": "user", "content": f"That tool call was not valid:\n{listed}\nCall one tool again with valid arguments."},
    ]
