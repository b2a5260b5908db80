"""`reclmms stats --health` asks a local model's backend how it is without loading the model (a GB and
many seconds for the embedded one): the health says whether the model file is there, and nothing loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.llm import gguf_models
from reclmms.cli import main
from tests.core.conftest import write_config
from tests.core.test_stats_search_health import ingest

MODEL = "qwen2.5-coder-0.5b"


def test_health_does_not_load_the_embedded_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RECLMMS_CONFIG", write_config(tmp_path / "config.toml", tmp_path / "data"))
    ingest(tmp_path, capsys, index=False)
    model = gguf_models.get_model(MODEL)
    path = gguf_models.model_file(tmp_path / "data" / "models", model)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:  # a sparse stand-in with the pinned size: loading it would fail
        fh.truncate(model.size)
    path.with_name(path.name + ".sha256").write_text(model.sha256 + "\n")
    monkeypatch.setenv("RECLMMS_LLM_BACKEND", "embedded")
    monkeypatch.setenv("RECLMMS_LLM_EMBEDDED_MODEL", MODEL)

    main(["stats", "--health", "--json"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    health = json.loads(captured.out)["llm"]["health"]
    assert health["model_present"] is True and health["ok"] is True
    assert health["loaded"] is False and health["loading"] is False and health["last_error"] is None
