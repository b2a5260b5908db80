"""/stats does not count the start's warm-up turn among the model's turns "since restart": with no shopper's turn
yet it says 0 turns, and one turn later 1. End to end against the fake Bot API server (fake shopping service)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from agent.turn import Session, TurnEvent
from bot.application import build_application, running
from bot.fake_api import FakeBotApi
from tests.bot.conftest import ADMIN_ID, bot_settings, fake_services_factory
from tests.bot.fakes import FakeCatalog, FakeShoppingService, make_articles


class CountingService(FakeShoppingService):
    """Counts its turns and tells them in ``health``, as the agent does ("LLM since restart")."""

    def __init__(self, catalog: FakeCatalog) -> None:
        super().__init__(catalog)
        self.turns = 0
        self.failures = 0

    async def stream(self, session: Session, text: str | None, photo: bytes | None = None) -> AsyncIterator[TurnEvent]:
        async for event in super().stream(session, text, photo):
            yield event
        self.turns += 1

    async def health(self) -> dict[str, Any]:
        return {"status": "ok", "turns": self.turns, "llm_failures": self.failures}


async def test_stats_do_not_count_the_warm_up_turn(tmp_path: Path) -> None:
    catalog = FakeCatalog(make_articles(tmp_path / "images"))
    agent = CountingService(catalog)
    async with FakeBotApi() as api:
        app = build_application(bot_settings(tmp_path, api), fake_services_factory(catalog, agent, []),
                                overall_max_rate=0)
        async with running(app, poll_timeout=0.5):
            await app.bot_data["runtime"].warmup.wait(30)
            assert agent.seen  # the warm-up's turn ran through the agent
            for turns in (0, 1):
                after = len(api.calls)
                api.send_text(ADMIN_ID, "/stats")
                stats = await api.wait_for("sendMessage", chat_id=ADMIN_ID, after=after, where=lambda c: "stats" in c.text)
                assert f"<b>LLM since restart</b>: {turns} turn{'' if turns == 1 else 's'}, model failures 0" in stats.text
                after = len(api.calls)
                api.send_text(1, "a black dress")
                await api.wait_for("sendMessage", chat_id=1, after=after, where=lambda c: "picks for you" in c.text)
