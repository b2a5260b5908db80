"""A bot process for the crash tests: the fake shopping service, long polling the fake Bot API
at ``BASE_URL`` with ``TOKEN``, its state under ``DIR``, until SIGTERM. It prints ``ready`` once
polling. With ``HANG=1`` in the environment, a turn for a message that starts with "hang" hangs
after its cards, like a turn cut off by ``kill -9`` halfway.

    python -m tests.bot.bot_process BASE_URL TOKEN DIR
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from agent.turn import ProductsReady, Session, TurnEvent
from bot.application import build_application, running
from tests.bot.conftest import bot_settings, fake_services_factory
from tests.bot.fakes import FakeCatalog, FakeShoppingService, make_articles


class HangingService(FakeShoppingService):
    def __init__(self, catalog: FakeCatalog, hang: bool) -> None:
        super().__init__(catalog)
        self.hang = hang

    async def stream(self, session: Session, text: str | None, photo: bytes | None = None) -> AsyncIterator[TurnEvent]:
        async for event in super().stream(session, text, photo):
            yield event
            if self.hang and isinstance(event, ProductsReady) and (text or "").startswith("hang"):
                await asyncio.sleep(3600)


async def main(base_url: str, token: str, root: Path) -> None:
    api: Any = SimpleNamespace(token=token, base_url=f"{base_url}/bot", base_file_url=f"{base_url}/file/bot")
    settings = bot_settings(root, api)
    catalog = FakeCatalog(make_articles(root / "images"))
    service = HangingService(catalog, hang=os.environ.get("HANG") == "1")
    app = build_application(settings, fake_services_factory(catalog, service, []), overall_max_rate=0)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with running(app, poll_timeout=0.2):
        print("ready", flush=True)
        await stop.wait()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(main(sys.argv[1], sys.argv[2], Path(sys.argv[3])))
