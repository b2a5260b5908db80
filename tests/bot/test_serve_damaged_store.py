"""`reclmms serve` on a data dir whose files an operator broke, in a child process against the fake Bot API
server: it stops with one line that names the file, what is wrong and what to do, exit code 2, no traceback,
never "serving by", and the broken file is left as it was (never "repaired" by making it anew). A broken store
file (the catalog's, the conversations', the account-link secret) stops it before it asks the Bot API anything."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.fake_api import FakeBotApi
from tests.bot.test_serve_needs_catalog import reclmms
from tests.core.store_damage import (
    CATALOG_REMEDY,
    CHECKPOINTS_REMEDY,
    a_folder,
    build_store,
    clean_env,
    garbage_pages,
    not_a_database,
    snapshot,
)

EXIT_WAIT_S = 90.0
REPLACE_SECRET = ("restore it from a backup, or move it aside to have a new one generated (link codes and buttons "
                  "already sent then stop working), or set RECLMMS_LINK_SECRET")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("serve_damaged"))


async def serve(data: Path, api: FakeBotApi) -> tuple[int, str]:
    env = clean_env(RECLMMS_STORAGE_DATA_DIR=str(data), RECLMMS_TELEGRAM_TOKEN=api.token,
                    RECLMMS_TELEGRAM_BASE_URL=api.base_url, RECLMMS_TELEGRAM_BASE_FILE_URL=api.base_file_url)
    return await reclmms(env, "serve", wait_s=EXIT_WAIT_S)


def chroma_a_file(path: Path) -> None:
    shutil.rmtree(path)
    path.write_text("not a folder\n", encoding="utf-8")


# (file, damage, the error's text after the path)
CASES: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "store not a database": ("reclmms.sqlite3", lambda p: not_a_database(p, "random"),
                             f"is not a SQLite database: {CATALOG_REMEDY}"),
    "store garbage pages": ("reclmms.sqlite3", garbage_pages,
                            f"is damaged (database disk image is malformed): {CATALOG_REMEDY}"),
    "conversations a folder": ("conversations.sqlite3", a_folder,
                               f"is a folder, not a SQLite database: {CHECKPOINTS_REMEDY}"),
    "conversations not a database": ("conversations.sqlite3", lambda p: not_a_database(p, "text"),
                                     f"is not a SQLite database: {CHECKPOINTS_REMEDY}"),
    "conversations garbage pages": ("conversations.sqlite3", garbage_pages,
                                    f"is damaged (database disk image is malformed): {CHECKPOINTS_REMEDY}"),
    "link secret a folder": ("link_secret", a_folder, f"is a folder, not the account-link secret: {REPLACE_SECRET}"),
    "chroma a file": ("chroma", chroma_a_file, "is a file, not the search index's folder: move it aside and run "
                      "the same `reclmms ingest ...` again to build the search index anew"),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_serve_on_a_broken_file_stops_with_one_line(built: Path, tmp_path: Path, case: str) -> None:
    name, damage, problem = CASES[case]
    data = tmp_path / "data"
    shutil.copytree(built, data)
    damage(data / name)
    before = snapshot(data)
    async with FakeBotApi() as api:
        rc, text = await serve(data, api)
        updates_asked = [c for c in api.calls if c.method == "getUpdates"]
        api_asked = [c.method for c in api.calls]
    after = snapshot(data)
    assert rc == 2, text
    assert "Traceback" not in text and "serving by" not in text, text
    assert text.strip().splitlines()[-1] == f"error: {data / name} {problem}", text
    assert updates_asked == []  # it never started polling
    assert api_asked == []  # not even getMe: the store's check comes first
    broken = {k: v for k, v in before.items() if k == name or k.startswith(f"{name}/")}
    assert {k: v for k, v in after.items() if k == name or k.startswith(f"{name}/")} == broken  # left as it was
    assert set(before) <= set(after)  # nothing deleted
