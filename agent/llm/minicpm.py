"""The ``minicpm`` backend: MiniCPM-Llama3-V-2_5 in-process through transformers remote code.

The model directory (``[llm] model_path``) is loaded with ``AutoModel``/``AutoTokenizer``
and ``trust_remote_code=True``; bf16 (fp16 where bf16 is missing) on CUDA, float32 on CPU,
optional 4-bit through bitsandbytes (``quantize = "int4"``) or an int4 checkpoint, and
flash-attention when ``flash_attn`` is installed. Photos go to the model natively through
its documented contract::

    model.chat(image=PIL_or_None, msgs=[{"role": "user", "content": ...}], tokenizer=tok,
               sampling=True, stream=True/False, max_new_tokens=..., system_prompt=...)

which returns a string, or a generator of text with ``stream=True``. Generation runs in a
worker thread, one at a time per model. MiniCPM has no native function calling, so
``complete_json`` uses the prompt-level JSON protocol with one repair round, and
``choose_tool`` fills the tool-selection object of ``tool_calls.py`` through it.

Upstream's remote code targets transformers 4.40 (the ``minicpm`` extra pins it); the
loader passes ``torch_dtype`` there and ``dtype`` on transformers 5. What was verified here
is the loading path and the ``chat()`` contract, against ``tests/fixtures/minicpm_tiny``.
"""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import io
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

from agent.llm import json_protocol, tool_calls
from agent.llm.base import Message
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


# -- message conversion -------------------------------------------------------------------------------


def decode_image(data: bytes) -> Any:
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        return image.convert("RGB")
    except (UnidentifiedImageError, OSError) as exc:
        raise BadImageError("the photo could not be read as an image") from exc


def to_minicpm(messages: list[Message]) -> tuple[str, list[dict[str, str]], bytes | None]:
    """Project messages -> (system_prompt, msgs, image) in the shape ``chat()`` accepts.

    System messages join the system prompt; ``msgs`` alternate user/assistant and start with
    the user (neighbours of one role are merged, tool results count as user text); the photo
    is the latest one the user sent.
    """
    system: list[str] = []
    msgs: list[dict[str, str]] = []
    image: bytes | None = None
    for message in messages:
        role = message.get("role", "user")
        text = str(message.get("content") or "")
        if role == "system":
            system.append(text)
            continue
        role = "assistant" if role == "assistant" else "user"
        if role == "user" and message.get("image"):
            image = bytes(message["image"])
        if msgs and msgs[-1]["role"] == role:
            msgs[-1]["content"] = f"{msgs[-1]['content']}\n\n{text}".strip()
        elif msgs or role == "user":
            msgs.append({"role": role, "content": text})
    if not msgs or msgs[-1]["role"] != "user":
        msgs.append({"role": "user", "content": ""})
    return "\n\n".join(s for s in system if s), msgs, image


def from_langchain(messages: list[BaseMessage]) -> list[Message]:
    """LangChain messages -> project messages (data-URL image parts become ``image`` bytes)."""
    out: list[Message] = []
    for message in messages:
        role = {"system": "system", "ai": "assistant", "human": "user"}.get(message.type, "user")
        content = message.content
        item: Message = {"role": role}
        if isinstance(content, str):
            item["content"] = content
        else:
            texts = []
            for part in content:
                if isinstance(part, str):
                    texts.append(part)
                elif part.get("type") == "text":
                    texts.append(str(part.get("text", "")))
                elif part.get("type") == "image_url":
                    url = part["image_url"]["url"] if isinstance(part["image_url"], dict) else part["image_url"]
                    if str(url).startswith("data:") and "," in url:
                        item["image"] = base64.b64decode(url.split(",", 1)[1])
            item["content"] = "\n".join(texts)
        if message.type == "tool":
            item["content"] = f"Tool result: {item['content']}"
        out.append(item)
    return out


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

    @property
    def _llm_type(self) -> str:
        return "minicpm-v"

    @property
    def loaded(self) -> bool:
        return self._loaded is not None

    def ensure_loaded(self) -> Loaded:
        with self._load_lock:
            if self._loaded is None:
                self._loaded = self.loader()
            return self._loaded

    def chat_call(self, messages: list[Message], *, stream: bool, max_new_tokens: int | None = None) -> Any:
        """Call ``model.chat`` (blocking). Returns a string, or a text generator when ``stream``."""
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
        return model.chat(**kwargs)

    def chat_text(self, messages: list[Message], *, max_new_tokens: int | None = None) -> str:
        with self._chat_lock:
            result = self.chat_call(messages, stream=False, max_new_tokens=max_new_tokens)
        if isinstance(result, tuple):  # some versions return (text, context, ...)
            result = result[0]
        return str(result)

    def chat_stream(self, messages: list[Message], *, max_new_tokens: int | None = None) -> Iterator[str]:
        with self._chat_lock:
            for piece in self.chat_call(messages, stream=True, max_new_tokens=max_new_tokens):
                if piece:
                    yield str(piece)

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
    """A ChatBackend over ChatMiniCPM; loads lazily, generates in worker threads."""

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
        """Load the weights now (in a worker thread) instead of on the first request."""
        try:
            await asyncio.to_thread(self.chat_model.ensure_loaded)
        except ModelError as exc:
            self._last_error = str(exc)
            raise

    async def _run(self, func: Callable[[], str], wait_s: float, budget_s: float) -> str:
        try:
            return await asyncio.wait_for(asyncio.to_thread(func), wait_s)
        except TimeoutError:
            self._last_error = f"no answer within {budget_s:g} s"
            raise ModelError(f"the language model did not answer within {budget_s:g} s") from None
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
        deadline = time.monotonic() + timeout

        async def generate(msgs: list[Message]) -> str:
            remaining = max(0.1, deadline - time.monotonic())
            return await self._run(
                lambda: self.chat_model.chat_text(msgs, max_new_tokens=max_tokens), remaining, timeout
            )

        started = time.monotonic()
        result = await json_protocol.complete_with_repair(
            generate, json_protocol.with_instructions(messages, schema), schema
        )
        self._last_latency_s = time.monotonic() - started
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

        def produce() -> None:
            try:
                for piece in self.chat_model.chat_stream(messages, max_new_tokens=max_tokens):
                    if stop.is_set():
                        break
                    loop.call_soon_threadsafe(queue.put_nowait, ("text", piece))
                loop.call_soon_threadsafe(queue.put_nowait, ("end", None))
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer
                loop.call_soon_threadsafe(queue.put_nowait, ("error", exc))

        loop.run_in_executor(None, produce)
        try:
            while True:
                try:
                    async with asyncio.timeout_at(deadline):
                        kind, value = await queue.get()
                except TimeoutError:
                    self._last_error = f"no answer within {timeout:g} s"
                    raise ModelError(f"the language model did not answer within {timeout:g} s") from None
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
            stop.set()  # the worker stops pulling from the model's generator at its next chunk
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
        """Nothing to close; the weights go with the backend object."""

