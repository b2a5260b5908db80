"""A local fake Telegram Bot API server (aiohttp) for tests and benches.

It speaks the real HTTP protocol that python-telegram-bot uses, so a bot pointed at it
(``[telegram] base_url = "http://127.0.0.1:PORT/bot"``) runs its real request stack. It
serves getMe, getUpdates (long polling), sendMessage, sendPhoto, sendMediaGroup,
sendChatAction, editMessageText, answerCallbackQuery, getFile plus the file download,
setMyCommands, deleteWebhook, setWebhook and a few more, records every call, and lets a
test inject updates, scripted failures (``fail``; method ``"file"`` fails file downloads), slow
answers (``delays``) and outages (``bot.fake_outage``, through ``gate`` and ``answered``)::

    async with FakeBotApi() as api:
        settings = ...(telegram.base_url=api.base_url, base_file_url=api.base_file_url)
        api.send_text(chat_id=1, text="hi")
        call = await api.wait_for("sendMessage", chat_id=1)
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.fake_api_calls import Call, Failure

__all__ = ["BOT_ID", "BOT_USERNAME", "TOKEN", "Call", "Failure", "FakeBotApi"]

TOKEN = "123456:TEST-token-for-the-fake-api"
BOT_ID = 123456
BOT_USERNAME = "reclmms_test_bot"
_RAW_STRING_KEYS = {"text", "caption", "parse_mode", "action", "callback_query_id", "photo", "document", "url",
                    "secret_token", "file_id", "inline_message_id", "emoji"}


def _bad_request(what: str) -> web.HTTPBadRequest:
    body = {"ok": False, "error_code": 400, "description": f"Bad Request: {what}"}
    return web.HTTPBadRequest(text=json.dumps(body), content_type="application/json")


class FakeBotApi:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, token: str = TOKEN, first_update_id: int = 1) -> None:
        self.host = host
        self.port = port
        self.token = token
        self.calls: list[Call] = []
        self._by_chat: dict[int | None, list[tuple[int, Call]]] = {}
        self.files: dict[str, bytes] = {}
        self.failures: list[Failure] = []
        self.delays: dict[str, float] = {}  # method → seconds to wait before answering it
        self.gate: Callable[[str], web.Response | None] | None = None  # an answer for every call, e.g. a 502 (bot.fake_outage)
        self.answered: Callable[[Call], None] | None = None  # told once a call's answer has been sent
        self.webhook_url = ""
        self._updates: list[dict[str, Any]] = []
        self._raw: list[Any] = []  # push_raw
        self._update_ids = itertools.count(first_update_id)  # Telegram's ids only grow, across restarts too
        self._message_ids = itertools.count(1000)
        self._file_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.queued_at: dict[int, float] = {}  # update_id → when it was pushed
        self.delivered_at: dict[int, float] = {}  # update_id → when getUpdates first returned it

    # --- lifecycle -----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self) -> FakeBotApi:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server  # noqa: SLF001 - the bound port when port=0
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def stop(self) -> None:
        runner, self._runner = self._runner, None  # long polls under way answer at once
        self._new_update.set()
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- injecting updates -----------------------------------------------------------------
    @staticmethod
    def user(user_id: int, language_code: str | None = "en", first_name: str = "Ann") -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": first_name, "username": f"user{user_id}"}
        if language_code:
            user["language_code"] = language_code
        return user

    def push(self, update: dict[str, Any]) -> int:
        """Queue a raw update (an ``update_id`` is added when missing); returns its id."""
        if "update_id" not in update:
            update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self.queued_at[int(update["update_id"])] = time.monotonic()
        self._new_update.set()
        return int(update["update_id"])

    def push_raw(self, entry: Any) -> None:
        """Serve ``entry`` as it is (``None``, an update whose id is a string...) once, at the end of the next getUpdates."""
        self._raw.append(entry)
        self._new_update.set()

    def message(self, chat_id: int, *, user: dict[str, Any] | None = None, chat_type: str = "private",
                **fields: Any) -> dict[str, Any]:
        sender = user or self.user(chat_id)
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = sender.get("first_name", "")
        else:
            chat["title"] = "A group"
        return {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat, "from": sender, **fields}

    def send_text(self, chat_id: int, text: str, *, edited: bool = False, **kw: Any) -> int:
        msg = self.message(chat_id, text=text, **kw)
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self.push({"edited_message" if edited else "message": msg})

    def add_file(self, data: bytes, suffix: str = "jpg") -> dict[str, Any]:
        n = next(self._file_ids)
        file_id = f"FILE{n:06d}"
        self.files[file_id] = data
        return {"file_id": file_id, "file_unique_id": f"U{n:06d}", "file_size": len(data), "_suffix": suffix}

    def send_photo(self, chat_id: int, data: bytes, caption: str | None = None, *, file_size: int | None = None, **kw: Any) -> int:
        info = self.add_file(data)
        size = {"file_id": info["file_id"], "file_unique_id": info["file_unique_id"], "width": 640, "height": 640,
                "file_size": file_size if file_size is not None else len(data)}
        fields: dict[str, Any] = {"photo": [size]}
        if caption is not None:
            fields["caption"] = caption
        return self.push({"message": self.message(chat_id, **fields, **kw)})

    def send_document(
        self, chat_id: int, data: bytes, mime_type: str, file_name: str = "file.bin", caption: str | None = None, *, file_size: int | None = None
    ) -> int:
        info = self.add_file(data)
        doc = {"file_id": info["file_id"], "file_unique_id": info["file_unique_id"], "file_name": file_name,
               "mime_type": mime_type, "file_size": file_size if file_size is not None else len(data)}
        fields: dict[str, Any] = {"document": doc}
        if caption is not None:
            fields["caption"] = caption
        return self.push({"message": self.message(chat_id, **fields)})

    def press(self, chat_id: int, data: str, *, message_id: int = 1, user: dict[str, Any] | None = None) -> int:
        sender = user or self.user(chat_id)
        query = {
            "id": f"cb{next(self._file_ids)}", "from": sender, "chat_instance": str(chat_id), "data": data,
            "message": {
                "message_id": message_id, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "RecLMMs"}, "text": "cards",
            },
        }
        return self.push({"callback_query": query})

    # --- inspecting calls ------------------------------------------------------------------
    def calls_to(self, method: str | None = None, chat_id: int | None = None) -> list[Call]:
        return [c for c in self.calls if (method is None or c.method == method) and (chat_id is None or c.chat_id == chat_id)]

    def shown(self, chat_id: int) -> list[str]:
        """The bot's messages in ``chat_id`` as they read now (edits made), oldest first: texts, or captions."""
        return [str(m.get("text") or m.get("caption") or "") for (chat, _), m in sorted(self._messages.items()) if chat == chat_id]

    async def settle(self, quiet_s: float = 0.3) -> None:
        """Wait until no call has arrived for ``quiet_s`` seconds."""
        last = -1
        while last != len(self.calls):
            last = len(self.calls)
            await asyncio.sleep(quiet_s)

    async def wait_for(
        self,
        method: str,
        chat_id: int | None = None,
        where: Callable[[Call], bool] | None = None,
        wait_s: float = 10.0,
        after: int = 0,
    ) -> Call:
        """The first call (from index ``after``) to ``method`` that matches; waits for it."""
        deadline = time.monotonic() + wait_s
        while True:
            if chat_id is None:
                candidates = self.calls[after:]
            else:
                chat_calls = self._by_chat.get(chat_id, [])
                candidates = [c for i, c in chat_calls if i >= after]
            for call in candidates:
                if call.method == method and (where is None or where(call)):
                    return call
            left = deadline - time.monotonic()
            if left <= 0:
                seen = [(c.method, c.chat_id, c.text[:60]) for c in self.calls[after:]][-15:]
                raise TimeoutError(f"no {method} call for chat {chat_id}; recent calls: {seen}")
            self._new_call.clear()
            try:
                await asyncio.wait_for(self._new_call.wait(), timeout=min(left, 0.5))
            except TimeoutError:
                pass

    def fail(self, failure: Failure) -> None:
        self.failures.append(failure)

    def unconfirmed(self) -> int:
        """Updates queued and not yet confirmed by a getUpdates with a higher offset."""
        return len(self._updates)

    def _take(self, method: str, params: dict[str, Any]) -> Failure | None:
        for failure in list(self.failures):
            if failure.method == method and (failure.match is None or failure.match(params)):
                failure.times -= 1
                if failure.times <= 0:
                    self.failures.remove(failure)
                return failure
        return None

    async def _failure(self, method: str, params: dict[str, Any]) -> web.Response | None:
        if (failure := self._take(method, params)) is None:
            return None
        await asyncio.sleep(failure.delay_s)
        if failure.raw_body is not None:
            return web.Response(text=failure.raw_body, status=failure.code, content_type="application/json")
        return None if failure.code == 200 else self._error(failure.code, failure.description, failure.retry_after)

    # --- the HTTP side ---------------------------------------------------------------------
    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        if request.content_type == "application/json":
            body = await request.json()
            return (body or {}), files
        try:
            form = await request.post()
        except ConnectionResetError:  # the client gave up on this request (e.g. on shutdown)
            return params, files
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = value.file.read()
                continue
            text = str(value)
            if key in _RAW_STRING_KEYS:
                params[key] = text
                continue
            try:
                params[key] = json.loads(text)
            except ValueError:
                params[key] = text
        for key, value in request.query.items():
            params.setdefault(key, value)
        return params, files

    def _error(self, code: int, description: str, retry_after: int | None = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=code)

    def _ok(self, result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        if self.gate is not None and (gated := self.gate(method)) is not None:
            return gated
        params, files = await self._params(request)
        if method == "getUpdates":  # not recorded as a call; it can fail as scripted all the same
            failed = await self._failure(method, params)
            return failed if failed is not None else self._ok(await self._get_updates(params))
        call = Call(method, params, files)
        self._by_chat.setdefault(call.chat_id, []).append((len(self.calls), call))
        self.calls.append(call)
        self._new_call.set()
        if self.delays.get(method):
            await asyncio.sleep(self.delays[method])
        failed = await self._failure(method, params)
        if failed is not None:
            return failed
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            if method in {"setMyCommands", "deleteWebhook", "sendChatAction", "answerCallbackQuery",
                          "deleteMessage", "setChatMenuButton", "close", "logOut"}:
                return self._ok(True)
            return self._error(404, "Not Found: method not found")
        answer = self._ok(handler(params, files))
        if self.answered is not None:  # the answer goes out whole first
            await answer.prepare(request)
            await answer.write_eof()
            self.answered(call)
        return answer

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self._updates and not self._raw and time.monotonic() < deadline and self._runner is not None:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout=deadline - time.monotonic())
            except TimeoutError:
                break
        batch = self._updates[:limit]
        now = time.monotonic()
        for u in batch:
            self.delivered_at.setdefault(int(u["update_id"]), now)
        raw, self._raw = self._raw, []
        return batch + raw

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].split("/")[-1].split(".")[0]
        failed = await self._failure("file", {"file_id": file_id})
        if failed is not None:
            return failed
        data = self.files.get(file_id)
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    # --- methods ---------------------------------------------------------------------------
    def _bot_user(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "RecLMMs", "username": BOT_USERNAME,
                "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}

    def _m_getMe(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return self._bot_user()

    def _m_getWebhookInfo(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": 0}

    def _m_setWebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self.webhook_url = str(params.get("url", ""))
        return True

    def _new_message(self, params: dict[str, Any], **fields: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        msg = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": self._bot_user(),
            **fields,
        }
        if params.get("reply_markup"):
            msg["reply_markup"] = params["reply_markup"]
        self._messages[(chat_id, msg["message_id"])] = msg
        return msg

    def _photo_sizes(self, value: Any, files: dict[str, bytes], name: str) -> list[dict[str, Any]]:
        if isinstance(value, str) and value.startswith("attach://"):
            data = files.get(value[len("attach://"):], b"")
        elif name in files:
            data = files[name]
        else:
            data = self.files.get(str(value), b"")
        info = self.add_file(data)
        return [{"file_id": info["file_id"], "file_unique_id": info["file_unique_id"], "width": 320, "height": 320}]

    def _m_sendMessage(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return self._new_message(params, text=params.get("text", ""))

    def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        fields: dict[str, Any] = {"photo": self._photo_sizes(params.get("photo"), files, "photo")}
        if params.get("caption"):
            fields["caption"] = params["caption"]
        return self._new_message(params, **fields)

    def _m_sendMediaGroup(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        out = []
        group = f"mg{next(self._file_ids)}"
        for item in params.get("media") or []:
            fields: dict[str, Any] = {"media_group_id": group, "photo": self._photo_sizes(item.get("media"), files, "")}
            if item.get("caption"):
                fields["caption"] = item["caption"]
            out.append(self._new_message(params, **fields))
        return out

    def _m_sendDocument(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        info = self.add_file(files.get("document", b""))
        return self._new_message(params, document={"file_id": info["file_id"], "file_unique_id": info["file_unique_id"]})

    def _m_editMessageText(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        key = (int(params["chat_id"]), int(params["message_id"]))
        msg = self._messages.get(key)
        if msg is None:
            raise _bad_request("message to edit not found")
        msg = {**msg, "text": params.get("text", ""), "edit_date": int(time.time())}
        if params.get("reply_markup"):
            msg["reply_markup"] = params["reply_markup"]
        self._messages[key] = msg
        return msg

    def _m_getFile(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        file_id = str(params.get("file_id"))
        if file_id not in self.files:
            raise _bad_request("invalid file_id")
        return {"file_id": file_id, "file_unique_id": f"U{file_id}", "file_size": len(self.files[file_id]),
                "file_path": f"photos/{file_id}.jpg"}
