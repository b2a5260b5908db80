"""Shared fixtures for every test area.

- ``clean_env`` (autouse): removes ``RECLMMS_*`` variables, so the developer's environment
  cannot leak into a test (tests that need one set it with ``monkeypatch.setenv``).
- ``demo_catalog`` (session): a small demo catalog built ONCE per test session in a tmp
  data dir: the generated demo products (catalog.demo) ingested with their demo
  customers and purchases, text and image vectors indexed. Returns the ``Settings``
  (``settings.data_dir`` is that dir). Open real services on it with
  ``reclmms.app.open_services(settings)`` / ``open_catalog(settings)``; treat it as
  read-only (tests that write build their own catalog in ``tmp_path``).
- ``demo_settings_factory``: ``Settings`` for a fresh data dir (``data_dir`` argument).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reclmms.settings import Settings, StorageSettings
from tests.search.chroma_process import CHROMA, ChromaProcess

DEMO_PRODUCTS = 120


def settings_for(data_dir: Path, **sections: object) -> Settings:
    """Default settings with ``data_dir``; ``sections`` replace whole sections (e.g. chroma=...)."""
    return Settings(storage=StorageSettings(data_dir=Path(data_dir)), **sections)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("RECLMMS_"):
            monkeypatch.delenv(name, raising=False)


async def _build_demo(settings: Settings) -> None:
    from catalog.db import Database
    from catalog.demo import generate_demo_catalog
    from catalog.ingest.generic import ingest_catalog_file

    out = settings.data_dir / "demo"
    path = await asyncio.to_thread(generate_demo_catalog, out, DEMO_PRODUCTS)
    async with Database(settings.sqlite_path) as db:
        await ingest_catalog_file(
            settings,
            db,
            path,
            progress=False,
            index=True,
            images=True,
            transactions=out / "transactions.csv",
            customers=out / "customers.csv",
            source="test demo catalog",
        )


@pytest.fixture(scope="session")
def demo_catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    saved = {k: v for k, v in os.environ.items() if k.startswith("RECLMMS_")}
    for name in saved:
        del os.environ[name]
    try:
        settings = settings_for(tmp_path_factory.mktemp("demo_catalog"))
        asyncio.run(_build_demo(settings))
    finally:
        os.environ.update(saved)
    yield settings


@pytest.fixture
def demo_settings_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(data_dir: Path | None = None, **sections: object) -> Settings:
        return settings_for(data_dir or tmp_path / "data", **sections)

    return make


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[ChromaProcess]:
    """A real ``chroma run`` on loopback that a test may stop and start again (tests/search/chroma_process.py)."""
    if not CHROMA.exists():
        pytest.skip("the chroma CLI is not installed in this environment")
    server = ChromaProcess(tmp_path)
    try:
        yield server
    finally:
        server.stop()
