"""The bot under test: a real PTB Application, real HTTP, a fake Bot API server on loopback."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest_asyncio

from bot.application import build_application, running
from bot.fake_api import FakeBotApi
from catalog.db import Database
from reclmms.app import Services
from reclmms.settings import Settings, load_settings
from tests.bot.fakes import FakeCatalog, FakeShoppingService, make_articles

ADMIN_ID = 999


def bot_settings(tmp: Path, api: FakeBotApi, **env: str) -> Settings:
    config = tmp / "config.toml"
    config.write_text("", encoding="utf-8")
    base = {
        "RECLMMS_TELEGRAM_TOKEN": api.token,
        "RECLMMS_TELEGRAM_BASE_URL": api.base_url,
        "RECLMMS_TELEGRAM_BASE_FILE_URL": api.base_file_url,
        "RECLMMS_TELEGRAM_ADMIN_IDS": str(ADMIN_ID),
        "RECLMMS_TELEGRAM_RATE_LIMIT_PER_MINUTE": "8",
        "RECLMMS_STORAGE_DATA_DIR": str(tmp / "data"),
        "RECLMMS_LLM_BACKEND": "scripted",
        "RECLMMS_LINK_SECRET": "test-link-secret-0123456789abcdef",
    }
    return load_settings(config, env={**base, **env})


@dataclass
class Harness:
    api: FakeBotApi
    app: Any
    settings: Settings
    services: Services | None = None

    @property
    def rt(self) -> Any:
        return self.app.bot_data["runtime"]


def fake_services_factory(catalog: FakeCatalog, agent: FakeShoppingService, customers: list[str]) -> Any:
    @contextlib.asynccontextmanager
    async def factory(settings: Settings) -> AsyncIterator[Services]:
        async with Database(settings.sqlite_path) as db:
            await db.conn.execute("CREATE TABLE IF NOT EXISTS customers (customer_id TEXT PRIMARY KEY)")
            await db.conn.executemany("INSERT OR IGNORE INTO customers VALUES (?)", [(c,) for c in customers])
            await db.conn.commit()
            yield Services(settings=settings, db=db, catalog=catalog, agent=agent)  # type: ignore[arg-type]

    return factory


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake_bot(tmp_path_factory: Any) -> AsyncIterator[Harness]:
    """The bot on the fake shopping service (module-scoped: tests use their own chat ids)."""
    tmp = tmp_path_factory.mktemp("bot-fake")
    catalog = FakeCatalog(make_articles(tmp / "images"), purchases={"cust-1": ["0100000003", "0100000001"]})
    agent = FakeShoppingService(catalog)
    async with FakeBotApi() as api:
        settings = bot_settings(tmp, api)
        app = build_application(settings, fake_services_factory(catalog, agent, ["cust-1", "cust-2"]), overall_max_rate=0)
        async with running(app, poll_timeout=0.5):
            h = Harness(api, app, settings)
            h.services = h.rt.services
            await h.rt.warmup.wait(30)  # its turn must not mix with the tests' own
            yield h
