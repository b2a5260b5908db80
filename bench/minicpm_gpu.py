"""Check the minicpm backend's GPU path on a CUDA machine (device tool), with the tiny
contract model directory in tests/fixtures/minicpm_tiny (no real MiniCPM weights exist here).

It loads through the same AutoModel/AutoTokenizer trust_remote_code code path with
``device="auto"`` and reports where the weights landed, their dtype, and a text, photo,
streaming and JSON round trip through MiniCPMBackend. Run: python bench/minicpm_gpu.py
"""

from __future__ import annotations

import asyncio
import io
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from agent.llm.minicpm import MiniCPMBackend, load_kwargs, load_minicpm  # noqa: E402

TINY = ROOT / "tests" / "fixtures" / "minicpm_tiny"


async def main() -> dict:
    import torch

    report: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.machine(),
        "torch": torch.__version__,
        "cuda": torch.cuda.is_available(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "load_kwargs": {k: str(v) for k, v in load_kwargs(quantize="none", device="auto").items()},
    }
    started = time.perf_counter()
    model, tokenizer = load_minicpm(TINY, device="auto")
    report["load_s"] = round(time.perf_counter() - started, 3)
    param = next(model.parameters())
    report["param_device"] = str(param.device)
    report["param_dtype"] = str(param.dtype)
    backend = MiniCPMBackend(TINY, timeout_s=30, max_tokens=64, loader=lambda: (model, tokenizer))
    chunks = [c async for c in backend.stream_text([{"role": "user", "content": "red dress 红色连衣裙"}])]
    report["stream_chunks"] = len(chunks)
    report["stream_text"] = "".join(chunks)
    buf = io.BytesIO()
    Image.new("RGB", (64, 96), (200, 30, 30)).save(buf, format="JPEG")
    schema = {
        "type": "object",
        "properties": {"text": {"type": "string"}, "has_image": {"type": "boolean"}},
        "required": ["text", "has_image"],
    }
    report["json_with_photo"] = await backend.complete_json(
        [{"role": "user", "content": "describe", "image": buf.getvalue()}], schema
    )
    report["health"] = await backend.health()
    await backend.aclose()
    return report


if __name__ == "__main__":
    result = asyncio.run(main())
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
