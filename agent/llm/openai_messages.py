"""Project messages as OpenAI chat messages: a photo becomes a data-URL image part (or is left out)."""

from __future__ import annotations

import base64
from typing import Any

from agent.llm.base import Message


def sniff_mime(data: bytes) -> str:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return "image/jpeg"


def image_data_url(data: bytes) -> str:
    return f"data:{sniff_mime(data)};base64,{base64.b64encode(data).decode('ascii')}"


def to_openai_messages(messages: list[Message], *, images: bool) -> list[dict[str, Any]]:
    """Plain project messages -> OpenAI chat messages; photos become data-URL parts or are dropped."""
    out: list[dict[str, Any]] = []
    for message in messages:
        role = message.get("role", "user")
        text = str(message.get("content") or "")
        image = message.get("image")
        if image and images and role == "user":
            parts = [
                {"type": "text", "text": text},
                {"type": "image_url", "image_url": {"url": image_data_url(bytes(image))}},
            ]
            out.append({"role": role, "content": parts})
        else:
            out.append({"role": role, "content": text})
    return out


def has_image(messages: list[Message]) -> bool:
    return any(m.get("image") for m in messages)
