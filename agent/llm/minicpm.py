"""The ``minicpm`` backend: MiniCPM-Llama3-V-2_5 in-process through transformers remote code.

The model directory (``[llm] model_path``) is loaded with ``AutoModel``/``AutoTokenizer``
and ``trust_remote_code=True``; bf16 (fp16 where bf16 is missing) on CUDA, float32 on CPU,
optional 4-bit through bitsandbytes (``quantize = "int4"``) or an int4 checkpoint, and
flash-attention when ``flash_attn`` is installed. Photos go to the model natively through
its documented contract::

    model.chat(image=PIL_or_None, msgs=[{"role": "user", "content": ...}], tokenizer=tok,
               sampling=True, stream=True/False, max_new_tokens=..., system_prompt=...)

which returns a string, or a generator of text with ``stream=True``. Generation runs in the
backend's own thread, one at a time (``serial_worker.py``): a call waits on the event loop, within
its own timeout, for the previous generation to end, and one that runs past its caller's timeout
is ended at its next token (``generation_stop.py``). MiniCPM has no native function calling, so
``complete_json`` uses the prompt-level JSON protocol with one repair round, and
``choose_tool`` fills the tool-selection object of ``tool_calls.py`` through it.

Upstream's remote code targets transformers 4.40 (the ``minicpm`` extra pins it); the
loader passes ``torch_dtype`` there and ``dtype`` on transformers 5. What was verified here
is the loading path and the ``chat()`` contract, against ``tests/fixtures/minicpm_tiny``.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from agent.llm import generation_stop, json_protocol, tool_calls
from agent.llm.base import Message
from agent.llm.minicpm_messages import decode_image, from_langchain, to_minicpm
from agent.llm.serial_worker import SerialWorker
from agent.llm.tool_calls import ToolChoice, ToolSpec
from reclmms.errors import BadImageError, ModelError, ModelUnavailableError
from reclmms.settings import Settings

logger = logging.getLogger(__name__)

Loaded = tuple[Any, Any]  # (model, tokenizer)


# -- loading ----------------------------------------------------------------------------------------


def load_kwargs(*, quantize: str, device: str) -> dict[str, Any]:
    """``from_pretrained`` arguments for this machine and transformers version."""
    import torch
    import transformers

    cuda = device.startswith("cuda") or (device == "auto" and torch.cuda.is_available())
    if cuda:
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    else:
        dtype = torch.float32
    major = int(transformers.__version__.split(".")[0])
    kwargs: dict[str, Any] = {"trust_remote_code": True, ("dtype" if major >= 5 else "torch_dtype"): dtype}
    if cuda and importlib.util.find_spec("flash_attn") is not None:
        kwargs["attn_implementation"] = "flash_attention_2"
    if quantize == "int4":
        if not cuda:
            raise ModelUnavailableError("quantize = 'int4' needs a CUDA GPU (bitsandbytes)")
        if importlib.util.find_spec("bitsandbytes") is None:
            raise ModelUnavailableError("quantize = 'int4' needs bitsandbytes: pip install -e '.[gpu]'")
        kwargs["quantization_config"] = transformers.BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_compute_dtype=dtype, bnb_4bit_quant_type="nf4"
        )
    if cuda and importlib.util.find_spec("accelerate") is not None:
        kwargs["device_map"] = "auto" if device == "auto" else device
    return kwargs


def load_minicpm(model_path: str | Path, *, quantize: str = "none", device: str = "auto") -> Loaded:
    """Load model and tokenizer from a local directory (blocking; run it in a thread)."""
    path = Path(model_path).expanduser()
    if not str(model_path) or not (path / "config.json").is_file():
        raise ModelUnavailableError(
            f"no MiniCPM-V model directory at '{model_path}' ([llm] model_path); "
            "download openbmb/MiniCPM-Llama3-V-2_5 (or its -int4 variant) there first"
        )
    from transformers import AutoModel, AutoTokenizer

    kwargs = load_kwargs(quantize=quantize, device=device)
    started = time.monotonic()
    try:
        model = AutoModel.from_pretrained(str(path), **kwargs)
        tokenizer = AutoTokenizer.from_pretrained(str(path), trust_remote_code=True)
    except (OSError, ValueError, ImportError, RuntimeError) as exc:
        raise ModelUnavailableError(f"could not load the MiniCPM-V model from {path}: {exc}") from exc
    placed = "device_map" in kwargs or getattr(model, "is_quantized", False)
    if not placed:
        import torch

        target = "cuda" if device == "auto" and torch.cuda.is_available() else ("cpu" if device == "auto" else device)
        model = model.to(target)
    model.eval()
    logger.info("MiniCPM-V loaded from %s in %.1f s", path, time.monotonic() - started)
    return model, tokenizer


# -- LangChain chat model ----------------------------------------------------------------------------


class ChatMiniCPM(BaseChatModel):
    """A LangChain chat model over ``model.chat()``; loads on first use through ``loader``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    loader: Callable[[], Loaded]
    max_new_tokens: int = 256
    temperature: float = 0.3
    sampling: bool = True
    _loaded: Loaded | None = PrivateAttr(default=None)
    _load_lock: Any = PrivateAttr(default_factory=threading.Lock)
    _chat_lock: Any = PrivateAttr(default_factory=threading.Lock)
    _hook: generation_stop.GenerationStop | None = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "minicpm-v"

    @property
    def loaded(self) -> bool:
        return self._loaded is not None

    def ensure_loaded(self) -> Loaded:
        with self._load_lock:
            if self._loaded is None:
                model, tokenizer = self.loader()
                self._hook = generation_stop.install(model, tokenizer)
                self._loaded = (model, tokenizer)
            return self._loaded

    def chat_call(self, messages: list[Message], *, stream: bool, max_new_tokens: int | None = None,
                  stop: threading.Event | None = None) -> Any:
        """Call ``model.chat`` (blocking). Returns a string, or a text generator when ``stream``.
        Once ``stop`` is set, the language model's hook (``generation_stop``) ends the generation."""
        model, tokenizer = self.ensure_loaded()
        system_prompt, msgs, image_bytes = to_minicpm(messages)
        image = decode_image(image_bytes) if image_bytes else None
        kwargs: dict[str, Any] = {
            "image": image,
            "msgs": msgs,
            "tokenizer": tokenizer,
            "sampling": self.sampling or stream,
            "stream": stream,
            "max_new_tokens": max_new_tokens or self.max_new_tokens,
            "system_prompt": system_prompt,
        }
        if self.sampling or stream:
            kwargs["temperature"] = max(self.temperature, 0.01)
        if self._hook is not None:
            self._hook.current = stop
        return model.chat(**kwargs)

    def chat_text(self, messages: list[Message], *, max_new_tokens: int | None = None,
                  stop: threading.Event | None = None) -> str:
        with self._chat_lock:
            try:
                result = self.chat_call(messages, stream=False, max_new_tokens=max_new_tokens, stop=stop)
            finally:
                self._release_hook()
        if isinstance(result, tuple):  # some versions return (text, context, ...)
            result = result[0]
        return str(result)

    def chat_stream(self, messages: list[Message], *, max_new_tokens: int | None = None,
                    stop: threading.Event | None = None) -> Iterator[str]:
        """The reply's pieces, none once ``stop`` is set. Where the hook ends the generation (which runs in the
        remote code's own thread), the rest is read and dropped until it has ended, so that the next generation
        never runs beside it; elsewhere closing the model's generator ends it."""
        with self._chat_lock:
            pieces: Any = None
            try:
                pieces = self.chat_call(messages, stream=True, max_new_tokens=max_new_tokens, stop=stop)
                for piece in pieces:
                    if stop is not None and stop.is_set():
                        if self._hook is None:
                            break
                        continue
                    if piece:
                        yield str(piece)
            finally:
                close = getattr(pieces, "close", None)
                if callable(close):
                    close()
                self._release_hook()

    def _release_hook(self) -> None:
        if self._hook is not None:
            self._hook.current = None

    @staticmethod
    def _cut(text: str, stop: list[str] | None) -> str:
        for marker in stop or []:
            if marker in text:
                text = text[: text.index(marker)]
        return text

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = self._cut(self.chat_text(from_langchain(messages), max_new_tokens=kwargs.get("max_tokens")), stop)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for piece in self.chat_stream(from_langchain(messages), max_new_tokens=kwargs.get("max_tokens")):
            if run_manager:
                run_manager.on_llm_new_token(piece)
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))


# -- ChatBackend -------------------------------------------------------------------------------------


class MiniCPMBackend:
    """A ChatBackend over ChatMiniCPM; loads lazily, generates in a thread of its own."""

    name = "minicpm"
    supports_images = True

    def __init__(
        self,
        model_path: str | Path,
        *,
        quantize: str = "none",
        device: str = "auto",
        timeout_s: float = 20.0,
        max_tokens: int = 256,
        temperature: float = 0.3,
        loader: Callable[[], Loaded] | None = None,
    ) -> None:
        self.model_path = str(model_path)
        self.quantize = quantize
        self.device = device
        self.timeout_s = timeout_s
        self.chat_model = ChatMiniCPM(
            loader=loader or (lambda: load_minicpm(self.model_path, quantize=quantize, device=device)),
            max_new_tokens=max_tokens,
            temperature=temperature,
        )
        self._last_error: str | None = None
        self._last_latency_s: float | None = None
        self._has_config = loader is not None or Path(self.model_path, "config.json").is_file()
        # generations run here, one at a time, never in asyncio's default executor (the catalog's)
        self._worker = SerialWorker("minicpm")

    @classmethod
    def from_settings(cls, settings: Settings) -> MiniCPMBackend:
        llm = settings.llm
        return cls(
            llm.model_path,
            quantize=llm.quantize,
            device=settings.catalog.device,
            timeout_s=llm.timeout_s,
            max_tokens=llm.max_tokens,
            temperature=llm.temperature,
        )

    async def start(self) -> None:
        """Load the weights now (in the backend's thread) instead of on the first request."""
        try:
            await self._worker.run(self.chat_model.ensure_loaded, deadline=None)
        except ModelError as exc:
            self._last_error = str(exc)
            raise

    def _timed_out(self, budget_s: float) -> ModelError:
        self._last_error = f"no answer within {budget_s:g} s"
        return ModelError(f"the language model did not answer within {budget_s:g} s")

    async def _run(self, func: Callable[[threading.Event], str], deadline: float, budget_s: float) -> str:
        """``func(stop)`` in the backend's thread once the model is free, by ``deadline`` (the loop's clock);
        a call that runs past it is asked to stop, and the next one waits (within its own time) until it has."""
        stop = threading.Event()
        try:
            return await self._worker.run(lambda: func(stop), deadline=deadline, on_abandon=stop.set)
        except TimeoutError:
            raise self._timed_out(budget_s) from None
        except ModelError as exc:
            self._last_error = str(exc)
            raise
        except (BadImageError, ValueError):
            raise
        except Exception as exc:  # noqa: BLE001 - a failing generate becomes a ModelError
            self._last_error = type(exc).__name__
            logger.warning("MiniCPM-V generation failed", exc_info=True)
            raise ModelError(f"the language model failed: {type(exc).__name__}") from exc

    async def complete_json(
        self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int = 256, timeout_s: float | None = None
    ) -> dict[str, Any]:
        timeout = timeout_s or self.timeout_s
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + timeout

        async def generate(msgs: list[Message]) -> str:
            def chat(stop: threading.Event) -> str:
                return self.chat_model.chat_text(msgs, max_new_tokens=max_tokens, stop=stop)

            return await self._run(chat, max(deadline, loop.time() + 0.1), timeout)

        result = await json_protocol.complete_with_repair(
            generate, json_protocol.with_instructions(messages, schema), schema
        )
        self._last_latency_s = loop.time() - started
        self._last_error = None
        return result

    async def choose_tool(
        self, messages: list[Message], tools: list[ToolSpec], *, require: bool = False,
        max_tokens: int = 128, timeout_s: float | None = None
    ) -> ToolChoice:
        async def fill(msgs: list[Message], schema: dict[str, Any]) -> dict[str, Any]:
            return await self.complete_json(msgs, schema, max_tokens=max_tokens, timeout_s=timeout_s)

        return await tool_calls.choose_by_json(fill, messages, tools, require=require)

    async def stream_text(
        self, messages: list[Message], *, max_tokens: int = 256, timeout_s: float | None = None
    ) -> AsyncIterator[str]:
        timeout = timeout_s or self.timeout_s
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + timeout
        queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        stop = threading.Event()

        def put(item: tuple[str, Any]) -> None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody reads any more
                loop.call_soon_threadsafe(queue.put_nowait, item)

        def produce() -> None:
            try:
                for piece in self.chat_model.chat_stream(messages, max_new_tokens=max_tokens, stop=stop):
                    put(("text", piece))
                put(("end", None))
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer
                put(("error", exc))

        try:
            await self._worker.wait_idle(deadline)
        except TimeoutError:
            raise self._timed_out(timeout) from None
        self._worker.submit(produce)
        try:
            while True:
                try:
                    async with asyncio.timeout_at(deadline):
                        kind, value = await queue.get()
                except TimeoutError:
                    raise self._timed_out(timeout) from None
                if kind == "end":
                    break
                if kind == "error":
                    if isinstance(value, ModelError | BadImageError):
                        self._last_error = str(value)
                        raise value
                    self._last_error = type(value).__name__
                    raise ModelError(f"the language model failed: {type(value).__name__}") from value
                yield value
        finally:
            stop.set()  # the generation ends at its next token; the next call waits until it has
        self._last_latency_s = loop.time() - started
        self._last_error = None

    async def health(self) -> dict[str, Any]:
        return {
            "backend": self.name,
            "model_path": self.model_path,
            "quantize": self.quantize,
            "loaded": self.chat_model.loaded,
            "ok": self._last_error is None and (self.chat_model.loaded or self._has_config),
            "supports_images": True,
            "tool_mode": "json",
            "last_error": self._last_error,
            "last_latency_s": self._last_latency_s,
        }

    async def aclose(self) -> None:
        """The backend's thread ends after its current call; the weights go with the backend object."""
        self._worker.close()

