"""How a reply that broke off, was cut short, or carries unshowable characters reaches the shopper.

The openai cases run the real backend against a fake OpenAI-compatible server on loopback.
"""

from __future__ import annotations

import re
import time
from typing import Any

from agent.llm.openai_backend import OpenAIBackend
from agent.llm.scripted import ScriptedBackend
from agent.turn import ReplyDelta, Session, TurnResult
from tests.llm.sse_server import sse_server, words

UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]")
UNAVAILABLE = "the language model is unavailable"


async def _turn(open_service: Any, backend: Any, text: str = "black trousers") -> tuple[TurnResult, list[str]]:
    result, deltas, _ = await _timed_turn(open_service, backend, text)
    return result, deltas


async def _timed_turn(open_service: Any, backend: Any, text: str = "black trousers") -> tuple[TurnResult, list[str], float]:
    """The turn's result, the reply as streamed, and the turn's seconds."""
    deltas: list[str] = []
    async with open_service(backend, llm_timeout=3.0) as service:
        started = time.monotonic()
        async for event in service.stream(Session("endings"), text):
            if isinstance(event, ReplyDelta):
                deltas.append(event.text)
            last = event
        elapsed = time.monotonic() - started
    return last.result, deltas, elapsed


async def test_a_reply_stream_that_breaks_off_mid_sentence_gets_the_fixed_reply_and_the_note(open_service) -> None:
    cut = ("stream", words("The Slate Chino Trousers are smart and", finish=None), "cut")
    with sse_server(cut) as server:
        backend = OpenAIBackend(base_url=server.base_url, model="m", timeout_s=3)
        result, deltas, elapsed = await _timed_turn(open_service, backend)
    assert [r.get("stream") for r in server.requests] == [True]  # one streamed reply, nothing retried
    assert result.products and result.note and UNAVAILABLE in result.note
    assert "smart and" not in result.reply and not any("smart" in d for d in deltas)
    assert result.reply == "".join(deltas).strip()  # the bot's streamed text is the final reply
    assert elapsed < 1.5, elapsed  # at once, not after the model's timeout


async def test_the_complete_sentences_before_a_break_stand_without_a_note(open_service) -> None:
    cut = ("stream", words("The Slate Chino Trousers are smart. They go with", finish=None), "cut")
    with sse_server(cut) as server:
        result, deltas = await _turn(open_service, OpenAIBackend(base_url=server.base_url, model="m", timeout_s=3))
    assert result.reply == "The Slate Chino Trousers are smart."
    assert result.note is None and "They go" not in "".join(deltas)


async def test_a_reply_max_tokens_cut_mid_sentence_is_not_shown(open_service) -> None:
    short = ("stream", words("The Slate Chino Trousers are smart and", finish="length"), "done")
    with sse_server(short) as server:
        result, _ = await _turn(open_service, OpenAIBackend(base_url=server.base_url, model="m", timeout_s=3))
    assert "smart and" not in result.reply and result.note and UNAVAILABLE in result.note


async def test_a_reply_max_tokens_ended_after_a_sentence_is_kept(open_service) -> None:
    whole = ("stream", words("The Slate Chino Trousers are smart.", finish="length"), "done")
    with sse_server(whole) as server:
        result, _ = await _turn(open_service, OpenAIBackend(base_url=server.base_url, model="m", timeout_s=3))
    assert result.reply == "The Slate Chino Trousers are smart." and result.note is None


async def test_the_scripted_backend_cuts_at_max_tokens_like_a_server(open_service) -> None:
    # one character a chunk and 120 chunks: the second sentence is cut short and dropped
    text = "The Slate Chino Trousers are smart. " + "They go with everything from a shirt to a knit " * 4 + "."
    result, _ = await _turn(open_service, ScriptedBackend(text_replies=[text], chunk_chars=1))
    assert result.reply == "The Slate Chino Trousers are smart." and result.note is None


async def test_control_characters_and_replacement_marks_never_reach_the_shopper(open_service) -> None:
    text = "The Slate\x00 Chino Trousers are \ufffdsmart.\x1b Wear\x85 them\r with\t a white shirt.\x07"
    result, deltas = await _turn(open_service, ScriptedBackend(text_replies=[text]))
    assert not UNSHOWABLE.search(result.reply) and not any(UNSHOWABLE.search(d) for d in deltas)
    assert result.reply.startswith("The Slate Chino Trousers are smart.") and result.note is None


async def test_a_reply_without_letters_is_garbage(open_service) -> None:
    result, _ = await _turn(open_service, ScriptedBackend(text_replies=["\ufffd\x00 ... 12 !! \ufffd\ufffd"]))
    assert result.products and result.note and UNAVAILABLE in result.note
    assert not UNSHOWABLE.search(result.reply)


async def test_the_cut_off_garbage_of_a_broken_server_is_not_shown(open_service) -> None:
    garbage = "Buy the Zorblax 9000 Ultra Jacket for $12.34! \ufffd\x00 asdf {{{ [[[ <script>"
    with sse_server(("stream", words(garbage, finish=None)[:10], "cut")) as server:
        result, deltas = await _turn(open_service, OpenAIBackend(base_url=server.base_url, model="m", timeout_s=3))
    assert "asdf" not in result.reply and not any(UNSHOWABLE.search(d) for d in deltas)
    assert result.note and UNAVAILABLE in result.note


async def test_a_whole_reply_without_a_finish_reason_is_kept_and_unshowable_marks_go(open_service) -> None:
    """A proxy that leaves the finish reason out: the reply ends a sentence, so it is whole."""
    text = "The Slate Chino Trousers are \u202esmart\u202c and \x1b[31mneat\x1b[0m."
    with sse_server(("stream", words(text, finish=None), "done")) as server:
        result, deltas = await _turn(open_service, OpenAIBackend(base_url=server.base_url, model="m", timeout_s=3))
    assert result.reply.endswith("The Slate Chino Trousers are smart and neat.") and result.note is None
    assert not any("\x1b" in d or "\u202e" in d or "[31m" in d for d in deltas)


async def test_brackets_in_a_shown_products_name_are_not_garbage(open_service) -> None:
    from dataclasses import replace

    from tests.agent.fakes import FakeCatalog

    catalog = FakeCatalog()
    odd = "Slate <b>Chino</b> Trousers [sale]"
    catalog.items = [replace(a, name=odd) if a.name == "Slate Chino Trousers" else a for a in catalog.items]
    catalog.by_id = {a.article_id: a for a in catalog.items}
    backend = ScriptedBackend(text_replies=[f"The {odd} are smart for work."])
    async with open_service(backend, cat=catalog, llm_timeout=3.0) as service:
        result = await service.ask(Session("odd"), "black trousers")
    assert any(p.name == odd for p in result.products)
    assert result.reply.startswith(f"The {odd} are smart for work.") and result.note is None


async def test_a_sentence_saying_nothing_was_found_is_left_out_above_the_products(open_service) -> None:
    text = "Sorry, I can't find black trousers in your catalog. The Slate Chino Trousers are smart for work."
    result, deltas = await _turn(open_service, ScriptedBackend(text_replies=[text]))
    assert any(p.name == "Slate Chino Trousers" for p in result.products)
    assert result.reply == "The Slate Chino Trousers are smart for work." and result.note is None
    assert not any("can't find" in d for d in deltas)


def test_denials_in_the_reply_languages_and_sentences_that_are_none() -> None:
    from agent.denials import denies_results

    said = ["К сожалению, я не могу найти футболки белые у вас в каталоге.", "I couldn't find any white shirts.",
            "没有找到白色T恤。", "No encontré chaquetas negras.", "Je n'ai pas trouvé de robe.",
            "Leider habe ich keine Jacken.", "見つかりませんでした。", "I found no matching products."]
    unsaid = ["The Fortuna tee is white and soft.", "No hay duda: es perfecta.", "問題ありません。",
              "I can find more if you like?", "Diese Jacke ist nicht teuer.", "The first one has no pockets."]
    assert [s for s in said if not denies_results(s)] == []
    assert [s for s in unsaid if denies_results(s)] == []
