"""Chroma server mode: index and query through HttpClient against a real `chroma run` on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.indexing import index_catalog
from catalog.models import SearchFilters
from catalog.schema import ensure_catalog_schema
from reclmms.app import open_catalog
from reclmms.settings import ChromaSettings
from tests.search.test_indexing import make_articles

CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    if not CHROMA.exists():
        pytest.skip("the chroma CLI is not installed in this environment")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("wb")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={"ANONYMIZED_TELEMETRY": "False", "PATH": "/usr/bin:/bin"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("chroma run did not come up: " + (tmp_path / "chroma.log").read_text())
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


async def test_http_mode_indexes_and_searches(chroma_server: int, demo_settings_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = demo_settings_factory(chroma=ChromaSettings(mode="http", host="127.0.0.1", port=chroma_server))
    articles = make_articles(tmp_path / "images")
    async with Database(settings.sqlite_path) as db:
        await ensure_catalog_schema(db)
        store = ArticleStore(db)
        await store.upsert_many(articles)
        report = await index_catalog(settings, db, store, images=False, progress=False)
        assert report.text_indexed == len(articles)
    assert not settings.chroma_path.joinpath("chroma.sqlite3").exists()  # nothing embedded was used
    async with open_catalog(settings) as (_, cat):
        hits = await cat.search_text("yellow dress", None, 3)
        assert hits[0].article.name == "Yellow dress"
        blue = await cat.search_text("trousers", SearchFilters(colour="blue"), 3)
        assert [h.article.name for h in blue] == ["Dark Blue trousers", "Dark Blue dress"]
