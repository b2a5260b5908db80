"""The ``openai`` backend: any OpenAI-compatible chat server (vLLM, llama.cpp server, Ollama).

Requests go through the official async client with no retries and a hard deadline, so a
dead or slow server costs at most ``timeout_s``. Photos travel as data URLs in
``image_url`` parts; a text-only server that refuses them gets the request again without
the photo, and the backend sends no photos for a while. ``complete_json`` asks for
``response_format: json_schema`` (constrained decoding on llama.cpp and vLLM) and falls
back to the prompt-level protocol when the server refuses it. What counts as a refusal, and
when a refused feature is tried again, is ``server_refusals.py``: a server error that only
mentions the feature is that call's fault, not a refusal.

``choose_tool`` sends native ``tools`` (``tool_mode`` "auto" or "native"): the first tool call
is checked against its tool's parameters, a call the model wrote as text instead is salvaged,
and a bad call gets one repair round. A server that refuses ``tools`` (llama.cpp without
``--jinja``, older servers) is remembered for a while, and in "auto" the JSON protocol of
``tool_calls.py`` answers meanwhile. ``health()`` says which path the calls took; it is ok only when the server
lists the configured model and answers a one-token test completion, within a few seconds.

A stream that ends without a finish reason (the connection closed mid-reply, or a proxy that
leaves the reason out) yields ``NoFinishReason`` last; one that ``max_tokens`` ended yields
``TokenLimitReached`` last. The reader keeps the text only up to its last whole sentence. A terminal
escape sequence that a chunk's end cuts off is held until the next chunk completes it.

The embedded backend reuses this class against xllamacpp's server on loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Literal, TypeVar

import openai

from agent.llm import json_protocol, model_text, tool_calls
from agent.llm.base import Message, NoFinishReason, TokenLimitReached
from agent.llm.openai_messages import has_image, to_openai_messages
from agent.llm.server_refusals import IMAGE_HINTS, SCHEMA_HINTS, TOOL_HINTS, Downgrades, refuses
from agent.llm.tool_calls import ToolChoice, ToolMode, ToolSpec
from reclmms.errors import ModelError, ModelUnavailableError
from reclmms.settings import Settings

logger = logging.getLogger(__name__)

JsonMode = Literal["auto", "json_schema", "prompt"]
T = TypeVar("T")
DUMMY_API_KEY = "sk-no-key-required"
# what a server can refuse (``server_refusals.Downgrades``)
PHOTOS, NATIVE_TOOLS, JSON_SCHEMA = "photos", "native tool calls", "response_format json_schema"
# health(): seconds for the model list, then for the one-token test completion (``/stats`` waits 5 s).
HEALTH_LIST_S = 1.5
HEALTH_PROBE_S = 3.0


def _lists_model(listed: list[Any], model: str) -> bool:
    """The model list names ``model`` (Ollama's "llava" is its "llava:latest"), or comes from a llama.cpp
    server with one model, which answers to any model name."""
    ids = {str(m.id) for m in listed}
    if model in ids or f"{model}:latest" in ids:
        return True
    return len(listed) == 1 and getattr(listed[0], "owned_by", None) == "llamacpp"


class OpenAIBackend:
    """A ChatBackend over an OpenAI-compatible HTTP API."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 20.0,
        max_tokens: int = 256,
        temperature: float = 0.3,
        json_mode: JsonMode = "auto",
        tool_mode: ToolMode = "auto",
        supports_images: bool = True,
        name: str = "openai",
        extra_body: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        health_timeout_s: float = HEALTH_PROBE_S,
    ) -> None:
        self.name = name
        self.health_timeout_s = health_timeout_s
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.json_mode: JsonMode = json_mode
        self.tool_mode: ToolMode = tool_mode
        # How choose_tool calls went: by path, plus calls salvaged from text and repair rounds.
        self.tool_stats: dict[str, int] = {"native": 0, "json": 0, "salvaged": 0, "repaired": 0}
        self.last_tool_path: str | None = None
        self.supports_images = supports_images
        # what was configured, for when a refused feature is tried again
        self._configured: dict[str, Any] = {PHOTOS: supports_images, NATIVE_TOOLS: tool_mode, JSON_SCHEMA: json_mode}
        self.downgrades = Downgrades(name, clock=clock)
        self._api_key = api_key or DUMMY_API_KEY
        self._extra_body = dict(extra_body or {})
        self._client = openai.AsyncOpenAI(
            base_url=self.base_url, api_key=self._api_key, max_retries=0, timeout=timeout_s
        )
        self._chat_model: Any = None
        self._last_error: str | None = None
        self._last_latency_s: float | None = None

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> OpenAIBackend:
        llm = settings.llm
        key = settings.secrets.llm_api_key
        kwargs: dict[str, Any] = {
            "base_url": llm.base_url,
            "model": llm.model,
            "api_key": key.get_secret_value() if key else None,
            "timeout_s": llm.timeout_s,
            "health_timeout_s": llm.health_timeout_s,
            "max_tokens": llm.max_tokens,
            "temperature": llm.temperature,
            "tool_mode": llm.tool_calls,
        }
        kwargs.update(overrides)
        return cls(**kwargs)

    # -- LangChain view ---------------------------------------------------------------------------

    @property
    def chat_model(self) -> Any:
        """A ``langchain_openai.ChatOpenAI`` on the same server (for ``bind_tools`` and friends)."""
        if self._chat_model is None:
            from langchain_openai import ChatOpenAI

            self._chat_model = ChatOpenAI(
                base_url=self.base_url,
                api_key=self._api_key,  # type: ignore[arg-type]
                model=self.model,
                temperature=self.temperature,
                max_tokens=self.max_tokens,  # type: ignore[call-arg]
                timeout=self.timeout_s,
                max_retries=0,
                streaming=True,
            )
        return self._chat_model

    # -- requests -----------------------------------------------------------------------------------

    def _retry_refused(self) -> None:
        """Switch back on what the server refused long enough ago, to find out whether it still does."""
        for feature in self.downgrades.due():
            if feature == PHOTOS:
                self.supports_images = self._configured[PHOTOS]
            elif feature == NATIVE_TOOLS:
                self.tool_mode = self._configured[NATIVE_TOOLS]
            elif feature == JSON_SCHEMA:
                self.json_mode = self._configured[JSON_SCHEMA]

    def _request(self, messages: list[Message], max_tokens: int, **extra: Any) -> dict[str, Any]:
        body = {
            "model": self.model,
            "messages": to_openai_messages(messages, images=self.supports_images),
            "max_tokens": max_tokens,
            "temperature": self.temperature,
        }
        body.update(extra)
        return body

    def _map_error(self, exc: BaseException, timeout_s: float) -> ModelError:
        error = self._describe(exc, timeout_s)
        if isinstance(error, ModelUnavailableError) and str(error) != self._last_error:
            logger.warning("%s", error)  # a refused key, a missing model, a server down: the operator's to fix
        self._last_error = str(error)
        return error

    def _describe(self, exc: BaseException, timeout_s: float) -> ModelError:
        """The ModelError a client failure means, in words for the shopper's operator."""
        if isinstance(exc, TimeoutError | openai.APITimeoutError):
            error: ModelError = ModelError(f"the language model did not answer within {timeout_s:g} s")
        elif isinstance(exc, openai.APIConnectionError):
            error = ModelUnavailableError(f"the language model server at {self.base_url} is not reachable")
        elif isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            error = ModelUnavailableError("the language model server refused the API key (RECLMMS_LLM_API_KEY)")
        elif isinstance(exc, openai.NotFoundError):
            error = ModelUnavailableError(f"the language model server has no model '{self.model}'")
        elif isinstance(exc, openai.APIStatusError):
            error = ModelError(f"the language model server failed ({exc.status_code})")
        else:
            error = ModelError(f"the language model failed: {type(exc).__name__}")
        return error

    async def _create(self, body: dict[str, Any], messages: list[Message]) -> Any:
        """One chat completion; a request whose photo the server refuses is retried once without it."""
        try:
            return await self._client.chat.completions.create(**body, extra_body=self._extra_body or None)
        except openai.APIStatusError as exc:
            if not (has_image(messages) and self.supports_images and refuses(exc, IMAGE_HINTS)):
                raise
            self.downgrades.record(PHOTOS, exc, "sending text only")
            self.supports_images = False
            body = {**body, "messages": to_openai_messages(messages, images=False)}
            return await self._client.chat.completions.create(**body, extra_body=self._extra_body or None)

    async def _message(self, messages: list[Message], max_tokens: int, **extra: Any) -> Any:
        """The first choice's message of one completion, or None when the server sent no choice."""
        response = await self._create(self._request(messages, max_tokens, **extra), messages)
        return response.choices[0].message if response.choices else None

    async def _text(self, messages: list[Message], max_tokens: int, **extra: Any) -> str:
        message = await self._message(messages, max_tokens, **extra)
        return (message.content or "") if message is not None else ""

    async def complete_json(
        self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int = 256, timeout_s: float | None = None
    ) -> dict[str, Any]:
        self._retry_refused()
        return await self._bounded(
            self._complete_json(messages, schema, max_tokens), timeout_s or self.timeout_s, "invalid JSON from the model"
        )

    async def _bounded(self, work: Awaitable[T], limit_s: float, invalid: str) -> T:
        """Await one request under a hard deadline; every client failure becomes a ModelError."""
        started = time.monotonic()
        try:
            async with asyncio.timeout(limit_s):
                result = await work
        except json_protocol.JSONProtocolError:
            self._last_error = invalid
            raise
        except (ModelError, ValueError):
            raise
        except Exception as exc:  # noqa: BLE001 - every client failure becomes a ModelError
            raise self._map_error(exc, limit_s) from exc
        self._last_latency_s = time.monotonic() - started
        self._last_error = None
        return result

    async def _complete_json(self, messages: list[Message], schema: dict[str, Any], max_tokens: int) -> dict[str, Any]:
        if self.json_mode != "prompt":
            response_format = {
                "type": "json_schema",
                "json_schema": {"name": "reply", "schema": schema},
            }

            async def constrained(msgs: list[Message]) -> str:
                return await self._text(msgs, max_tokens, response_format=response_format)

            try:
                # The schema also goes into the prompt: small models fill fields better when they see it.
                result = await json_protocol.complete_with_repair(
                    constrained, json_protocol.with_instructions(messages, schema), schema
                )
                self.json_mode = "json_schema"  # the server took response_format: keep using it
                return result
            except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
                if self.json_mode == "json_schema":
                    raise
                if refuses(exc, SCHEMA_HINTS):
                    self.downgrades.record(JSON_SCHEMA, exc, "using the prompt protocol")
                    self.json_mode = "prompt"
                else:
                    logger.info("%s: constrained request failed (%s); retrying with the prompt protocol",
                                self.name, exc.status_code)

        async def plain(msgs: list[Message]) -> str:
            return await self._text(msgs, max_tokens)

        return await json_protocol.complete_with_repair(plain, json_protocol.with_instructions(messages, schema), schema)

    async def choose_tool(
        self, messages: list[Message], tools: list[ToolSpec], *, require: bool = False,
        max_tokens: int = 128, timeout_s: float | None = None
    ) -> ToolChoice:
        self._retry_refused()
        choice = await self._bounded(
            self._choose_tool(messages, tools, require, max_tokens),
            timeout_s or self.timeout_s,
            "invalid tool call from the model",
        )
        self.last_tool_path = choice.path
        self.tool_stats[choice.path] += 1
        return choice

    async def _choose_tool(
        self, messages: list[Message], tools: list[ToolSpec], require: bool, max_tokens: int
    ) -> ToolChoice:
        if self.tool_mode != "json":
            try:
                return await self._native_tool(messages, tools, require, max_tokens)
            except openai.APIStatusError as exc:
                if self.tool_mode == "native" or not refuses(exc, TOOL_HINTS):
                    raise
                self.downgrades.record(NATIVE_TOOLS, exc, "using the JSON protocol")
                self.tool_mode = "json"

        async def fill(msgs: list[Message], schema: dict[str, Any]) -> dict[str, Any]:
            return await self._complete_json(msgs, schema, max_tokens)

        return await tool_calls.choose_by_json(fill, messages, tools, require=require)

    async def _native_tool(
        self, messages: list[Message], tools: list[ToolSpec], require: bool, max_tokens: int
    ) -> ToolChoice:
        extra = {"tools": tools, "tool_choice": "required" if require else "auto"}
        message = await self._message(messages, max_tokens, **extra)
        try:
            return self._native_choice(message, tools, require)
        except json_protocol.JSONProtocolError as first:
            logger.info("%s: tool call rejected (%s); one repair round", self.name, first)
            self.tool_stats["repaired"] += 1
            retry = tool_calls.repair_call_messages(messages, first.raw, first.errors)
            return self._native_choice(await self._message(retry, max_tokens, **extra), tools, require)

    def _native_choice(self, message: Any, tools: list[ToolSpec], require: bool) -> ToolChoice:
        """The checked call of one reply: a real tool call, else one written as text, else prose."""
        calls = list(getattr(message, "tool_calls", None) or [])
        function = getattr(calls[0], "function", None) if calls else None
        if function is not None:
            return tool_calls.check_call(tools, function.name, function.arguments, path="native")
        text = str(getattr(message, "content", None) or "")
        salvaged = tool_calls.salvage_call(text, tools)
        if salvaged is not None:
            choice = tool_calls.check_call(tools, *salvaged, path="native")
            self.tool_stats["salvaged"] += 1
            return choice
        if require or tool_calls.looks_like_call(text):
            raise json_protocol.JSONProtocolError(
                "the model wrote no readable tool call", ["call exactly one of the tools, with JSON arguments"], text
            )
        return ToolChoice(name=None, path="native", text=text.strip())

    async def stream_text(
        self, messages: list[Message], *, max_tokens: int = 256, timeout_s: float | None = None
    ) -> AsyncIterator[str]:
        self._retry_refused()
        timeout = timeout_s or self.timeout_s
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + timeout
        body = self._request(messages, max_tokens, stream=True)
        stream: Any = None
        chunks: Any = None
        finish: str | None = None
        held = ""
        try:
            # The deadline wraps each wait, never a yield: the consumer's own time is not cancelled.
            async with asyncio.timeout_at(deadline):
                stream = await self._create(body, messages)
            chunks = stream.__aiter__()
            while True:
                async with asyncio.timeout_at(deadline):
                    try:
                        chunk = await chunks.__anext__()
                    except StopAsyncIteration:
                        break
                choice = chunk.choices[0] if chunk.choices else None
                delta = choice.delta.content if choice is not None and choice.delta is not None else None
                if delta:
                    # an escape sequence split across chunks waits for its end ("\x1b[3" | "1m"), so the
                    # reader's clean() sees it whole; one the stream never finishes is dropped
                    ready, held = model_text.split_escape(held + delta)
                    if ready:
                        yield ready
                if choice is not None and choice.finish_reason:
                    finish = choice.finish_reason
            if finish is None:
                # The servers end a stream with a finish reason; without one it may have broken off (the
                # connection closed mid-reply), or a proxy left the reason out: the reader decides by the text.
                yield NoFinishReason()
            elif finish == "length":
                yield TokenLimitReached()
        except ModelError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise self._map_error(exc, timeout) from exc
        finally:
            # Close the chunk iterator here, in this task, when the reader stops early (a timeout,
            # or the turn has what it needs): left to the garbage collector, its generators are
            # closed later from whatever code is running then.
            if chunks is not None:
                with contextlib.suppress(Exception):
                    await chunks.aclose()
            if stream is not None:
                await stream.close()
        self._last_latency_s = loop.time() - started
        self._last_error = None

    async def health(self, *, probe: bool = True) -> dict[str, Any]:
        """Whether the server answers: its model list names the configured model, and (``probe``) a
        one-token completion comes back within ``health_timeout_s``. Bounded: about ``HEALTH_LIST_S +
        health_timeout_s`` at most."""
        status: dict[str, Any] = {
            "backend": self.name,
            "base_url": self.base_url,
            "model": self.model,
            "supports_images": self.supports_images,
            "json_mode": self.json_mode,
            "tool_mode": self.tool_mode,
            "tool_path": self.last_tool_path,
            "tool_stats": dict(self.tool_stats),
            "downgraded": self.downgrades.remaining(),  # refused features: seconds until tried again
            "last_error": self._last_error,
            "last_latency_s": self._last_latency_s,
        }
        problem = await self._health_problem(status, probe)
        status["ok"] = problem is None
        if problem is not None:
            status["error"] = status["detail"] = problem
        return status

    async def _health_problem(self, status: dict[str, Any], probe: bool) -> str | None:
        """What is wrong with the server, or None; the models it lists go into ``status``."""
        limit = min(HEALTH_LIST_S, self.timeout_s)
        try:
            async with asyncio.timeout(limit):
                listed = list((await self._client.models.list()).data)
        except Exception as exc:  # noqa: BLE001 - every failure is a health figure
            return str(self._describe(exc, limit))
        ids = [str(m.id) for m in listed]
        status["models"] = ids[:5]
        if not _lists_model(listed, self.model):
            shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            return f"the server has no model '{self.model}' (it has: {shown or 'none'})"
        if not probe:
            return None
        limit = min(self.health_timeout_s, self.timeout_s)
        try:
            async with asyncio.timeout(limit):
                await self._client.chat.completions.create(
                    model=self.model, messages=[{"role": "user", "content": "Hi"}], max_tokens=1, temperature=0.0,
                    extra_body=self._extra_body or None,
                )
        except Exception as exc:  # noqa: BLE001
            return f"a test completion failed: {self._describe(exc, limit)}"
        return None

    async def aclose(self) -> None:
        await self._client.close()
        if self._chat_model is not None:
            client = getattr(self._chat_model, "async_client", None)
            if client is not None and hasattr(client, "close"):
                try:
                    await client.close()
                except Exception:  # noqa: BLE001 - best effort at shutdown
                    pass
