"""The contract every LLM backend meets (embedded, openai, minicpm, scripted).

The agent never talks to a model API directly; it calls a ``ChatBackend``:

- ``complete_json`` returns a dict that validates against ``schema``. Backends use
  constrained decoding where they can (llama.cpp ``response_format`` JSON schema),
  and otherwise a prompt-level JSON protocol with validation and one repair round.
  It raises ``ModelError`` when no valid object comes back in time.
- ``stream_text`` yields the reply text in chunks.
- ``health`` is a cheap status dict for ``/stats``.

Each backend is built on a LangChain ``BaseChatModel`` (exposed as ``chat_model``):
``ChatOpenAI`` for openai and for embedded (xllamacpp's in-process OpenAI-compatible
server on loopback), ``ChatMiniCPM`` for the in-process MiniCPM-V ``chat()`` contract, and
a scripted fake for tests. Servers that offer native tool calls may use them through
``chat_model.bind_tools``; the JSON protocol is the path that works everywhere.

Messages are plain dicts in OpenAI chat format: ``{"role": ..., "content": str}``. A user
message may carry a photo as ``{"role": "user", "content": str, "image": bytes}``;
backends that see images (minicpm, openai with a vision model) pass it on, others ignore it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol

Message = dict[str, Any]


class ChatBackend(Protocol):
    name: str
    supports_images: bool
    chat_model: Any  # langchain_core.language_models.BaseChatModel

    async def complete_json(
        self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int = 256, timeout_s: float | None = None
    ) -> dict[str, Any]: ...

    def stream_text(
        self, messages: list[Message], *, max_tokens: int = 256, timeout_s: float | None = None
    ) -> AsyncIterator[str]: ...

    async def health(self) -> dict[str, Any]: ...

    async def aclose(self) -> None: ...
