"""The fake OpenAI-compatible server on loopback of the LLM tests: it answers, streams, lists models,
breaks off and hangs.

``SSEServer.answer`` is what the next completion does, or a function of the request body that
says it: ``("json", status, payload)``, ``("stream", chunks, ending)`` with ``ending`` "done"
(``[DONE]``) or "cut" (half an event, then the connection closes; a request that does not ask to
stream fails), or ``("hang",)``. ``models`` is the model list's ``data``; ``requests`` holds every
completion request's body, in order. ``sse_server`` is a context manager around one;
``tests/llm/conftest.py``'s ``fake_server`` fixture starts them with a function of the request.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[Any, ...]
Answering = Answer | Callable[[dict[str, Any]], Answer]  # an answer, or one chosen by the request body


def chunk(content: str | None = None, finish: str | None = None) -> dict[str, Any]:
    """One ``chat.completion.chunk`` with a content delta and/or a finish reason."""
    delta = {"content": content} if content is not None else {}
    return {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def words(text: str, finish: str | None = "stop") -> list[dict[str, Any]]:
    """``text`` as one chunk a word, the last carrying ``finish`` (None: no finish reason at all)."""
    parts = [w + " " for w in text.split(" ")]
    chunks = [chunk(p) for p in parts]
    if finish is not None:
        chunks.append(chunk(finish=finish))
    return chunks


class SSEServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    models: list[dict[str, Any]]
    answer: Answering
    requests: list[dict[str, Any]]
    release: threading.Event  # set at shutdown: a hanging answer returns

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SSEServer

    def log_message(self, *args: object) -> None:
        pass

    def _json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._json(200, {"object": "list", "data": self.server.models})

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)
        answer = self.server.answer(body) if callable(self.server.answer) else self.server.answer
        if answer[0] == "stream" and not body.get("stream"):  # only replies stream: a tool choice fails
            answer = ("json", 500, {"error": {"message": "no tool choice here", "type": "server_error"}})
        if answer[0] == "hang":
            self.server.release.wait(30)
            return
        if answer[0] == "json":
            self._json(answer[1], answer[2])
            return
        _, chunks, ending = answer
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        for part in chunks:
            self.wfile.write(f"data: {json.dumps(part)}\n\n".encode())
            self.wfile.flush()
            time.sleep(0.005)
        if ending == "cut":
            self.wfile.write(b'data: {"id": "x", "choi')
            self.wfile.flush()
        else:
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        self.close_connection = True


def start_server(answer: Answering, models: list[dict[str, Any]] | None = None) -> SSEServer:
    """A server on a free loopback port, serving from a thread until ``stop_server``."""
    server = SSEServer(("127.0.0.1", 0), _Handler)
    server.answer, server.requests, server.release = answer, [], threading.Event()
    server.models = models if models is not None else [{"id": "m", "object": "model", "owned_by": "test"}]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def stop_server(server: SSEServer) -> None:
    server.release.set()
    server.shutdown()
    server.server_close()


@contextmanager
def sse_server(answer: Answering, models: list[dict[str, Any]] | None = None) -> Iterator[SSEServer]:
    server = start_server(answer, models)
    try:
        yield server
    finally:
        stop_server(server)
