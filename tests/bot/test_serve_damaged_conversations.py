"""`reclmms serve` on a data dir whose conversations' file is damaged in a page that opening it does not read
(each table's first rows read well): before the fix the bot started and every turn failed after its cards; now
the start's whole-file check finds it, and serve stops with the one line `reclmms ask` gives, exit code 2, before
it asks the Bot API anything, leaving the file as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.fake_api import FakeBotApi
from tests.bot.test_serve_damaged_store import serve
from tests.core.store_damage import CHECKPOINTS_REMEDY, build_store, garble_last_leaf, snapshot


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("serve_damaged_conversations"))


async def test_serve_finds_a_damaged_page_deep_in_the_conversations(built: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(built, data)
    path = data / "conversations.sqlite3"
    garble_last_leaf(path, "checkpoints")  # the last conversation's checkpoint; the first rows read well
    before = snapshot(data)
    async with FakeBotApi() as api:
        rc, text = await serve(data, api)
        asked = [c.method for c in api.calls]
    assert rc == 2, text
    assert "Traceback" not in text and "serving by" not in text, text
    assert text.strip().splitlines()[-1] == (
        f"error: {path} is damaged (database disk image is malformed): {CHECKPOINTS_REMEDY}"), text
    assert asked == []  # not even getMe
    assert snapshot(data) == before  # left as it was, nothing made anew
