"""MiniCPM-V's message shapes: project messages to and from what ``model.chat()`` and LangChain take."""

from __future__ import annotations

import base64
import io
from typing import Any

from langchain_core.messages import BaseMessage

from agent.llm.base import Message
from reclmms.errors import BadImageError


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
