"""The HTTP front: POST GraphQL at /graphql, /rules/graphql, /iam/graphql and /; GET the
documents of deferred queries (no auth). Auth, latency, rate limits (the old sliding
window, injected 429s, the documented quotas and their headers), injected 5xx and lost
responses happen here."""

from __future__ import annotations

from urllib.parse import urlsplit

from j1sync import json_input
from j1sync.canonical import same_secret
from j1sync.emulator.http_base import (
    JsonHandler,
    QuietThreadingHTTPServer,
    rate_limited,
)
from j1sync.providers.jupiterone.emulator.backend import Backend
from j1sync.providers.jupiterone.emulator.executor import GraphQLService, Outcome
from j1sync.providers.jupiterone.emulator.resolvers_j1ql import DEFERRED_PATH, deferred_document
from j1sync.providers.jupiterone.emulator.switches import Stats
from j1sync.providers.jupiterone.values import ACCOUNT_HEADER
from j1sync.providers.node_json import parse_float, parse_int

GRAPHQL_PATHS = frozenset({"/graphql", "/rules/graphql", "/iam/graphql", "/"})
# A rate limit inside an HTTP 200, as the official Python client expects one (it retries
# a single error whose message holds "429"); nothing was executed.
RATE_LIMITED_IN_200 = {"errors": [{"message": "429: Too Many Requests"}], "data": None}


class EmulatorHTTPServer(QuietThreadingHTTPServer):
    def __init__(
        self, address: tuple[str, int], backend: Backend, stats: Stats, api_key: str
    ) -> None:
        self.backend = backend
        self.stats = stats
        self.api_key = api_key
        self.service = GraphQLService(backend, stats)
        super().__init__(address, _Handler)


class _Handler(JsonHandler):
    server: EmulatorHTTPServer

    def stats(self) -> Stats:
        return self.server.stats

    def do_POST(self) -> None:
        server = self.server
        server.stats.count_http()
        raw = self.read_body()
        path = urlsplit(self.path).path.rstrip("/") or "/"
        if path not in GRAPHQL_PATHS:
            self.send_json(404, {"error": "Not Found"})
            return
        switches = server.backend.switches
        self.wait_latency(switches)
        if rate_limited(switches):
            self.send_json(429, {"error": "Too Many Requests"})
            return
        if switches.roll(switches.rate_429_in_200):
            self.send_json(200, RATE_LIMITED_IN_200)
            return
        if not self._authorized():
            self.send_json(401, {"error": "Unauthorized"})
            return
        if switches.roll(switches.fail_rate):
            self.send_json(switches.fail_status, {"error": "Service Unavailable"})
            return
        try:
            payload = json_input.loads(  # its numbers as JupiterOne (Node.js) reads them
                raw or b"null",
                parse_int=parse_int,
                parse_float=parse_float,
                parse_constant=json_input.no_constant,
            )
        except ValueError:
            self.send_json(400, {"errors": [{"message": "Invalid JSON in request body"}]})
            return
        # The documented buckets (switch `quotas`): every answer carries the RateLimit-*
        # headers; a request that does not fit is dropped whole, uncounted.
        charge = switches.charge_quota(self._token(), payload)
        quota_headers = charge.headers if charge is not None else {}
        if charge is not None and not charge.allowed:
            self.send_json(429, {"error": "Too Many Requests"}, quota_headers)
            return
        if charge is not None:
            server.stats.count_invocations(int(quota_headers["RateLimit-Requested"]))
        outcome: Outcome | None = server.service.misrouted(payload, path)
        if outcome is None:
            outcome = server.service.handle(payload, self.base_url())
        if outcome.lose_response:
            self.drop_connection()
            return
        self.send_json(outcome.status, outcome.body, quota_headers)

    def do_GET(self) -> None:
        self.server.stats.count_http()
        path = urlsplit(self.path).path
        document = None
        if path.startswith(DEFERRED_PATH):
            with self.server.backend.store.lock:
                document = deferred_document(self.server.backend, path, self.base_url())
        if document is None:
            self.send_json(404, {"error": "Not Found"})
        else:
            self.send_json(200, document)

    def _authorized(self) -> bool:
        expected = f"Bearer {self.server.api_key}"
        given = self.headers.get("Authorization") or ""
        account = self.headers.get(ACCOUNT_HEADER) or ""
        key_ok = same_secret(given, expected)
        return key_ok and account == self.server.backend.account

    def _token(self) -> str:
        return (self.headers.get("Authorization") or "").removeprefix("Bearer ")
