"""The minicpm backend when a generation runs past its caller's timeout.

``UpstreamLike`` answers ``chat()`` the way MiniCPM-Llama3-V-2_5's remote code does, over a tiny random
Llama from transformers: ``generate()`` gets only the sampling settings among ``chat()``'s keyword
arguments, and with ``stream=True`` it runs in a thread of its own behind a ``TextIteratorStreamer``.
Each token takes ``STEP_S``.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM, TextIteratorStreamer

from agent.llm.minicpm import MiniCPMBackend, load_minicpm
from reclmms.errors import ModelError

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "minicpm_tiny"
STEP_S = 0.02
LONG = 400  # tokens: 8 s at STEP_S, unless stopped
MSGS = [{"role": "user", "content": "red dress"}]
OBJECT = {"type": "object"}


class UpstreamLike:
    def __init__(self, tokenizer: Any) -> None:
        config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                             num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=1024,
                             bos_token_id=1, eos_token_id=tokenizer.eos_token_id, pad_token_id=0)
        torch.manual_seed(0)
        self.llm = LlamaForCausalLM(config).eval()
        with torch.no_grad():  # greedy decoding never picks the end token by itself: logit 0 among random ones
            self.llm.lm_head.weight[tokenizer.eos_token_id] = 0
        ids = torch.tensor([[5, 6, 7]])  # warm: transformers' first generate() in a process can take seconds
        self.llm.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=1, do_sample=False,
                          eos_token_id=tokenizer.eos_token_id, pad_token_id=0)
        self.steps: list[float] = []
        self.llm.register_forward_pre_hook(self._step)

    def _step(self, module: Any, args: Any) -> None:
        self.steps.append(time.monotonic())
        time.sleep(STEP_S)

    def chat(self, image: Any, msgs: list[dict[str, str]], tokenizer: Any, vision_hidden_states: Any = None,
             max_new_tokens: int = 1024, sampling: bool = True, max_inp_length: int = 2048, system_prompt: str = "",
             stream: bool = False, **kwargs: Any) -> Any:
        ids = torch.tensor([tokenizer.encode(msgs[-1]["content"], add_special_tokens=False)])
        generate = {"input_ids": ids, "attention_mask": torch.ones_like(ids), "max_new_tokens": max_new_tokens,
                    "do_sample": False, "eos_token_id": tokenizer.eos_token_id, "pad_token_id": 0}
        if stream:
            streamer = TextIteratorStreamer(tokenizer, skip_prompt=True)
            threading.Thread(target=self.llm.generate, kwargs={**generate, "streamer": streamer}).start()
            return (text for text in streamer)
        self.llm.generate(**generate)
        return '{"ok": true}'


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    return load_minicpm(TINY, device="cpu")[1]


@pytest.fixture
def upstream(tokenizer: Any) -> UpstreamLike:
    return UpstreamLike(tokenizer)


@pytest.fixture
def backend(upstream: UpstreamLike, tokenizer: Any) -> MiniCPMBackend:
    return MiniCPMBackend("unused", timeout_s=10, loader=lambda: (upstream, tokenizer))


async def test_a_timed_out_generation_is_stopped_and_the_next_call_answers(
    backend: MiniCPMBackend, upstream: UpstreamLike
) -> None:
    slow = asyncio.create_task(backend.complete_json(MSGS, OBJECT, max_tokens=LONG, timeout_s=0.6))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    # waits for the slow generation to stop (not to run its 8 s), then runs its own few tokens
    assert await backend.complete_json(MSGS, OBJECT, max_tokens=3, timeout_s=4) == {"ok": True}
    assert time.monotonic() - started < 3
    with pytest.raises(ModelError, match="within 0.6 s"):
        await slow
    assert len(upstream.steps) < LONG / 2


async def test_a_timed_out_stream_ends_its_generation_thread(backend: MiniCPMBackend, upstream: UpstreamLike) -> None:
    with pytest.raises(ModelError, match="within 0.6 s"):
        async for _ in backend.stream_text(MSGS, max_tokens=LONG, timeout_s=0.6):
            pass
    assert await backend.complete_json(MSGS, OBJECT, max_tokens=3, timeout_s=4) == {"ok": True}
    # the remote code's generation thread has ended: no token since
    steps = len(upstream.steps)
    await asyncio.sleep(0.3)
    assert len(upstream.steps) == steps < LONG / 2


class Unstoppable:
    """A model that ends when it ends: the first generation takes ``first_s``."""

    def __init__(self, first_s: float) -> None:
        self.first_s = first_s
        self.calls = 0

    def chat(self, **kwargs: Any) -> str:
        self.calls += 1
        time.sleep(self.first_s if self.calls == 1 else 0.01)
        return '{"ok": true}'


async def test_calls_waiting_for_the_model_hold_no_thread_of_the_default_executor(tokenizer: Any) -> None:
    loop = asyncio.get_running_loop()
    executor = ThreadPoolExecutor(2)  # the catalog's to_thread work runs here
    loop.set_default_executor(executor)
    try:
        backend = MiniCPMBackend("unused", loader=lambda: (Unstoppable(2.0), tokenizer))
        first = asyncio.create_task(backend.complete_json(MSGS, OBJECT, timeout_s=0.4))
        await asyncio.sleep(0.1)
        waiting = [asyncio.create_task(backend.complete_json(MSGS, OBJECT, timeout_s=0.8)) for _ in range(4)]
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await asyncio.to_thread(time.sleep, 0.01)
        assert time.monotonic() - started < 0.5
        # a model that cannot be stopped: the calls behind it wait within their own time, then fall back
        results = await asyncio.gather(first, *waiting, return_exceptions=True)
        assert all(isinstance(r, ModelError) for r in results)
        assert await backend.complete_json(MSGS, OBJECT, timeout_s=3) == {"ok": True}
    finally:
        executor.shutdown(wait=False)
