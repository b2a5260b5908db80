"""The prompt-level JSON protocol: lenient parsing, validation, one repair round."""

from __future__ import annotations

import pytest

from agent.llm import json_protocol
from agent.llm.json_protocol import JSONProtocolError, extract_json, parse_and_validate, validation_errors

SCHEMA = {
    "type": "object",
    "properties": {
        "intent": {"type": "string", "enum": ["search", "history", "chitchat"]},
        "max_price": {"type": ["number", "null"], "minimum": 0},
        "colours": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["intent"],
    "additionalProperties": False,
}


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ('{"intent": "search"}', {"intent": "search"}),
        ('```json\n{"intent": "search", "colours": ["red"]}\n```', {"intent": "search", "colours": ["red"]}),
        ('Sure! Here it is:\n```\n{"intent": "history"}\n```\nAnything else?', {"intent": "history"}),
        ('{"intent": "search", "colours": ["red", "blue",],}', {"intent": "search", "colours": ["red", "blue"]}),
        ('The answer is {"intent": "chitchat", "max_price": None} as requested.', {"intent": "chitchat", "max_price": None}),
        ('{\n  // what they want\n  "intent": "search",\n  "max_price": 30,\n}', {"intent": "search", "max_price": 30}),
        ('{"intent": "search", "note": "a {brace} in a string"} trailing', {"intent": "search", "note": "a {brace} in a string"}),
    ],
)
def test_extract_json_repairs_common_model_mistakes(reply: str, expected: dict) -> None:
    assert extract_json(reply) == expected


@pytest.mark.parametrize("garbage", ["", "   ", "I cannot help with that.", '{"intent": "sea', "[1, 2"])
def test_extract_json_rejects_garbage(garbage: str) -> None:
    with pytest.raises(ValueError):
        extract_json(garbage)


def test_validation_errors_name_the_field() -> None:
    errors = validation_errors({"intent": "buy", "max_price": -5, "extra": 1}, SCHEMA)
    text = " | ".join(errors)
    assert "intent" in text and "'buy' is not one of" in text
    assert "max_price" in text and "less than the minimum" in text
    assert "extra" in text
    assert validation_errors({"intent": "search"}, SCHEMA) == []


def test_parse_and_validate_rejects_non_objects_and_schema_violations() -> None:
    with pytest.raises(JSONProtocolError, match="not a JSON object"):
        parse_and_validate("```json\n[1, 2]\n```", SCHEMA)
    with pytest.raises(JSONProtocolError) as info:
        parse_and_validate('{"intent": "dance"}', SCHEMA)
    assert info.value.errors and "dance" in info.value.errors[0]
    assert info.value.raw == '{"intent": "dance"}'


def test_instructions_go_at_the_end_of_the_system_prompt() -> None:
    messages = [{"role": "system", "content": "Be nice."}, {"role": "user", "content": "hi"}]
    out = json_protocol.with_instructions(messages, SCHEMA)
    assert out[0]["content"].startswith("Be nice.") and '"enum":["search","history","chitchat"]' in out[0]["content"]
    assert messages[0]["content"] == "Be nice."  # input untouched
    bare = json_protocol.with_instructions([{"role": "user", "content": "hi"}], SCHEMA)
    assert bare[0]["role"] == "system" and len(bare) == 2


async def test_one_repair_round_fixes_a_bad_reply() -> None:
    seen: list[list[dict]] = []
    replies = iter(["I think they want to search.", '{"intent": "search", "colours": ["black"]}'])

    async def generate(messages: list[dict]) -> str:
        seen.append(messages)
        return next(replies)

    result = await json_protocol.complete_with_repair(generate, [{"role": "user", "content": "black jeans"}], SCHEMA)
    assert result == {"intent": "search", "colours": ["black"]}
    assert len(seen) == 2
    repair = seen[1]
    assert repair[-2] == {"role": "assistant", "content": "I think they want to search."}
    assert "not valid" in repair[-1]["content"] and "JSON" in repair[-1]["content"]


async def test_repair_round_is_only_one() -> None:
    calls = 0

    async def generate(messages: list[dict]) -> str:
        nonlocal calls
        calls += 1
        return '{"intent": "shopping"}'

    with pytest.raises(JSONProtocolError, match="does not match the schema"):
        await json_protocol.complete_with_repair(generate, [{"role": "user", "content": "x"}], SCHEMA)
    assert calls == 2
