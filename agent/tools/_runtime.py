"""The runtime a tool is given: the turn's state and its ``AgentContext`` (tools read it with
``cast(AgentContext, runtime.context)``).

Its context is typed ``Any`` on purpose. ``BaseTool.ainvoke`` validates and then serialises the
injected runtime with pydantic: a bare ``ToolRuntime`` types the context None, so pydantic warns on
every call that it holds an ``AgentContext``; ``ToolRuntime[AgentContext]`` would make pydantic build
a schema of the catalog services the context holds. ``Any`` passes it through untouched."""

from __future__ import annotations

from typing import Any

from langchain.tools import ToolRuntime

TurnRuntime = ToolRuntime[Any]
