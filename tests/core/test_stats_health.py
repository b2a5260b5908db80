"""`reclmms stats --health`: exit code 0 when the checked LLM backend is up, 1 when it is down (the
printed figures and their JSON keep their shape), against a fake OpenAI-compatible server on loopback
that answers, fails, and is gone. The store is indexed, so the search index (also checked) is ok."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reclmms.cli import main
from reclmms.commands.stats import DOWN_EXIT, HEADER
from tests.core.conftest import write_config
from tests.core.test_stats_search_health import ingest
from tests.data.spelling_embedder import use_spelling_embedder
from tests.llm.conftest import completion
from tests.llm.sse_server import sse_server


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    """The --config of the tests' 3-article store, indexed for search (with the spelling embedder)."""
    use_spelling_embedder(monkeypatch)
    config = write_config(tmp_path / "config.toml", tmp_path / "data")
    monkeypatch.setenv("RECLMMS_CONFIG", config)
    ingest(tmp_path, capsys, index=True)
    return config


def _stats(store: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--config", store, "stats", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out


def _llm_line(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("LLM backend"))


def test_health_exit_codes_follow_the_backend(  # type: ignore[no-untyped-def]
    store: str, monkeypatch, capsys
) -> None:
    code, plain = _stats(store, capsys, "--json")
    assert code == 0
    keys = set(json.loads(plain))
    monkeypatch.setenv("RECLMMS_LLM_BACKEND", "openai")
    monkeypatch.setenv("RECLMMS_LLM_MODEL", "m")

    def health(out: str) -> dict[str, Any]:
        data = json.loads(out)
        assert set(data) == keys | {"search"}  # the same figures, with the health filled in
        assert data["search"]["status"] == "ok"
        return data["llm"]["health"]  # type: ignore[no-any-return]

    with sse_server(("json", 200, completion("H"))) as server:
        monkeypatch.setenv("RECLMMS_LLM_BASE_URL", server.base_url)
        code, out = _stats(store, capsys, "--health", "--json")
        assert code == 0 and health(out)["ok"] is True
        code, out = _stats(store, capsys, "--health")
        assert code == 0 and out.splitlines()[0] == HEADER and " · openai · ok" in _llm_line(out)
        server.answer = ("json", 500, {"error": {"message": "boom", "type": "server_error"}})
        code, out = _stats(store, capsys, "--health", "--json")
        assert code == DOWN_EXIT == 1 and health(out)["ok"] is False and "(500)" in health(out)["error"]
        base_url = server.base_url
    code, out = _stats(store, capsys, "--health")  # the server is gone
    assert code == 1 and out.splitlines()[0] == HEADER
    assert f"down (the language model server at {base_url} is not reachable)" in _llm_line(out)
    code, out = _stats(store, capsys, "--health", "--json")
    assert code == 1 and health(out)["status"] == "down"
    code, out = _stats(store, capsys)  # not checked: nothing is down
    assert code == 0 and _llm_line(out).endswith("not checked")
