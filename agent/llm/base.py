"""The contract every LLM backend meets (embedded, openai, minicpm, scripted).

The agent never talks to a model API directly; it calls a ``ChatBackend``:

- ``complete_json`` returns a dict that validates against ``schema``. Backends use
  constrained decoding where they can (llama.cpp ``response_format`` JSON schema),
  and otherwise a prompt-level JSON protocol with validation and one repair round.
  It raises ``ModelError`` when no valid object comes back in time.
- ``choose_tool`` picks one of ``tools`` (OpenAI tool format) for the conversation and returns
  a ``ToolChoice`` (name + arguments validated against that tool's parameters), or a choice
  with no name when the model answers in prose and ``require`` is false. Servers that offer
  native tool calls use them (``tool_mode`` "native"/"auto"); every backend can fall back on
  the JSON protocol of ``tool_calls.py``, which rides on ``complete_json``. It raises
  ``ModelError`` like ``complete_json``.
- ``stream_text`` yields the reply text in chunks. When the reply may not be whole, an empty
  ``UnfinishedEnd`` comes last, so the caller knows that its last sentence may be unfinished
  (joined, the chunks are the same text): ``TokenLimitReached`` when ``max_tokens`` ended it,
  ``NoFinishReason`` when the stream ended without a finish reason (the connection closed
  mid-reply, or a proxy that leaves the reason out).
- ``health`` is a cheap status dict for ``/stats``.

Each backend is built on a LangChain ``BaseChatModel`` (exposed as ``chat_model``):
``ChatOpenAI`` for openai and for embedded (xllamacpp's in-process OpenAI-compatible
server on loopback), ``ChatMiniCPM`` for the in-process MiniCPM-V ``chat()`` contract, and
a scripted fake for tests.

Messages are plain dicts in OpenAI chat format: ``{"role": ..., "content": str}``. A user
message may carry a photo as ``{"role": "user", "content": str, "image": bytes}``;
backends that see images (minicpm, openai with a vision model) pass it on, others ignore it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from agent.llm.tool_calls import ToolChoice

Message = dict[str, Any]


class UnfinishedEnd(str):
    """Yielded last, and empty, by ``stream_text`` when the reply may have been cut short."""

    __slots__ = ()


class TokenLimitReached(UnfinishedEnd):
    """``max_tokens`` ended the reply."""

    __slots__ = ()


class NoFinishReason(UnfinishedEnd):
    """The stream ended without a finish reason."""

    __slots__ = ()


class ChatBackend(Protocol):
    name: str
    supports_images: bool
    chat_model: Any  # langchain_core.language_models.BaseChatModel

    async def complete_json(
        self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int = 256, timeout_s: float | None = None
    ) -> dict[str, Any]: ...

    async def choose_tool(
        self, messages: list[Message], tools: list[dict[str, Any]], *, require: bool = False,
        max_tokens: int = 128, timeout_s: float | None = None
    ) -> ToolChoice: ...

    def stream_text(
        self, messages: list[Message], *, max_tokens: int = 256, timeout_s: float | None = None
    ) -> AsyncIterator[str]: ...

    async def health(self) -> dict[str, Any]: ...

    async def aclose(self) -> None: ...
