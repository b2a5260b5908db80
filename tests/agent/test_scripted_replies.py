"""The scripted backend's plain reply (the demo's stand-in for a model) names the first product of several as "the
first one", and a product asked about on its own ("tell me about the third") by its name only."""

from __future__ import annotations

from agent.llm.scripted import default_text


def prompt(*names: str, language: str = "en") -> list[dict[str, str]]:
    listing = "\n".join(f"{i}. {name}, 19.99" for i, name in enumerate(names, 1))
    return [{"role": "user", "content": f"Language: {language}\nProducts:\n{listing}"}]


def test_several_products_lead_with_the_first_one() -> None:
    assert default_text(prompt("Sunny Midi Dress", "Breeze Wrap Dress")) == (
        "I picked these for you. The first one, Sunny Midi Dress, is a great choice.")


def test_one_product_is_named_without_a_position() -> None:
    assert default_text(prompt("Kim fancy boot")) == "Kim fancy boot is a great choice."
    assert default_text(prompt("Kim fancy boot", language="zh")) == "Kim fancy boot 很适合您。"
