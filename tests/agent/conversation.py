"""A conversation of several turns in one session, for tests: the model is down, so the replies are the fixed ones."""

from __future__ import annotations

from typing import Any

from agent.llm.scripted import ScriptedBackend
from agent.turn import Session, TurnResult


async def converse(open_service: Any, session_id: str, *texts: str, customer_id: str | None = None,
                   catalog: Any = None) -> list[TurnResult]:
    """The results of ``texts`` asked in turn in session ``session_id`` (``open_service``: the conftest fixture;
    ``catalog``: another fake catalog than the fixture's)."""
    async with open_service(ScriptedBackend(mode="down"), catalog) as service:
        session = Session(session_id, customer_id=customer_id)
        return [await service.ask(session, text) for text in texts]
