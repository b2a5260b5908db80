"""``reclmms search TEXT --photo FILE``: the text and the photo both count (not the photo alone), and
a full disk under its stdout is one line (exit code 2) like every command's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from catalog.search import fuse_similarities
from reclmms.cli import main
from reclmms.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
QUERY = "black jeans"


@pytest.fixture
def config(demo_catalog: Settings, tmp_path: Path) -> str:
    path = tmp_path / "config.toml"
    path.write_text(f'[storage]\ndata_dir = "{demo_catalog.data_dir}"\n', encoding="utf-8")
    return str(path)


def _ids(config: str, capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(["--config", config, "search", *args, "--k", "5", "--json"]) == 0
    return [r["article_id"] for r in json.loads(capsys.readouterr().out)["results"]]


def test_text_and_photo_both_count(config: str, demo_catalog: Settings, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    by_text = _ids(config, capsys, QUERY)
    tried = 0
    for image in sorted((demo_catalog.data_dir / "demo").rglob("*.jpg")):
        photo = tmp_path / "photo.png"
        Image.open(image).save(photo)
        by_photo = _ids(config, capsys, "--photo", str(photo))
        if set(by_photo) & set(by_text):
            continue  # a photo of something the text also finds: it would not tell the two apart
        both = _ids(config, capsys, QUERY, "--photo", str(photo))
        assert image.stem in both, (both, by_photo)  # the photo counts: its own product is still there
        assert set(both) & set(by_text), (both, by_text)  # and so does the text: what it finds comes in
        tried += 1
        if tried == 3:
            break
    assert tried == 3


def test_fusion_puts_each_side_on_its_own_scale() -> None:
    def unit(x: float) -> np.ndarray:
        return np.array([x, float(np.sqrt(1 - x * x))], dtype=np.float32)

    query = np.array([1.0, 0.0], dtype=np.float32)
    # side one spreads wider than side two; "c" is second on one side and first on the other
    looks = {"a": unit(0.95), "b": unit(0.80), "c": unit(0.90)}
    reads = {"a": unit(0.30), "b": unit(0.20), "c": unit(0.38)}
    fused = fuse_similarities(["a", "b", "c"], [(looks, query), (reads, query)])
    assert [i for i, _ in fused] == ["c", "a", "b"]  # 0.65 * one + 0.35 * two (the caption's weights): "a" first
    assert fused[0][1] == pytest.approx((2 / 3 + 1.0) / 2, abs=1e-3)
    # an article without a vector on one side scores 0 on that side
    missing = fuse_similarities(["a", "c"], [({"a": unit(0.9)}, query), (reads, query)])
    assert missing == [("a", pytest.approx(0.5)), ("c", pytest.approx(0.5))]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("extra", [["--json"], []])
def test_a_full_disk_under_stdout_is_one_line(config: str, extra: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "reclmms", "--config", config, "search", QUERY, *extra], cwd=ROOT,
            env={k: v for k, v in os.environ.items() if not k.startswith("RECLMMS_")},
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=300,
        )
    assert (done.returncode, done.stderr) == (2, "error: cannot write to standard output: No space left on device\n")
