"""``reclmms`` with a slow scripted model, for tests that need a turn to be under way.

Every model call waits ``DELAY`` seconds first. When ``MARKER`` is set in the environment, the
first model call creates that file, so a test knows the turn has started.

    python -m tests.core.slow_ask DELAY reclmms-args...
"""

from __future__ import annotations

import os
import sys
from typing import Any

import reclmms.commands.ask
from agent.llm.scripted import ScriptedBackend, minimal_json
from reclmms.cli import main


class AnnouncingBackend(ScriptedBackend):
    async def _before(self, kind: str, messages: list[Any], timeout_s: float | None) -> None:
        marker = os.environ.get("MARKER")
        if marker and not self.calls:
            os.close(os.open(marker, os.O_CREAT | os.O_WRONLY, 0o644))
        await super()._before(kind, messages, timeout_s)


def run(delay_s: float, argv: list[str]) -> int:
    def slow_backend(settings: Any, name: str | None) -> ScriptedBackend:
        return AnnouncingBackend(json_rule=minimal_json, delay_s=delay_s)

    reclmms.commands.ask.backend_override = slow_backend  # type: ignore[assignment]
    return main(argv)


if __name__ == "__main__":
    sys.exit(run(float(sys.argv[1]), sys.argv[2:]))
