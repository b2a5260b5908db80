"""The agent's tools: one module each, typed and async; the docstring is the model's description.

Every tool gets the catalog and the session's customer from the injected runtime context
(``agent.tools._runtime.TurnRuntime``), never from globals and never from the model's arguments.
Expected failures become short observations, not exceptions.
"""

from __future__ import annotations

from langchain_core.tools import BaseTool

from agent.tools._output import ToolOutput
from agent.tools.article_details import article_details
from agent.tools.find_similar import find_similar
from agent.tools.purchase_history import purchase_history
from agent.tools.recommend_for_me import recommend_for_me
from agent.tools.search_catalog import search_catalog

TOOLS: dict[str, BaseTool] = {
    t.name: t for t in (search_catalog, find_similar, purchase_history, recommend_for_me, article_details)
}

__all__ = ["TOOLS", "ToolOutput", "article_details", "find_similar", "purchase_history", "recommend_for_me", "search_catalog"]
