from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from catalog.db import Database
from reclmms.settings import Settings, StorageSettings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(storage=StorageSettings(data_dir=tmp_path / "state"))


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    async with Database(settings.sqlite_path) as database:
        yield database
