"""Webhook mode (secret token checked) and restarts (no update processed twice)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram.error import NetworkError

from bot.aiohttp_request import AiohttpRequest
from bot.application import build_application, running
from bot.fake_api import FakeBotApi
from tests.bot.conftest import bot_settings, fake_services_factory
from tests.bot.fakes import FakeCatalog, FakeShoppingService, make_articles


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _factory(tmp: Path) -> Any:
    catalog = FakeCatalog(make_articles(tmp / "images"))
    return fake_services_factory(catalog, FakeShoppingService(catalog), ["cust-1"])


async def test_webhook_mode_checks_the_secret(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        settings = bot_settings(tmp_path, api)
        port = free_port()
        url = f"http://127.0.0.1:{port}/tg-hook"
        app = build_application(settings, _factory(tmp_path), overall_max_rate=0)
        async with running(app, webhook_url=url, port=port, secret_token="s3cret"):
            hook = await api.wait_for("setWebhook")
            assert hook.params["url"] == url and hook.params["secret_token"] == "s3cret"
            update = {"update_id": 900, "message": api.message(700, text="/help", entities=[
                {"type": "bot_command", "offset": 0, "length": 5}])}
            async with aiohttp.ClientSession() as http:
                async with http.post(url, json=update) as resp:
                    assert resp.status == 403  # no secret: refused
                headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
                for _ in range(2):  # Telegram retries a delivery: processed once
                    async with http.post(url, json=update, headers=headers) as resp:
                        assert resp.status == 200
            reply = await api.wait_for("sendMessage", chat_id=700)
            assert "What I can do" in reply.text
            await asyncio.sleep(0.3)
            assert len(api.calls_to("sendMessage", 700)) == 1


async def test_an_update_id_that_is_not_an_integer_is_dropped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """PTB's webhook takes ``"update_id": "abc"``; the bot drops it, and the valid update that
    came with it is still known after a restart."""
    async with FakeBotApi() as api:
        settings = bot_settings(tmp_path, api)
        port = free_port()
        url = f"http://127.0.0.1:{port}/tg-hook"

        def help_(update_id: object, chat: int) -> dict[str, Any]:
            return {"update_id": update_id, "message": api.message(chat, text="/help", entities=[
                {"type": "bot_command", "offset": 0, "length": 5}])}

        async def deliver(http: aiohttp.ClientSession, update: dict[str, Any]) -> None:
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}) as resp:
                assert resp.status == 200

        with caplog.at_level("WARNING"):
            async with running(build_application(settings, _factory(tmp_path), overall_max_rate=0),
                               webhook_url=url, port=port, secret_token="s3cret"), aiohttp.ClientSession() as http:
                await api.wait_for("setWebhook")
                await deliver(http, help_("abc", 731))
                await deliver(http, help_(905, 730))
                await api.wait_for("sendMessage", chat_id=730)
                await api.settle(0.3)
        assert not api.calls_to("sendMessage", 731)
        assert sum("not an integer" in r.getMessage() and "'abc'" in r.getMessage() for r in caplog.records) == 1
        async with running(build_application(settings, _factory(tmp_path), overall_max_rate=0),
                           webhook_url=url, port=port, secret_token="s3cret"), aiohttp.ClientSession() as http:
            await deliver(http, help_(905, 730))  # Telegram delivers it again after the restart
            await deliver(http, help_(906, 732))
            await api.wait_for("sendMessage", chat_id=732)
            await asyncio.sleep(0.3)
        assert len(api.calls_to("sendMessage", 730)) == 1


async def test_no_update_is_processed_twice_after_a_restart(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        settings = bot_settings(tmp_path, api)
        uid = api.send_text(710, "/help")
        app = build_application(settings, _factory(tmp_path), overall_max_rate=0)
        async with running(app, poll_timeout=0.2):
            await api.wait_for("sendMessage", chat_id=710)
        # Telegram hands the same update out again (it was fetched but never confirmed)
        api.push({"update_id": uid, "message": api.message(710, text="/help", entities=[
            {"type": "bot_command", "offset": 0, "length": 5}])})
        api.send_text(711, "/help")
        app2 = build_application(settings, _factory(tmp_path), overall_max_rate=0)
        async with running(app2, poll_timeout=0.2):
            await api.wait_for("sendMessage", chat_id=711)
            await asyncio.sleep(0.3)
        assert len(api.calls_to("sendMessage", 710)) == 1


async def test_network_errors_never_carry_the_token(tmp_path: Path) -> None:
    request = AiohttpRequest(connect_timeout=2)
    await request.initialize()
    try:
        url = f"http://127.0.0.1:{free_port()}/bot123:SECRET-TOKEN/getMe"
        with pytest.raises(NetworkError) as info:
            await request.post(url)
    finally:
        await request.shutdown()
    assert "SECRET" not in str(info.value)


async def test_the_httpx_client_works_too(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        settings = bot_settings(tmp_path, api)
        app = build_application(settings, _factory(tmp_path), overall_max_rate=0, http_client="httpx")
        async with running(app, poll_timeout=0.2):
            api.send_text(720, "/help")
            assert "What I can do" in (await api.wait_for("sendMessage", chat_id=720)).text
