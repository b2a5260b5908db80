"""The agent's tools as the model sees them: OpenAI tool specs built from the LangChain tools.

``convert_to_openai_tool`` reads each tool's call schema, which leaves out the injected
``ToolRuntime`` (catalog, session customer, conversation state), so the model sees the same
names, docstrings and arguments as the tools themselves and nothing it must not set. The
descriptions are the docstrings with their line breaks folded.

``router_tool_specs`` is the routing view of the same tools: the arguments the router never
takes from the model (counts, article ids, the photo flag, the rarely used filters) are left
out, and optional ``X | null`` arguments read as plain ``X``. On a small CPU model every
prompt and output token counts (the specs are the bulk of the routing prompt), and a model
shown ``null`` as an option tends to spell out every argument as null.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from agent.tools import TOOLS

# Never an argument the model may fill: the session decides who the customer is.
FORBIDDEN_ARGUMENTS = ("runtime", "customer_id", "customer", "user_id")
# Arguments the router does not read from the model (see ``routing.intent_from_tool``).
ROUTER_HIDDEN = ("k", "limit", "article_id", "article_ids", "use_photo", "cheaper", "strict", "section", "garment_group",
                 "period", "cheap")  # the rules read a time frame and "cheap" from the message
# ... and those of one tool only: the kind a photo's caption names is the rules' (``routing._plan``)
ROUTER_HIDDEN_IN = {"find_similar": ("product_type",),
                    # the filters of popular items are the rules' (``routing._plan``), as for a search
                    "recommend_for_me": ("product_type", "colour", "index_group", "max_price", "popular")}


def tool_spec(tool: BaseTool) -> dict[str, Any]:
    """One tool in OpenAI format; raises ValueError if it would expose an injected or identity argument."""
    spec = convert_to_openai_tool(tool)
    function = spec["function"]
    function["description"] = " ".join(str(tool.description).split())
    exposed = set((function.get("parameters") or {}).get("properties") or {})
    leaked = exposed & set(FORBIDDEN_ARGUMENTS)
    if leaked:
        raise ValueError(f"tool {tool.name} exposes {', '.join(sorted(leaked))} to the model")
    return spec


def _plain(prop: dict[str, Any]) -> dict[str, Any]:
    """``{"anyOf": [X, {"type": "null"}], "default": null}`` -> ``X``; anything else unchanged."""
    options = prop.get("anyOf")
    if isinstance(options, list):
        kept = [o for o in options if o != {"type": "null"}]
        if len(kept) == 1 and len(options) == 2:
            out = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
            return {**kept[0], **out}
    return {k: v for k, v in prop.items() if not (k == "default" and v is None)}


def router_view(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` with only the arguments the router reads, optional ones without ``null``."""
    out = copy.deepcopy(spec)
    params = out["function"].setdefault("parameters", {"type": "object", "properties": {}})
    props = params.get("properties") or {}
    hidden = (*ROUTER_HIDDEN, *ROUTER_HIDDEN_IN.get(out["function"].get("name", ""), ()))
    params["properties"] = {name: _plain(p) for name, p in props.items() if name not in hidden}
    required = [r for r in params.get("required", []) if r in params["properties"]]
    if required:
        params["required"] = required
    else:
        params.pop("required", None)
    return out


@functools.cache
def _all_specs() -> tuple[dict[str, Any], ...]:
    return tuple(tool_spec(tool) for tool in TOOLS.values())


@functools.cache
def _router_specs() -> tuple[dict[str, Any], ...]:
    return tuple(router_view(spec) for spec in _all_specs())


def agent_tool_specs() -> list[dict[str, Any]]:
    """Specs of all the agent's tools, in ``TOOLS`` order (a fresh copy each call)."""
    return copy.deepcopy(list(_all_specs()))


def router_tool_specs() -> list[dict[str, Any]]:
    """The routing view of all the agent's tools, in ``TOOLS`` order (a fresh copy each call)."""
    return copy.deepcopy(list(_router_specs()))
