"""Files of the data dir that an operator broke (not a database, damaged, a folder or a file in the wrong
place, a link to nowhere), as the commands see them in child processes: one line on stderr that names the
file, says what is wrong and what to do, exit code 2, no traceback, and nothing stored is changed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.core.store_damage import (
    CATALOG_REMEDY,
    CHECKPOINTS_REMEDY,
    CUSTOMER,
    a_folder,
    build_store,
    garbage_pages,
    garble_last_leaf,
    not_a_database,
    reclmms,
    snapshot,
    truncated,
)

NOT_A_DB = "is not a SQLite database"
DAMAGED = "is damaged (database disk image is malformed)"
REBUILD = "run the same `reclmms ingest ...` again to build the search index anew"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("damaged_store"))


@pytest.fixture
def data(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(built, copy, symlinks=True)
    return copy


def one_line(rc: int, err: str) -> str:
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert rc == 2 and len(lines) == 1, err
    return lines[0]


def run_unchanged(data: Path, broken: Path, *args: str, stdin: str = "") -> str:
    """Run the command; the only line it writes to stderr, after checking that the broken file (or folder) is
    as it was and that nothing of the data dir was deleted (the sound files may be written as usual)."""
    before = snapshot(data)
    rc, err = reclmms(data, *args, stdin=stdin)
    after = snapshot(data)
    name = str(broken.relative_to(data))
    assert {k: v for k, v in after.items() if k == name or k.startswith(f"{name}/")} == {
        k: v for k, v in before.items() if k == name or k.startswith(f"{name}/")}
    assert set(before) <= set(after)
    return one_line(rc, err)


# (label, store file, damage, problem, command): each store file damaged, each command says so in one line
STORE_CASES: list[tuple[str, str, Callable[[Path], None], str, list[str]]] = [
    ("text", "reclmms.sqlite3", lambda p: not_a_database(p, "text"), NOT_A_DB, ["stats"]),
    ("random bytes", "reclmms.sqlite3", lambda p: not_a_database(p, "random"), NOT_A_DB, ["search", "shirt"]),
    ("random bytes", "reclmms.sqlite3", lambda p: not_a_database(p, "random"), NOT_A_DB, ["link-code", CUSTOMER]),
    ("garbage pages", "reclmms.sqlite3", garbage_pages, DAMAGED, ["recommend", "--customer", CUSTOMER]),
    ("garbage pages", "reclmms.sqlite3", garbage_pages, DAMAGED, ["chat"]),
    ("truncated", "reclmms.sqlite3", truncated, DAMAGED, ["ask", "hello"]),
    ("folder", "conversations.sqlite3", a_folder, "is a folder, not a SQLite database", ["ask", "hi"]),
    ("text", "conversations.sqlite3", lambda p: not_a_database(p, "text"), NOT_A_DB, ["chat"]),
    ("garbage pages", "conversations.sqlite3", garbage_pages, DAMAGED, ["stats", "--health"]),
    ("garbage pages", "conversations.sqlite3", garbage_pages, DAMAGED, ["ask", "--session", "kept", "hi"]),
]
REMEDIES = {"reclmms.sqlite3": CATALOG_REMEDY, "conversations.sqlite3": CHECKPOINTS_REMEDY}


@pytest.mark.parametrize(("name", "damage", "problem", "args"), [c[1:] for c in STORE_CASES],
                         ids=[f"{c[1].split('.')[0]}-{c[0]}-{c[4][0]}" for c in STORE_CASES])
def test_a_broken_store_file_is_one_line(data: Path, name: str, damage: Callable[[Path], None], problem: str,
                                         args: list[str]) -> None:
    path = data / name
    damage(path)
    assert run_unchanged(data, path, *args, stdin="hello\n") == f"error: {path} {problem}: {REMEDIES[name]}"


def test_damage_found_in_the_middle_of_a_command_names_its_file(data: Path) -> None:
    """The articles table's last page is garbage: the open reads its first rows and goes on, the recommendation
    reads the bought article from that page; the error does not say which file, a quick check finds it."""
    path = data / "reclmms.sqlite3"
    garble_last_leaf(path, "articles")
    line = run_unchanged(data, path, "recommend", "--customer", CUSTOMER)
    assert line == f"error: {path} {DAMAGED}: {CATALOG_REMEDY}"


@pytest.mark.parametrize("output", [[], ["--json"]], ids=["text", "json"])
def test_a_conversation_damaged_where_the_turn_reads_it_is_one_line(data: Path, output: list[str]) -> None:
    """The kept conversation's last checkpoint is on a page of garbage: the start-up check reads each table's
    first row and goes on, the turn fails as it loads the conversation. Nothing is answered, with --json or
    without: one line naming the file (no traceback, no "nothing found" reply), exit code 2."""
    path = data / "conversations.sqlite3"
    garble_last_leaf(path, "checkpoints")
    line = run_unchanged(data, path, "ask", "--session", "kept", "a red shirt", *output)
    assert line == f"error: {path} {DAMAGED}: {CHECKPOINTS_REMEDY}"


@pytest.mark.parametrize("how", ["folder", "link to nowhere", "too short"])
def test_a_broken_link_secret_is_one_line_and_kept(data: Path, tmp_path: Path, how: str) -> None:
    path = data / "link_secret"
    replace = ("restore it from a backup, or move it aside to have a new one generated (link codes and buttons "
               "already sent then stop working), or set RECLMMS_LINK_SECRET")
    if how == "folder":
        path.mkdir()
        expected = f"{path} is a folder, not the account-link secret: {replace}"
    elif how == "too short":
        path.write_text("abc\n", encoding="utf-8")
        expected = f"{path} is too short to be an account-link secret: {replace}"
    else:
        path.symlink_to(tmp_path / "secrets" / "link_secret")
        expected = (f"{path} links to {tmp_path / 'secrets' / 'link_secret'}, which is not there: "
                    "restore that file, or set RECLMMS_LINK_SECRET")
    assert run_unchanged(data, path, "link-code", CUSTOMER) == f"error: {expected}"
    assert not (tmp_path / "secrets").exists()


def test_a_file_where_the_search_index_goes_is_one_line(data: Path) -> None:
    shutil.rmtree(data / "chroma")
    (data / "chroma").write_text("not a folder\n", encoding="utf-8")
    line = run_unchanged(data, data / "chroma", "search", "shirt")
    assert line == f"error: {data / 'chroma'} is a file, not the search index's folder: move it aside and {REBUILD}"


def test_a_search_index_that_is_not_a_database_is_one_line(data: Path) -> None:
    (data / "chroma" / "chroma.sqlite3").write_text("not a database\n", encoding="utf-8")
    line = run_unchanged(data, data / "chroma", "search", "shirt")
    assert line == (f"error: {data / 'chroma' / 'chroma.sqlite3'} {NOT_A_DB}: move {data / 'chroma'} aside and "
                    f"{REBUILD}")


def test_an_analytics_store_that_is_not_duckdb_is_one_line(data: Path) -> None:
    path = data / "analytics.duckdb"
    not_a_database(path, "text")
    assert run_unchanged(data, path, "recommend", "--customer", CUSTOMER) == (
        f"error: {path} is not a DuckDB database: restore it from a backup, or move it aside and run the same "
        "`reclmms ingest ...` again to build it anew")


def test_a_file_where_the_session_locks_go_is_one_line(data: Path) -> None:
    shutil.rmtree(data / "sessions")
    (data / "sessions").write_text("x\n", encoding="utf-8")
    assert run_unchanged(data, data / "sessions", "ask", "--session", "s1", "hello") == (
        f"error: {data / 'sessions'} is a file, not the folder of conversation locks: move it aside (the folder "
        "is made again, empty)")
