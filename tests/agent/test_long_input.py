"""A message longer than the search accepts still searches: the query keeps its start and fits."""

from __future__ import annotations

from agent.llm.scripted import ScriptedBackend
from agent.tools._query import clip_query
from agent.turn import Session
from catalog.search import MAX_QUERY_CHARS


def test_clip_query_keeps_the_start_and_fits() -> None:
    assert clip_query("  a red   dress ") == "a red dress"
    assert clip_query("dress " * 20000) == "dress"  # a word said over and over counts once
    long = " ".join(f"word{i}" for i in range(1000))
    clipped = clip_query(long)
    assert len(clipped) <= MAX_QUERY_CHARS and clipped.startswith("word0 word1 ") and long.startswith(clipped)
    assert not clipped.endswith(" ") and f" {clipped.split()[-1]} " in f" {long} "  # cut at a word
    assert len(clip_query("x" * 5000)) == MAX_QUERY_CHARS


async def test_a_very_long_message_still_searches(open_service, catalog) -> None:  # type: ignore[no-untyped-def]
    async with open_service(ScriptedBackend()) as service:
        repeated = await service.ask(Session("long-1"), "dress " * 20000)
        varied = await service.ask(Session("long-2"), "a red summer dress " + " ".join(f"w{i}" for i in range(3000)))
        photo = await service.ask(Session("long-3"), "like this but red " * 500, photo=b"\x89PNG\r\n\x1a\nfake")
    for turn in (repeated, varied):
        assert turn.products and all(p.product_type == "Dress" for p in turn.products)
        assert len(turn.tool_calls[0]["args"]["query"]) <= MAX_QUERY_CHARS
    assert varied.tool_calls[0]["args"]["query"].startswith("a red summer dress w0 w1")
    assert all(p.colour == "Red" for p in varied.products)
    assert photo.products and photo.tool_calls[0]["tool"] == "find_similar"
    searched = [args[0] for name, args in catalog.calls if name == "search_text"]
    assert searched and all(len(q) <= MAX_QUERY_CHARS for q in searched)
