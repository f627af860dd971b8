"""HTTP servers on loopback for answers no emulator gives (a 429 asking for an hour, JSON
cut off, a login page, a proxy rewriting the emulator's answers): the one way the tests
serve an `http.server` handler, and the one canned answer every request gets.

(Raw TCP servers, for a server that never answers or breaks its answers below HTTP, are
tests/hostile/loopback.py's.)"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """`handler` served on a free port of 127.0.0.1 for the block: its base URL (no
    trailing slash)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class QuietHandler(BaseHTTPRequestHandler):
    """A handler that logs nothing (http.server writes a line per request to stderr)."""

    def log_message(self, *_: object) -> None:
        pass

    def read_body(self) -> bytes:
        """The request's body (its Content-Length's worth)."""
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def answer(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """`body` with `status`, its Content-Length, `content_type` and `headers`."""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def answering(
    status: int,
    body: bytes,
    content_type: str = "application/json",
    headers: Mapping[str, str] | None = None,
) -> Iterator[tuple[str, list[float]]]:
    """A server answering every request (POST or GET) with `status` and `body`
    (`QuietHandler.answer`); its base URL, and when each request came
    (time.monotonic(), a list growing as they come)."""
    seen: list[float] = []

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            self.read_body()
            seen.append(time.monotonic())
            self.answer(status, body, content_type, headers)

        do_GET = do_POST

    with serving(Handler) as url:
        yield url, seen


@contextmanager
def proxying(upstream: str, change: Callable[[str, requests.Response], bytes]) -> Iterator[str]:
    """A server forwarding every request to `upstream` (its method, path, headers and
    body) and answering with upstream's status and Content-Type and the body
    `change(path, answer)` makes of upstream's answer; its base URL."""

    class Handler(QuietHandler):
        def _forward(self) -> None:
            body = self.read_body() or None
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            answer = requests.request(
                self.command, upstream + self.path, data=body, headers=headers, timeout=30
            )
            kind = answer.headers.get("Content-Type", "text/plain")
            self.answer(answer.status_code, change(self.path, answer), kind)

        do_GET = do_POST = do_PUT = do_DELETE = _forward

    with serving(Handler) as url:
        yield url
