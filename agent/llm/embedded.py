"""The ``embedded`` backend: a GGUF chat model run in-process by xllamacpp (llama.cpp).

xllamacpp's ``Server`` loads the model and serves llama.cpp's OpenAI-compatible HTTP API
from threads inside this process. The backend binds it to a private loopback port with a
random API key, and talks to it with ``OpenAIBackend`` (the ``openai`` client and
LangChain's ``ChatOpenAI``), so the embedded and openai backends share one code path:
streaming, ``response_format`` JSON-schema constrained decoding, prompt caching (the
server reuses the KV cache of a stable system-prompt prefix), timeouts and error mapping.

The server renders prompts with the model's own jinja chat template (``use_jinja``), so it
accepts native ``tools``. ``tool_mode`` "auto" still picks tools through the JSON protocol
here: on the small Qwen2.5-Coder models native tool calls measured worse (bench/RESULTS.md,
"native tool calls vs JSON schema"); "native" turns them on.

Nothing loads at construction: the model is loaded on first use, or by ``await start()``
(e.g. as a background task at bot start-up), in the backend's own thread. ``aclose()`` does not
wait for a load in progress: the load drops its server when it ends. (xllamacpp's ``Server()``
holds the GIL while it loads, so Python code, the event loop included, waits for it anyway.)
The text-only models here ignore photos (``supports_images = False``).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from agent.llm.base import Message
from agent.llm.llama_server import server_params, start_server
from agent.llm.openai_backend import OpenAIBackend
from agent.llm.serial_worker import SerialWorker
from agent.llm.tool_calls import ToolChoice, ToolMode, ToolSpec
from reclmms.errors import ModelError, ModelUnavailableError, describe_error

logger = logging.getLogger(__name__)


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _strip_images(messages: list[Message]) -> list[Message]:
    return [{k: v for k, v in m.items() if k != "image"} for m in messages]


class EmbeddedBackend:
    """A ChatBackend over a GGUF file served in-process by xllamacpp on loopback."""

    name = "embedded"
    supports_images = False
    # What "auto" means here, by measurement (bench/tool_calls.py): the JSON protocol under a grammar.
    AUTO_TOOL_MODE: ToolMode = "json"

    def __init__(
        self,
        model_path: Path,
        *,
        model_name: str = "local",
        threads: int = 2,
        context_size: int = 4096,
        parallel: int = 1,
        timeout_s: float = 20.0,
        max_tokens: int = 256,
        temperature: float = 0.3,
        load_timeout_s: float = 120.0,
        tool_mode: ToolMode = "auto",
        server_factory: Callable[[int], Any] | None = None,
    ) -> None:
        self.model_path = Path(model_path)
        self.model_name = model_name
        self.threads = max(1, threads)
        self.context_size = context_size
        self.parallel = max(1, parallel)
        self.timeout_s = timeout_s
        self.load_timeout_s = load_timeout_s
        self._api_key = secrets.token_urlsafe(24)
        self._port = free_loopback_port()
        self._server: Any = None
        # loads the model and serves it on the given loopback port (blocking); xllamacpp unless a test's fake
        self._server_factory = server_factory or self._xllamacpp_server
        self._loader = SerialWorker("embedded-load")
        self._lock = threading.Lock()  # _server, _port and _closed, which the loading thread sets too
        self._closed = False
        self._start_task: asyncio.Task[None] | None = None
        self._load_error: str | None = None
        self.load_seconds: float | None = None
        self.tool_mode: ToolMode = self.AUTO_TOOL_MODE if tool_mode == "auto" else tool_mode
        self._client = self._make_client(model_name, timeout_s, max_tokens, temperature)

    def _make_client(self, model: str, timeout_s: float, max_tokens: int, temperature: float) -> OpenAIBackend:
        return OpenAIBackend(
            base_url=f"http://127.0.0.1:{self._port}/v1",
            model=model,
            api_key=self._api_key,
            timeout_s=timeout_s,
            max_tokens=max_tokens,
            temperature=temperature,
            json_mode="json_schema",
            tool_mode=self.tool_mode,
            supports_images=False,
            name=self.name,
            extra_body={"cache_prompt": True},
        )

    @property
    def loaded(self) -> bool:
        return self._server is not None

    @property
    def chat_model(self) -> Any:
        """``ChatOpenAI`` on the loopback server; ``await start()`` before using it directly."""
        return self._client.chat_model

    # -- loading -------------------------------------------------------------------------------------

    def _xllamacpp_server(self, port: int) -> Any:
        params = server_params(self.model_path, threads=self.threads, context_size=self.context_size,
                               parallel=self.parallel, host="127.0.0.1", port=port, api_keys=[self._api_key])
        return start_server(params)

    def _load(self) -> None:
        """Blocking (the backend's own thread): load the model and start serving it."""
        if not self.model_path.is_file():
            raise ModelUnavailableError(
                f"the embedded model file {self.model_path} is missing; run `reclmms model pull` to get it"
            )
        started = time.monotonic()
        port = self._port
        last_error: Exception | None = None
        for _attempt in range(2):
            try:
                server = self._server_factory(port)
                break
            except Exception as exc:  # noqa: BLE001 - e.g. the port was taken meanwhile
                last_error = exc
                port = free_loopback_port()
        else:
            raise ModelUnavailableError(f"could not start the embedded model: {last_error}")
        with self._lock:
            if not self._closed:
                self._server, self._port, server = server, port, None
        if server is not None:  # closed while loading: the destructor joins llama.cpp's threads here
            del server
            return
        self.load_seconds = time.monotonic() - started
        logger.info("embedded model %s loaded in %.1f s (%d threads)", self.model_name, self.load_seconds, self.threads)

    async def _load_in_thread(self) -> None:
        try:
            await self._loader.run(self._load, deadline=None)
            self._load_error = None
        except ModelError as exc:
            self._load_error = str(exc)
            raise
        except Exception as exc:  # noqa: BLE001
            self._load_error = f"could not load the embedded model: {describe_error(exc)}"
            raise ModelUnavailableError(self._load_error) from exc
        old = self._client
        if not self._closed and old.base_url != f"http://127.0.0.1:{self._port}/v1":  # served on another port
            self._client = self._make_client(old.model, old.timeout_s, old.max_tokens, old.temperature)
            await old.aclose()

    async def start(self, timeout_s: float | None = None) -> None:
        """Load the model once (idempotent, concurrency-safe). The load goes on if this wait times out."""
        if self._server is not None:
            return
        if self._closed:
            raise ModelUnavailableError("the embedded model was closed")
        if self._start_task is None or (self._start_task.done() and self._start_task.exception() is not None):
            self._start_task = asyncio.get_running_loop().create_task(self._load_in_thread())
        wait = timeout_s if timeout_s is not None else self.load_timeout_s
        task = self._start_task
        try:
            await asyncio.wait_for(asyncio.shield(task), wait)
        except TimeoutError:
            raise ModelUnavailableError("the embedded model is still loading; try again in a moment") from None
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and self._closed and not (current is not None and current.cancelling()):
                raise ModelUnavailableError("the embedded model was closed while it loaded") from None
            raise

    async def _started(self, timeout_s: float | None) -> float:
        """Wait for the model (within the call's time), and return the seconds left for the call itself."""
        timeout = timeout_s or self.timeout_s
        started = time.monotonic()
        await self.start(timeout)
        return max(0.5, timeout - (time.monotonic() - started))

    # -- ChatBackend -----------------------------------------------------------------------------------

    async def complete_json(
        self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int = 256, timeout_s: float | None = None
    ) -> dict[str, Any]:
        remaining = await self._started(timeout_s)
        return await self._client.complete_json(
            _strip_images(messages), schema, max_tokens=max_tokens, timeout_s=remaining
        )

    async def choose_tool(
        self, messages: list[Message], tools: list[ToolSpec], *, require: bool = False,
        max_tokens: int = 128, timeout_s: float | None = None
    ) -> ToolChoice:
        remaining = await self._started(timeout_s)
        return await self._client.choose_tool(
            _strip_images(messages), tools, require=require, max_tokens=max_tokens, timeout_s=remaining
        )

    async def stream_text(
        self, messages: list[Message], *, max_tokens: int = 256, timeout_s: float | None = None
    ) -> AsyncIterator[str]:
        remaining = await self._started(timeout_s)
        async for chunk in self._client.stream_text(_strip_images(messages), max_tokens=max_tokens, timeout_s=remaining):
            yield chunk

    async def health(self) -> dict[str, Any]:
        status: dict[str, Any] = {
            "backend": self.name,
            "model": self.model_name,
            "model_path": str(self.model_path),
            "model_present": self.model_path.is_file(),
            "loaded": self.loaded,
            "loading": self._start_task is not None and not self._start_task.done(),
            "load_seconds": self.load_seconds,
            "threads": self.threads,
            "supports_images": False,
            "tool_mode": self._client.tool_mode,
            "tool_path": self._client.last_tool_path,
            "tool_stats": dict(self._client.tool_stats),
        }
        if self.loaded:
            # No test completion: the in-process server is up once loaded, and a probe would queue
            # behind a shopper's reply on its one slot.
            inner = await self._client.health(probe=False)
            status.update(ok=inner["ok"], last_error=inner.get("last_error"), last_latency_s=inner.get("last_latency_s"))
        else:
            status["ok"] = status["model_present"] and self._load_error is None
            status["last_error"] = self._load_error
        return status

    async def aclose(self) -> None:
        """Close the client and stop serving; a load in progress is not waited for (it drops its server)."""
        with self._lock:
            self._closed = True
            server, self._server = self._server, None
        if self._start_task is not None and not self._start_task.done():
            self._start_task.cancel()
            await asyncio.wait([self._start_task])
        self._loader.close()
        await self._client.aclose()
        if server is not None:
            # The destructor joins llama.cpp's loop thread: let the last reference go in a worker thread.
            holder = [server]
            del server
            await asyncio.to_thread(holder.clear)
