from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agent.factory import build_shopping_service
from agent.llm.scripted import ScriptedBackend
from agent.service import ShoppingService
from reclmms.settings import AgentSettings, LLMSettings, Settings, StorageSettings
from tests.agent.fakes import FakeCatalog


def make_settings(data_dir: Path, *, llm_timeout: float = 1.5, turn_timeout: float = 4.0,
                  max_products: int = 5) -> Settings:
    return Settings(
        storage=StorageSettings(data_dir=data_dir),
        llm=LLMSettings(backend="scripted", timeout_s=llm_timeout),
        agent=AgentSettings(turn_timeout_s=turn_timeout, max_products=max_products),
    )


@pytest.fixture
def catalog() -> FakeCatalog:
    return FakeCatalog()


@pytest.fixture
def backend() -> ScriptedBackend:
    return ScriptedBackend()


@pytest.fixture
def open_service(tmp_path: Path, catalog: FakeCatalog):  # type: ignore[no-untyped-def]
    """``async with open_service(backend, **settings) as service`` over the fake catalog."""

    @contextlib.asynccontextmanager
    async def _open(backend: Any, cat: Any = None, **kwargs: Any) -> AsyncIterator[ShoppingService]:
        settings = make_settings(tmp_path, **kwargs)
        async with build_shopping_service(settings, cat or catalog, backend=backend) as service:
            yield service

    return _open
