"""`reclmms search` end to end on the demo catalog: JSON shape, table, and one-line errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from reclmms.cli import main
from reclmms.settings import Settings
from tests.bad_photos import bad_photos


@pytest.fixture
def config(demo_catalog: Settings, tmp_path: Path) -> str:
    path = tmp_path / "config.toml"
    path.write_text(f'[storage]\ndata_dir = "{demo_catalog.data_dir}"\n', encoding="utf-8")
    return str(path)


def _run(config: str, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--config", config, "search", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_results_in_english_and_chinese(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(config, "red dress", "--json", "--k", "4", capsys=capsys)
    assert code == 0
    results = json.loads(out)["results"]
    assert len(results) == 4
    assert {"article_id", "name", "score"} <= set(results[0])
    assert isinstance(results[0]["article_id"], str) and isinstance(results[0]["score"], float)
    code, out, _ = _run(config, "红色连衣裙", "--json", "--filter", "colour=red", capsys=capsys)
    assert code == 0
    zh = json.loads(out)["results"]
    assert zh and all("red" in r["colour"].lower() for r in zh)


def test_table_and_photo(config: str, demo_catalog: Settings, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(config, "jacket", "--k", "3", capsys=capsys)
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].split()[:3] == ["#", "article_id", "score"] and len(lines) == 4
    image = next((demo_catalog.data_dir / "demo").rglob("*.jpg"))
    photo = tmp_path / "photo.png"
    Image.open(image).save(photo)
    code, out, _ = _run(config, "--photo", str(photo), "--json", "--k", "2", capsys=capsys)
    assert code == 0
    assert json.loads(out)["results"][0]["article_id"] == image.stem


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["  "], "query is empty"),
        ([], "query is empty"),
        (["shirt", "--filter", "material=silk"], "unknown filter key 'material'; known keys: product_type, colour"),
        (["shirt", "--filter", "colour"], "use KEY=VALUE"),
        (["shirt", "--filter", "max_price=cheap"], "needs a number"),
        (["shirt", "--filter", "colour=blu"], "unknown colour 'blu'"),
        (["shirt", "--filter", "colour=red", "--filter", "Colour=blue"],
         "filter 'colour' is given twice ('red' and 'blue'): give each filter key once"),
        (["shirt", "--filter", "max_price=10", "--filter", "max-price=20"], "filter 'max_price' is given twice"),
        (["shirt", "--k", "0"], "--k must be from 1 to 100"),
        (["shirt", "--k", "many"], "--k needs a whole number"),
        (["--photo", "/no/such/photo.jpg"], "photo file not found"),
    ],
)
def test_bad_input_is_one_clear_line(config: str, args: list[str], message: str, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = _run(config, *args, capsys=capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and message in err
    assert len(err.strip().splitlines()) == 1


def test_bad_photos(config: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    for path, message in bad_photos(tmp_path).values():
        code, _, err = _run(config, "--photo", str(path), capsys=capsys)
        assert code == 2, err
        assert message in err and len(err.strip().splitlines()) == 1
