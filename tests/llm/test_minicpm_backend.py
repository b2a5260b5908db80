"""The minicpm backend against a tiny model directory with MiniCPM-Llama3-V-2_5's chat() contract.

The directory loads through the same AutoModel/AutoTokenizer trust_remote_code path as the
real weights; only the model behind chat() is a deterministic stand-in.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from PIL import Image

from agent.llm.minicpm import ChatMiniCPM, MiniCPMBackend, load_minicpm, to_minicpm
from agent.llm.openai_messages import image_data_url
from reclmms.errors import BadImageError, ModelError, ModelUnavailableError

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "minicpm_tiny"
SCHEMA = {
    "type": "object",
    "properties": {"text": {"type": "string"}, "has_image": {"type": "boolean"}, "turns": {"type": "integer"}},
    "required": ["text", "has_image"],
}


def photo(width: int = 7, height: int = 5) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buf, format="JPEG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def loaded() -> tuple:
    return load_minicpm(TINY, device="cpu")


@pytest.fixture
def backend(loaded: tuple) -> MiniCPMBackend:
    return MiniCPMBackend(TINY, timeout_s=10, max_tokens=64, loader=lambda: loaded)


def test_loads_through_trust_remote_code(loaded: tuple) -> None:
    model, tokenizer = loaded
    assert type(model).__name__ == "TinyMiniCPMV" and type(model).__module__.startswith("transformers_modules")
    assert type(tokenizer).__name__ == "TinyMiniCPMVTokenizerFast"
    assert not model.training


async def test_text_reply_streams_in_chunks(backend: MiniCPMBackend, loaded: tuple) -> None:
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "red dress 红色连衣裙"}]
    chunks = [c async for c in backend.stream_text(messages, max_tokens=32)]
    assert len(chunks) > 1
    assert "".join(chunks) == "echo: red dress 红色连衣裙"
    call = loaded[0].last_chat_kwargs
    assert call["stream"] is True and call["sampling"] is True and call["system_prompt"] == "Be brief."
    assert call["max_new_tokens"] == 32


async def test_photo_goes_to_the_model_natively(backend: MiniCPMBackend, loaded: tuple) -> None:
    messages = [{"role": "user", "content": "what is this?", "image": photo(7, 5)}]
    text = "".join([c async for c in backend.stream_text(messages)])
    assert text == "echo: what is this? [image 7x5]"
    assert isinstance(loaded[0].last_chat_kwargs["image"], Image.Image)


async def test_json_through_the_prompt_protocol(backend: MiniCPMBackend, loaded: tuple) -> None:
    result = await backend.complete_json([{"role": "user", "content": "black jeans", "image": photo()}], SCHEMA)
    assert result == {"text": "black jeans", "has_image": True, "turns": 1}
    assert "JSON schema" in loaded[0].last_chat_kwargs["system_prompt"]


async def test_bad_json_gets_one_repair_round(backend: MiniCPMBackend, loaded: tuple) -> None:
    result = await backend.complete_json([{"role": "user", "content": "BROKEN please"}], SCHEMA)
    # The repair round is a three-message conversation: request, bad reply, correction.
    assert result["turns"] == 3 and result["has_image"] is False
    assert [m["role"] for m in loaded[0].last_chat_kwargs["msgs"]] == ["user", "assistant", "user"]


async def test_langchain_chat_model(backend: MiniCPMBackend) -> None:
    model = backend.chat_model
    assert isinstance(model, ChatMiniCPM)
    reply = await model.ainvoke([SystemMessage("sys"), HumanMessage("hello"), AIMessage("hi"), HumanMessage("jeans")])
    assert reply.content == "echo: jeans"
    parts = [HumanMessage(content=[{"type": "text", "text": "look"},
                                   {"type": "image_url", "image_url": {"url": image_data_url(photo(3, 4))}}])]
    chunks = [c.content async for c in model.astream(parts)]
    assert "".join(chunks) == "echo: look [image 3x4]" and len(chunks) > 1


def test_messages_are_shaped_for_chat() -> None:
    system, msgs, image = to_minicpm([
        {"role": "system", "content": "A"},
        {"role": "assistant", "content": "dropped: chat() starts with the user"},
        {"role": "user", "content": "one", "image": b"x"},
        {"role": "tool", "content": "result"},
        {"role": "assistant", "content": "two"},
        {"role": "system", "content": "B"},
    ])
    assert system == "A\n\nB"
    assert msgs == [{"role": "user", "content": "one\n\nresult"}, {"role": "assistant", "content": "two"},
                    {"role": "user", "content": ""}]
    assert image == b"x"


async def test_faults_are_model_errors(loaded: tuple, tmp_path: Path) -> None:
    missing = MiniCPMBackend(tmp_path / "nothing")
    with pytest.raises(ModelUnavailableError, match="model_path"):
        await missing.complete_json([{"role": "user", "content": "x"}], SCHEMA)
    assert (await missing.health())["ok"] is False

    slow_model = type("Slow", (), {"chat": lambda self, **kw: time.sleep(1.5) or "late"})()
    slow = MiniCPMBackend(TINY, timeout_s=0.3, loader=lambda: (slow_model, loaded[1]))
    started = time.monotonic()
    with pytest.raises(ModelError, match="within 0.3 s"):
        await slow.complete_json([{"role": "user", "content": "x"}], SCHEMA)
    assert time.monotonic() - started < 1.0

    backend = MiniCPMBackend(TINY, loader=lambda: loaded)
    with pytest.raises(BadImageError):
        async for _ in backend.stream_text([{"role": "user", "content": "x", "image": b"not an image"}]):
            pass
