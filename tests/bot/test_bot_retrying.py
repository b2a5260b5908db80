"""``RetryingRateLimiter`` on calls that cannot reach the Bot API (a real connection to a port where
nothing listens): retried for the outage horizon; at once given up late in an outage; and a new
outage, long after the last one with no call between, is ridden out again."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import pytest
import pytest_asyncio
from telegram.error import NetworkError

from bot.aiohttp_request import AiohttpRequest
from bot.retrying import RetryingRateLimiter, unreachable

Call = Callable[[], Coroutine[Any, Any, Any]]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest_asyncio.fixture
async def refused() -> AsyncIterator[tuple[Call, list[NetworkError]]]:
    """A Bot API call whose connection is refused, and the errors it met (one per try)."""
    request = AiohttpRequest(connection_limit=1)
    await request.initialize()
    url = f"http://127.0.0.1:{closed_port()}/bot123:abc/sendMessage"
    errors: list[NetworkError] = []

    async def call() -> Any:
        try:
            return await request.post(url)
        except NetworkError as exc:
            errors.append(exc)
            raise

    try:
        yield call, errors
    finally:
        await request.shutdown()


async def send(limiter: RetryingRateLimiter, call: Call) -> None:
    with pytest.raises(NetworkError):
        await limiter.process_request(lambda: call(), (), {}, "sendMessage", {"chat_id": 1}, None)


async def test_calls_that_cannot_reach_the_bot_api_are_retried_for_the_outage_only(
    refused: tuple[Call, list[NetworkError]],
) -> None:
    call, errors = refused
    limiter = RetryingRateLimiter(outage_s=0.3, backoff_s=0.05, max_backoff_s=0.05, overall_max_rate=0)
    await send(limiter, call)
    first = len(errors)
    assert first > 3 and all(unreachable(exc) for exc in errors)  # more than the 2 retries of other failures
    await send(limiter, call)  # late in the outage: one try
    assert len(errors) == first + 1
    await asyncio.sleep(0.4)  # no call for longer than the horizon: the next failure begins another outage
    await send(limiter, call)
    assert len(errors) > first + 2
