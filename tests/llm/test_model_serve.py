"""`reclmms model serve`: the pulled GGUF served over llama.cpp's OpenAI-compatible API, for
`[llm] backend = "openai"` in other processes; stopped by SIGTERM (or Ctrl-C)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.llm.conftest import TEST_MODEL

ROOT = Path(__file__).resolve().parents[2]


def _env(data: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECLMMS_")}
    return {**env, "RECLMMS_STORAGE_DATA_DIR": str(data), "RECLMMS_CATALOG_THREADS": "1", **more}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serves_the_model_until_sigterm(small_gguf: Path, tmp_path: Path) -> None:
    models = tmp_path / "data" / "models"
    models.mkdir(parents=True)
    (models / small_gguf.name).symlink_to(small_gguf)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "reclmms.cli", "model", "serve", TEST_MODEL, "--port", str(port)],
                            cwd=ROOT, env=_env(tmp_path / "data", RECLMMS_LLM_API_KEY="k-123"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(line.startswith("Serving") for line in lines):
            lines.append(proc.stderr.readline())
        serving = next(line for line in lines if line.startswith("Serving"))
        assert f"http://127.0.0.1:{port}/v1" in serving and "an API key is required" in serving
        request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/models", headers={"Authorization": "Bearer k-123"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert small_gguf.name in json.dumps(json.load(answer))
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0 and err.strip().endswith("stopped") and "Traceback" not in err


def test_a_model_not_pulled_and_a_bad_port_are_one_line(tmp_path: Path) -> None:
    missing = subprocess.run([sys.executable, "-m", "reclmms.cli", "model", "serve", TEST_MODEL], cwd=ROOT,
                             env=_env(tmp_path / "data"), capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2
    assert missing.stderr.strip() == (f"error: {TEST_MODEL} is not downloaded; run `reclmms model pull {TEST_MODEL}`")
    port = subprocess.run([sys.executable, "-m", "reclmms.cli", "model", "serve", "--port", "70000"], cwd=ROOT,
                          env=_env(tmp_path / "data"), capture_output=True, text=True, timeout=60)
    assert port.returncode == 2 and "the port must be a whole number from 1 to 65535" in port.stderr
