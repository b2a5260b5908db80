"""What an OpenAI-compatible server's error says about a feature it lacks, and for how long to believe it.

A server that does not take photos, native ``tools`` or ``response_format: json_schema`` says so in a client
error that names the feature (400, 404, 415, 422, 501), or, like llama.cpp, in a 500 whose text says it plainly
("image input is not supported ... mmproj", "tools param requires --jinja flag"). Any other 5xx is a fault of
that one call: Ollama answers one shopper's corrupt photo with 500 "failed to process image", and that is
no reason to send no photo to the model for anyone else.

A refusal switches the feature off for ``RETRY_AFTER_S``; then it is tried again, so that a refusal read
wrongly (or a server since restarted with the feature) costs minutes, not the process's lifetime.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import openai

logger = logging.getLogger(__name__)

IMAGE_HINTS = ("image", "multimodal", "mmproj", "vision", "image_url")
TOOL_HINTS = ("tool", "jinja", "function")
SCHEMA_HINTS = ("response_format", "json_schema", "schema", "grammar")
REFUSAL_STATUSES = frozenset({400, 404, 415, 422, 501})
# what a server error (5xx) must say to count as a refusal rather than a fault
PLAIN_REFUSALS = ("not supported", "requires --jinja", "mmproj")
RETRY_AFTER_S = 600.0


def refuses(exc: openai.APIStatusError, hints: tuple[str, ...]) -> bool:
    """Whether ``exc`` is the server saying it does not do the feature that ``hints`` name."""
    text = str(exc).lower()
    if not any(hint in text for hint in hints):
        return False
    return exc.status_code in REFUSAL_STATUSES or any(phrase in text for phrase in PLAIN_REFUSALS)


class Downgrades:
    """Features a server refused, each switched off until ``retry_after_s`` has passed."""

    def __init__(self, name: str, *, retry_after_s: float = RETRY_AFTER_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.retry_after_s = retry_after_s
        self._clock = clock
        self._since: dict[str, float] = {}

    def record(self, feature: str, exc: openai.APIStatusError, instead: str) -> None:
        """Note the refusal of ``feature``, and log what is used ``instead`` until it is tried again."""
        self._since[feature] = self._clock()
        logger.warning("%s: server refused %s (%s: %s); %s for the next %g min", self.name, feature,
                       exc.status_code, str(exc)[:200], instead, self.retry_after_s / 60)

    def due(self) -> list[str]:
        """The features whose time off is over (forgotten here): the caller switches them back on."""
        now = self._clock()
        over = [feature for feature, since in self._since.items() if now - since >= self.retry_after_s]
        for feature in over:
            del self._since[feature]
            logger.info("%s: trying %s again", self.name, feature)
        return over

    def remaining(self) -> dict[str, float]:
        """Seconds left before each switched-off feature is tried again."""
        now = self._clock()
        return {feature: round(max(0.0, self.retry_after_s - (now - since)), 1)
                for feature, since in self._since.items()}
