"""The LangGraph state graph of one turn: route -> act -> respond.

``route`` decides the intent and the tool call (rules first, the model as a fallback),
``act`` runs the tool and publishes the products, ``respond`` writes the grounded prose.
Events (``ProductsReady``, ``ReplyDelta``) go out on the graph's custom stream; the
conversation memory is the graph state, saved per session by the checkpointer.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph

from agent.context import AgentContext
from agent.reply import respond
from agent.retrieval import act
from agent.routing import route
from agent.state import ConversationState


def build_graph(checkpointer: Any = None) -> Any:
    """The compiled graph; ``checkpointer`` persists each session's state (thread = session id)."""
    graph = StateGraph(ConversationState, context_schema=AgentContext)
    graph.add_node("route", route)
    graph.add_node("act", act)
    graph.add_node("respond", respond)
    graph.add_edge(START, "route")
    graph.add_edge("route", "act")
    graph.add_edge("act", "respond")
    graph.add_edge("respond", END)
    return graph.compile(checkpointer=checkpointer, name="reclmms-shopping")
