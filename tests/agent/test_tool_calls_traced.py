"""A turn's tool calls go through LangChain's ``BaseTool.ainvoke``, so callbacks and tracers (LangSmith,
``collect_runs``) see each call with its name and arguments, and the injected runtime, which holds the
turn's ``AgentContext``, is passed through without a pydantic serializer warning."""

from __future__ import annotations

import warnings
from typing import Any

from langchain_core.tracers.context import collect_runs

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session


async def test_tracers_see_each_tool_call_and_nothing_warns(open_service: Any) -> None:
    async with open_service(ScriptedBackend()) as service:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # any warning of the turn fails it
            with collect_runs() as runs:
                reply = await service.ask(Session("traced"), "red dress")
    assert reply.products and all(p.colour == "Red" for p in reply.products)
    tools = [run for run in runs.traced_runs if run.run_type == "tool"]
    assert [run.name for run in tools] == ["search_catalog"]
    assert "red" in str(tools[0].inputs).lower()
