"""Bad input on the command line: one line on stderr, exit code 2, no traceback, no state created.

Everything runs through ``reclmms.cli.main``. The store used here is a tiny catalog ingested
once per module with ``reclmms ingest catalog --no-index`` (no embedders needed).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reclmms.cli import main
from tests.bad_photos import bad_photos
from tests.core.conftest import CUSTOMER, PRODUCTS
from tests.core.conftest import err_line as _err_line
from tests.core.conftest import write_config as _config


@pytest.fixture
def fresh(tmp_path: Path) -> tuple[str, Path]:
    """A --config whose data dir does not exist yet."""
    data = tmp_path / "deep" / "state"
    return _config(tmp_path / "config.toml", data), data


@pytest.mark.parametrize("kind", ["text", "corrupt", "bomb", "big", "empty", "missing", "folder", "fifo", "device"])
def test_ask_rejects_a_bad_photo(fresh: tuple[str, Path], tmp_path: Path, capsys, kind: str) -> None:  # type: ignore[no-untyped-def]
    config, data = fresh
    path, message = bad_photos(tmp_path)[kind]
    code = main(["--config", config, "ask", "dress", "--photo", str(path), "--json", "--backend", "scripted"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and len(err.strip().splitlines()) == 1
    assert not data.exists()  # the photo is checked before anything is opened


def test_chat_photo_and_customer_commands_print_a_message_and_continue(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    photos = bad_photos(tmp_path)
    lines = iter([
        f"/photo {photos['text'][0]}",
        f"/photo {photos['empty'][0]}",
        "/customer nosuchcust",
        f"/customer {CUSTOMER}",
        "/quit",
    ])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert main(["--config", store, "chat", "--backend", "scripted", "--session", "errs"]) == 0
    out = capsys.readouterr().out
    assert "error: the photo is not an image" in out
    assert "error: the photo is empty" in out
    assert "error: unknown customer: 'nosuchcust'" in out and "Customer: nosuchcust" not in out
    assert f"Customer: {CUSTOMER}" in out


def test_chat_photo_paths_with_spaces(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from reclmms.commands.chat import _path_words

    (tmp_path / "my look.jpg").write_bytes(b"x")
    assert _path_words([str(tmp_path / "my"), "look.jpg", "in", "blue"]) == 2  # the path, then the caption
    assert _path_words([str(tmp_path / "my"), "look.jpg"]) == 2
    assert _path_words(["nothing.jpg", "in", "blue"]) == 1
    lines = iter([f"/photo {tmp_path}/my look.jpg in blue", f"/photo {tmp_path}/no such.jpg", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert main(["--config", store, "chat", "--backend", "scripted", "--session", "spaces"]) == 0
    out = capsys.readouterr().out
    assert "error: the photo is not an image" in out  # the whole path was read: the file is not a photo
    assert f"photo file not found: {tmp_path}/no (a path with spaces can be put in quotes" in out


def test_unknown_customer_is_rejected_by_ask_and_chat(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", store, "ask", "what did I buy?", "--customer", "nosuchcustomer",
                 "--backend", "scripted"]) == 2
    assert _err_line(capsys) == "error: unknown customer: 'nosuchcustomer'"
    assert main(["--config", store, "chat", "--customer", "nosuchcustomer", "--backend", "scripted"]) == 2
    assert _err_line(capsys) == "error: unknown customer: 'nosuchcustomer'"
    assert main(["--config", store, "ask", "what did I buy?", "--customer", CUSTOMER, "--json",
                 "--backend", "scripted"]) == 0
    bought = {p["article_id"] for p in json.loads(capsys.readouterr().out)["products"]}
    assert bought == {"0100000001", "0100000002"}
    assert main(["--config", store, "ask", "what did I buy?", "--json", "--backend", "scripted"]) == 0
    told = json.loads(capsys.readouterr().out)
    assert not told["products"] and "--customer" in told["reply"]  # how to link, in the terminal's terms


@pytest.mark.parametrize(
    "command",
    [["stats"], ["search", "dress"], ["recommend", "--customer", CUSTOMER],
     ["ask", "dress", "--backend", "scripted"], ["chat", "--backend", "scripted"], ["link-code", CUSTOMER]],
)
def test_read_commands_on_a_missing_store_create_nothing(fresh: tuple[str, Path], capsys, command) -> None:  # type: ignore[no-untyped-def]
    config, data = fresh
    assert main(["--config", config, *command]) == 2
    assert _err_line(capsys) == f"error: no catalog in {data} yet: run `reclmms ingest demo|hm|catalog` first"
    assert not data.parent.exists()


@pytest.mark.parametrize(
    "command", [["search", "dress"], ["recommend", "--customer", "x"], ["ask", "dress", "--backend", "scripted"]]
)
def test_read_commands_on_a_store_without_a_catalog(tmp_path: Path, capsys, command) -> None:  # type: ignore[no-untyped-def]
    config = _config(tmp_path / "config.toml", tmp_path / "data")
    assert main(["--config", config, "stats"]) == 2  # nothing there: nothing created
    capsys.readouterr()
    assert main(["--config", config, "link-code", "x"]) == 2
    capsys.readouterr()
    # a store that exists but holds no articles (e.g. an ingest that failed at its first step)
    import asyncio

    from catalog.db import Database
    from catalog.schema import ensure_catalog_schema

    async def make() -> None:
        async with Database(tmp_path / "data" / "reclmms.sqlite3") as db:
            await ensure_catalog_schema(db)

    asyncio.run(make())
    assert main(["--config", config, *command]) == 2
    assert "no catalog in" in _err_line(capsys)


def test_text_search_on_an_unindexed_catalog_says_so(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", store, "search", "dress"]) == 2
    assert "has no search index yet" in _err_line(capsys)


def test_data_dir_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "somefile"
    blocker.write_text("x", encoding="utf-8")
    config = _config(tmp_path / "config.toml", blocker)
    assert main(["--config", config, "stats"]) == 2
    assert _err_line(capsys) == f"error: cannot use {blocker} as the data directory: it is a file, not a folder"
    # a command that creates the store says the same, from the database layer
    products = tmp_path / "p.csv"
    products.write_text(PRODUCTS, encoding="utf-8")
    assert main(["--config", config, "ingest", "catalog", str(products), "--no-index"]) == 2
    assert _err_line(capsys) == (
        f"error: cannot use {blocker} as the data directory: {blocker} is a file, not a folder"
    )
    config = _config(tmp_path / "config.toml", blocker / "sub")
    assert main(["--config", config, "ingest", "catalog", str(products), "--no-index"]) == 2
    assert f"{blocker} is a file" in _err_line(capsys)


def test_stats_chart_to_a_bad_path(store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere" / "x.png"
    assert main(["--config", store, "stats", "--chart", str(missing)]) == 2
    assert _err_line(capsys) == f"error: {missing}: the folder {missing.parent} does not exist"
    assert main(["--config", store, "stats", "--chart", str(tmp_path)]) == 2
    assert _err_line(capsys) == f"error: {tmp_path}: Is a directory"
    chart = tmp_path / "ok.png"
    assert main(["--config", store, "stats", "--chart", str(chart)]) == 0
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_an_oserror_on_a_path_the_user_did_not_give_keeps_its_traceback() -> None:
    import argparse

    from reclmms.cli import _path_error

    args = argparse.Namespace(command="stats", chart=Path("/tmp/out.png"), json=False)
    assert _path_error(IsADirectoryError(21, "Is a directory", "/tmp/out.png"), args) == "/tmp/out.png: Is a directory"
    assert _path_error(FileNotFoundError(2, "No such file or directory", "/srv/data/x.duckdb"), args) is None
    assert _path_error(OSError(28, "No space left on device"), args) is None


def test_link_code_json_and_bot_username(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", store, "link-code", CUSTOMER, "--bot-username", "bad name!"]) == 2
    assert "'bad name!' is not a Telegram username" in _err_line(capsys)
    for bad in ("shop", "x" * 33, "shop-bot"):
        assert main(["--config", store, "link-code", CUSTOMER, "--bot-username", bad]) == 2
        capsys.readouterr()
    assert main(["--config", store, "link-code", CUSTOMER, "--bot-username", "@shop_bot", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", out["expires_at"])
    assert out["link"] == f"https://t.me/shop_bot?start={out['code']}"


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity"])
def test_search_rejects_non_finite_prices(store: str, capsys, value: str) -> None:  # type: ignore[no-untyped-def]
    assert main(["--config", store, "search", "dress", "--filter", f"max_price={value}"]) == 2
    assert _err_line(capsys) == f"error: filter max_price needs a number, got '{value}'"


def test_recommend_text_prices_have_two_decimals(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", store, "recommend", "--customer", CUSTOMER]) == 0
    out = capsys.readouterr().out
    prices = re.findall(r"  (\d+\.\d+)$", out, flags=re.MULTILINE)
    assert prices and all(len(p.split(".")[1]) == 2 for p in prices), out
    assert "49.50" in prices


def test_stats_are_the_bots_and_say_so(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", store, "ask", "what did I buy?", "--customer", CUSTOMER, "--backend", "scripted"]) == 0
    capsys.readouterr()
    assert main(["--config", store, "stats"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Telegram bot statistics (turns in reclmms ask/chat are not counted)"
    assert any(line.split()[:3] == ["turns", "0:", "0"] for line in lines), lines

