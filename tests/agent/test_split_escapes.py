"""A terminal escape sequence that a stream splits across two chunks never leaves its tail in a reply.

The real openai backend streams from a fake OpenAI-compatible server on loopback.
"""

from __future__ import annotations

from typing import Any

from agent.llm.openai_backend import OpenAIBackend
from agent.turn import ReplyDelta, Session
from tests.llm.sse_server import chunk, sse_server


async def test_an_escape_split_across_chunks_leaves_nothing_in_the_reply(open_service: Any) -> None:
    parts = ["The Slate Chino Trousers are \x1b[3", "1msmart\x1b[", "0m and neat.\x1b"]
    deltas: list[str] = []
    with sse_server(("stream", [chunk(p) for p in parts] + [chunk(finish="stop")], "done")) as server:
        async with open_service(OpenAIBackend(base_url=server.base_url, model="m", timeout_s=3),
                                llm_timeout=3.0) as service:
            async for event in service.stream(Session("escapes"), "black trousers"):
                if isinstance(event, ReplyDelta):
                    deltas.append(event.text)
                last = event
    result = last.result
    assert "The Slate Chino Trousers are smart and neat." in result.reply and result.note is None
    assert not any("[3" in d or "1m" in d or "[0" in d or "0m" in d or "\x1b" in d for d in deltas), deltas
