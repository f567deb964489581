"""A local stand-in for the messaging platforms' API servers, on 127.0.0.1.

It records every request exactly as received and answers in the platform's wire format: by
default what the platform answers on success, or a scripted sequence of answers (errors, throttling).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    received_at: float = field(default_factory=time.time)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def graph_send_success(request: RecordedRequest, count: int) -> Answer:
    """What the Graph Send API answers for an accepted message."""
    recipient = request.json().get("recipient", {}).get("id", "")
    return Answer(200, {"recipient_id": recipient, "message_id": f"m_fake_{count}"})


class HeldAnswer:
    """Answers as the Graph Send API does, but its answer to the first request `holds` picks waits
    until the test sets `release` (or `timeout` passes): the sender is caught in mid-request."""

    def __init__(self, holds: Callable[[RecordedRequest], bool], timeout: float) -> None:
        self._holds = holds
        self._timeout = timeout
        self._lock = threading.Lock()
        self.held = threading.Event()
        self.release = threading.Event()

    def __call__(self, request: RecordedRequest, count: int) -> Answer:
        with self._lock:
            hold = not self.held.is_set() and self._holds(request)
            if hold:
                self.held.set()
        if hold:
            self.release.wait(timeout=self._timeout)
        return graph_send_success(request, count)


def serving(files: dict[str, Answer], otherwise: Callable[[RecordedRequest, int], Answer]) -> Callable[..., Answer]:
    """A default answer that gives these paths' answers (a platform's media endpoints and files), and answers
    any other request as `otherwise` does."""

    def answer(request: RecordedRequest, count: int) -> Answer:
        return files.get(request.path) or otherwise(request, count)

    return answer


class FakePlatformServer:
    def __init__(self, default: Callable[[RecordedRequest, int], Answer] = graph_send_success) -> None:
        self.requests: list[RecordedRequest] = []
        self.default = default
        self._scripted: list[Answer] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                server._handle(self)

            do_GET = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # Closing waits for the next poll: at the default half second, a test using the server paid that much.
        self._thread = threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, *answers: Answer) -> None:
        """Answer the next requests with these, in order, then return to the default."""
        with self._lock:
            self._scripted.extend(answers)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._scripted.clear()

    def wait_for_requests(self, count: int, timeout: float = 120.0) -> list[RecordedRequest]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.05)
        raise AssertionError(
            f"expected {count} requests at the fake platform within {timeout} s, got {len(self.requests)}"
        )

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        parts = urlsplit(handler.path)
        request = RecordedRequest(
            method=handler.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={key: value for key, value in handler.headers.items()},
            body=handler.rfile.read(length),
        )
        with self._lock:
            self.requests.append(request)
            count = len(self.requests)
            scripted = self._scripted.pop(0) if self._scripted else None
        # Outside the lock: a default that takes its time (a slow platform) must not hold up other requests.
        answer = scripted or self.default(request, count)
        payload = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
        handler.send_response(answer.status)
        handler.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
        for key, value in answer.headers.items():
            if key != "Content-Type":
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)


def serve_held(answer: HeldAnswer) -> Iterator[FakePlatformServer]:
    """A fixture's body: a fake platform answering with `answer`, released before it closes so that
    no sender is left waiting."""
    server = FakePlatformServer(default=answer)
    yield server
    answer.release.set()
    server.close()
