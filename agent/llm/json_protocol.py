"""The prompt-level JSON protocol every backend can fall back on.

A model that cannot be constrained is told, at the end of its system prompt, to answer
with one JSON object matching a schema. Its reply is parsed leniently (code fences, prose
around the object, trailing commas, Python literals, comments, raw control characters and
terminal escape sequences), validated with ``jsonschema``, and, when that fails, the model
gets one repair round that names the errors. Backends with constrained decoding (llama.cpp
``response_format``) still go through ``parse_and_validate`` so that a truncated object is
caught the same way.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError

from agent.llm import model_text
from agent.llm.base import Message
from reclmms.errors import ModelError

logger = logging.getLogger(__name__)

Generate = Callable[[list[Message]], Awaitable[str]]

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_LINE_COMMENT = re.compile(r'^(\s*)//.*$|(?<=[,{\[])\s*//[^\n"]*$', re.MULTILINE)
_PY_LITERALS = {"True": "true", "False": "false", "None": "null"}


class JSONProtocolError(ModelError):
    """The model's reply is not a JSON object that validates; ``errors`` says why."""

    def __init__(self, message: str, errors: list[str], raw: str) -> None:
        super().__init__(message)
        self.errors = errors
        self.raw = raw


def schema_instructions(schema: dict[str, Any]) -> str:
    """The text appended to the system prompt when decoding cannot be constrained."""
    compact = json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
    return (
        "Answer with exactly one JSON object and nothing else: no prose, no code fences. "
        f"It must validate against this JSON schema: {compact}"
    )


def with_instructions(messages: list[Message], schema: dict[str, Any]) -> list[Message]:
    """Append the protocol to the system message (or add one), leaving the input untouched.

    The instructions go at the end of the system prompt, so a stable system prompt stays a
    stable prefix for the server's prompt cache.
    """
    text = schema_instructions(schema)
    out = [dict(m) for m in messages]
    for message in out:
        if message.get("role") == "system":
            message["content"] = f"{message.get('content', '')}\n\n{text}".strip()
            return out
    return [{"role": "system", "content": text}, *out]


def _balanced_span(text: str, start: int) -> str | None:
    """The ``{...}`` span with balanced braces that starts at ``start``, respecting strings."""
    depth = 0
    in_string = False
    escaped = False
    for i in range(start, len(text)):
        ch = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[start : i + 1]
    return None


def _balanced_objects(text: str, limit: int = 4) -> list[str]:
    """The top-level balanced ``{...}`` spans (at most ``limit``), in order.

    A span that opens with ``{{`` also yields the span from its second brace: a model that
    copies a chat template's doubled braces writes ``{{"name": ..., "arguments": {...}}}}``,
    and the object it meant starts there.
    """
    spans: list[str] = []
    start = text.find("{")
    while start != -1 and len(spans) < limit:
        span = _balanced_span(text, start)
        if span is None:  # cut off: a later brace may still open a complete object
            start = text.find("{", start + 1)
            continue
        spans.append(span)
        if span.startswith("{{"):
            inner = _balanced_span(text, start + 1)
            if inner:
                spans.append(inner)
        start = text.find("{", start + len(span))
    return spans


def _lenient_fixes(candidate: str) -> str:
    # a raw control character (an escape sequence's ESC) makes a JSON string invalid; no value needs one
    fixed = _LINE_COMMENT.sub(r"\1", model_text.clean(candidate))
    fixed = _TRAILING_COMMA.sub(r"\1", fixed)
    for py, js in _PY_LITERALS.items():
        fixed = re.sub(rf"(?<=[:\[,\s]){py}(?=\s*[,}}\]])", js, fixed)
    return fixed


def extract_json(text: str) -> Any:
    """Parse the JSON object a model meant to write; raise ValueError when there is none."""
    if not text or not text.strip():
        raise ValueError("empty reply")
    candidates: list[str] = [text.strip()]
    candidates += [m.group(1).strip() for m in _FENCE.finditer(text)]
    candidates += _balanced_objects(text)
    for candidate in candidates:
        for attempt in (candidate, _lenient_fixes(candidate)):
            try:
                return json.loads(attempt)
            except json.JSONDecodeError:
                continue
    # An object cut off by the token limit: nothing to salvage reliably.
    raise ValueError("no JSON object found in the reply")


def _where(error: ValidationError) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "(root)"


def _explain(error: ValidationError) -> list[str]:
    """The readable reasons for one error; an ``anyOf``/``oneOf`` failure is explained by its closest branch.

    "not valid under any of the given schemas" tells a model nothing. For a tagged union (a
    ``const`` per branch, like the tool selection) the closest branch is the one whose tag
    matched, and its own errors are what needs fixing; when no tag matched, the tags are listed.
    """
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [f"{_where(error)}: {error.message}"]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    tagged = [errs for errs in branches.values() if not any(e.validator == "const" for e in errs)]
    if tagged:
        closest = min(tagged, key=len)
        return [line for sub in closest for line in _explain(sub)]
    consts = [e for errs in branches.values() for e in errs if e.validator == "const"]
    if consts and len({_where(e) for e in consts}) == 1:
        allowed = ", ".join(json.dumps(e.validator_value, ensure_ascii=False) for e in consts)
        return [f"{_where(consts[0])}: must be one of {allowed}"]
    return [f"{_where(error)}: {error.message}"]


def validation_errors(value: Any, schema: dict[str, Any]) -> list[str]:
    """Human-readable schema violations, empty when ``value`` is valid."""
    try:
        validator = Draft202012Validator(schema)
    except SchemaError as exc:  # a programming error in the caller's schema
        raise ValueError(f"invalid JSON schema: {exc.message}") from exc
    errors: list[str] = []
    for error in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path)):
        errors.extend(_explain(error))
    return errors[:8]


def parse_and_validate(text: str, schema: dict[str, Any]) -> dict[str, Any]:
    """Parse and validate one reply; raise JSONProtocolError with the reasons otherwise."""
    try:
        value = extract_json(text)
    except ValueError as exc:
        raise JSONProtocolError(f"model reply is not JSON: {exc}", [str(exc)], text) from None
    if not isinstance(value, dict):
        raise JSONProtocolError("model reply is not a JSON object", ["the reply must be a JSON object"], text)
    errors = validation_errors(value, schema)
    if errors:
        raise JSONProtocolError("model reply does not match the schema: " + "; ".join(errors[:3]), errors, text)
    return value


def repair_messages(messages: list[Message], bad_reply: str, errors: list[str]) -> list[Message]:
    """The conversation for the one repair round: the bad reply plus what was wrong with it."""
    listed = "\n".join(f"- {e}" for e in errors[:5])
    return [
        *messages,
        {"role": "assistant", "content": bad_reply[:2000]},
        {
            "role": "user",
            "content": f"That reply was not valid:\n{listed}\nSend only the corrected JSON object.",
        },
    ]


async def complete_with_repair(
    generate: Generate, messages: list[Message], schema: dict[str, Any], *, repair: bool = True
) -> dict[str, Any]:
    """Ask ``generate`` for an object; on a bad reply, give it one repair round.

    ``messages`` should already carry the instructions (``with_instructions``) unless decoding
    is constrained. Raises JSONProtocolError when the repaired reply is still bad.
    """
    reply = await generate(messages)
    try:
        return parse_and_validate(reply, schema)
    except JSONProtocolError as first:
        if not repair:
            raise
        logger.info("JSON reply rejected (%s); one repair round", first)
        second = await generate(repair_messages(messages, reply, first.errors))
        return parse_and_validate(second, schema)
