"""The HTTP front: POST GraphQL at /graphql, /rules/graphql, /iam/graphql and /; GET the
documents of deferred queries (no auth). Auth, latency, rate limits (the old sliding
window, injected 429s, the documented quotas and their headers), injected 5xx and lost
responses happen here."""

from __future__ import annotations

import contextlib
import hmac
import json
import socket
import sys
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from j1sync.emulator.backend import Backend
from j1sync.emulator.executor import GraphQLService, Outcome
from j1sync.emulator.resolvers_j1ql import DEFERRED_PATH, deferred_document
from j1sync.emulator.switches import Stats

GRAPHQL_PATHS = frozenset({"/graphql", "/rules/graphql", "/iam/graphql", "/"})
# A rate limit inside an HTTP 200, as the official Python client expects one (it retries
# a single error whose message holds "429"); nothing was executed.
RATE_LIMITED_IN_200 = {"errors": [{"message": "429: Too Many Requests"}], "data": None}


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], backend: Backend, stats: Stats, api_key: str
    ) -> None:
        self.backend = backend
        self.stats = stats
        self.api_key = api_key
        self.service = GraphQLService(backend, stats)
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timed out) or was cut off is expected under the fault
        switches: no traceback for it; anything else is still reported."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: EmulatorHTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive, as the clients' sessions expect
    # One write per response (headers and body buffered, flushed by the base class after
    # each request) and no Nagle: otherwise a response could wait ~40 ms for a delayed ACK,
    # almost as long as the latency being emulated.
    wbufsize = 1 << 20
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: request lines would only clutter test and CLI output."""

    def do_POST(self) -> None:
        server = self.server
        server.stats.count_http()
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path.rstrip("/") or "/"
        if path not in GRAPHQL_PATHS:
            self._send(404, {"error": "Not Found"})
            return
        switches = server.backend.switches
        delay_ms = switches.latency_ms
        if switches.spike_ms > 0 and switches.roll(switches.spike_rate):
            delay_ms += switches.spike_ms
        if delay_ms > 0:
            time.sleep(delay_ms / 1000)
        if switches.over_rate_limit() or switches.roll(switches.rate_429):
            self._send(429, {"error": "Too Many Requests"})
            return
        if switches.roll(switches.rate_429_in_200):
            self._send(200, RATE_LIMITED_IN_200)
            return
        if not self._authorized():
            self._send(401, {"error": "Unauthorized"})
            return
        if switches.roll(switches.fail_rate):
            self._send(switches.fail_status, {"error": "Service Unavailable"})
            return
        try:
            payload = json.loads(raw or b"null")
        except ValueError:
            self._send(400, {"errors": [{"message": "Invalid JSON in request body"}]})
            return
        # The documented buckets (switch `quotas`): every answer carries the RateLimit-*
        # headers; a request that does not fit is dropped whole, uncounted.
        charge = switches.charge_quota(self._token(), payload)
        quota_headers = charge.headers if charge is not None else {}
        if charge is not None and not charge.allowed:
            self._send(429, {"error": "Too Many Requests"}, quota_headers)
            return
        if charge is not None:
            server.stats.count_invocations(int(quota_headers["RateLimit-Requested"]))
        outcome: Outcome | None = server.service.misrouted(payload, path)
        if outcome is None:
            outcome = server.service.handle(payload, self._base_url())
        if outcome.lose_response:
            self._drop_connection()
            return
        self._send(outcome.status, outcome.body, quota_headers)

    def do_GET(self) -> None:
        self.server.stats.count_http()
        path = urlsplit(self.path).path
        document = None
        if path.startswith(DEFERRED_PATH):
            with self.server.backend.store.lock:
                document = deferred_document(self.server.backend, path, self._base_url())
        if document is None:
            self._send(404, {"error": "Not Found"})
        else:
            self._send(200, document)

    def _authorized(self) -> bool:
        expected = f"Bearer {self.server.api_key}"
        given = self.headers.get("Authorization") or ""
        account = self.headers.get("JupiterOne-Account") or ""
        key_ok = hmac.compare_digest(given.encode(), expected.encode())
        return key_ok and account == self.server.backend.account

    def _token(self) -> str:
        return (self.headers.get("Authorization") or "").removeprefix("Bearer ")

    def _base_url(self) -> str:
        host = self.headers.get("Host")
        if not host:
            address, port = self.server.server_address[:2]
            host = f"{address!s}:{port}"
        return f"http://{host}"

    def _send(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        self.server.stats.count_status(status)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _drop_connection(self) -> None:
        """The mutation committed; the client never hears about it."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
