"""The emulated xyOps HTTP front: `/api/app/<name>/v1`, GET with query parameters or POST
with a JSON body (api-v1.0.88.md "Overview"). Authentication (an `X-API-Key` header, an
`api_key` query parameter or an `api_key` JSON property), latency, rate limits, injected
5xx and lost responses happen here; `XyOpsApi` answers the call."""

from __future__ import annotations

import json
import re
import time
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from j1sync import json_input
from j1sync.canonical import same_secret
from j1sync.emulator.faults import Stats
from j1sync.emulator.http_base import (
    JsonHandler,
    QuietThreadingHTTPServer,
    rate_limited,
)
from j1sync.manifest.yaml_source import depth_exceeds
from j1sync.providers.node_json import parse_float, parse_int
from j1sync.providers.xyops.emulator.api import XyOpsApi
from j1sync.providers.xyops.emulator.errors import (
    FORBIDDEN,
    NOT_FOUND,
    SERVER_ERROR,
    TOO_MANY,
    ApiError,
)
from j1sync.providers.xyops.emulator.switches import XyOpsSwitches
from j1sync.providers.xyops.values import (
    API_CALL_VERSION,
    API_KEY_HEADER,
    API_PATH,
)

# values.call_path, the call's name captured
CALL_PATH = re.compile(rf"^{re.escape(API_PATH)}/(?P<name>\w+){re.escape(API_CALL_VERSION)}/?$")
API_KEY_PARAM = "api_key"
# Docs, "Standard Response Format": the one error example they print.
NO_CREDENTIALS = ApiError("session", "No Session ID or API Key could be found", FORBIDDEN)
# The key itself is never echoed back (the live server's wording is unknown).
BAD_KEY = ApiError("session", "Invalid API Key")  # lib/api.js loadSession
RATE_LIMITED = ApiError("rate", "API Key has exceeded rate limit", TOO_MANY)
# api-v1.0.88.md: each call is a GET with query parameters or a POST with JSON; the
# docs say nothing of other methods. xyOps's web layer (pixl-server-web) routes by URL
# whatever the method, so the live server likely answers PUT, PATCH or DELETE as a POST:
# a guess the emulator does not follow, holding clients to the documented two, refused
# as a malformed request is (code `api`, HTTP 400: lib/api.js doError), before the key
# is looked at (docs/api-fidelity.md, "xyOps").
SERVED_METHODS = ("GET", "POST")
JSON_CONTENT = "application/json; charset=utf-8"


def unsupported_method(method: str) -> ApiError:
    return ApiError(
        "api",
        f"Unsupported HTTP method: {method} (xyOps API calls are {' or '.join(SERVED_METHODS)})",
    )


# Public endpoints (docs, Miscellaneous: "no authentication required").
PUBLIC = {
    "ping": (200, {"code": 0}),
    "error": (SERVER_ERROR, {"code": "test", "description": "This is a test error message."}),
}


# The version these docs describe; `config` (api "config") reports it the way the UI
# bootstrap does: a JavaScript call, `app.receiveConfig({...})`.
VERSION = "1.0.88"
# xyOps (Node.js) keeps JSON nested as deep as it is sent; the emulator's own Python (a
# copy of each object written, JSON in and out, under a recursion limit of 1000) follows
# some 480 levels, and beyond them dropped the connection with no answer. A body nested
# deeper than this is refused as a bad body is, well before that and well beyond what a
# manifest nests (64) or pydantic follows (some 250): deep enough to serve what j1sync
# must survive reading.
MAX_BODY_NESTING = 400


class XyOpsHTTPServer(QuietThreadingHTTPServer):
    def __init__(
        self,
        address: tuple[str, int],
        api: XyOpsApi,
        switches: XyOpsSwitches,
        stats: Stats,
        api_key: str,
    ) -> None:
        self.api = api
        self.switches = switches
        self.stats = stats
        self.api_key = api_key
        super().__init__(address, _Handler)


class _Handler(JsonHandler):
    server: XyOpsHTTPServer

    def stats(self) -> Stats:
        return self.server.stats

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own answer to a method it has no `do_` for (PUT, PATCH, DELETE,
        HEAD, OPTIONS, any other): xyOps's standard response (api "Standard Response
        Format": every answer is JSON with `code` and `description`), not Python's HTML
        page. Its other errors (a malformed request line) stay its own."""
        if code != HTTPStatus.NOT_IMPLEMENTED or not self.command:
            super().send_error(code, message, explain)
            return
        self.server.stats.count_http()
        error = unsupported_method(self.command)
        status = 200 if self.server.switches.errors_in_200 else error.status
        # its body (if any) is never read: the connection ends with the answer
        self.close_connection = True
        if self.command == "HEAD":  # an answer to HEAD has no body
            self.stats().count_status(status)
            self.send_response(status)
            self.send_header("Content-Type", JSON_CONTENT)
            self.send_header("Connection", "close")
            self.end_headers()
            return
        self.send_json(status, error.body(), {"Connection": "close"})

    def _serve(self, method: str) -> None:
        server = self.server
        server.stats.count_http()
        raw = self.read_body()
        split = urlsplit(self.path)
        match = CALL_PATH.match(split.path)
        if match is None:
            self._refuse(ApiError("api", f"Unsupported URL: {split.path}", NOT_FOUND))
            return
        name = match.group("name")
        if name in PUBLIC:
            status, body = PUBLIC[name]
            self.send_json(status, body)
            return
        if name == "config":
            self._send_config()
            return
        switches = server.switches
        self.wait_latency(switches)
        if rate_limited(switches):
            self._refuse(RATE_LIMITED)
            return
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        try:
            params = self._params(query, raw)
        except ApiError as exc:
            self._refuse(exc)
            return
        given = (
            self.headers.get(API_KEY_HEADER)
            or query.pop(API_KEY_PARAM, None)
            or params.pop(API_KEY_PARAM, None)
        )
        params.pop(API_KEY_PARAM, None)
        if not given:
            self._refuse(NO_CREDENTIALS)
            return
        if not same_secret(str(given), server.api_key):
            self._refuse(BAD_KEY)
            return
        if server.api.knows(name):
            server.stats.count_operation(None, [name])
        if switches.roll(switches.fail_rate):
            self.send_json(
                switches.fail_status,
                {"code": "server", "description": "Service Unavailable (emulator switch)"},
            )
            return
        try:
            answer = server.api.call(name, params, method, from_query=not raw)
        except ApiError as exc:
            self._refuse(exc)
            return
        if answer.lose_response:
            self.drop_connection()
            return
        self.send_json(200, answer.body)

    def _params(self, query: dict[str, str], raw: bytes) -> dict[str, Any]:
        """Query parameters, with a JSON body's properties over them."""
        params: dict[str, Any] = {k: v for k, v in query.items() if k != API_KEY_PARAM}
        if not raw.strip():
            return params
        try:
            body = json_input.loads(
                raw,
                parse_int=parse_int,
                parse_float=parse_float,
                parse_constant=json_input.no_constant,
            )
        except ValueError as exc:
            raise ApiError("api", f"Failed to parse JSON: {exc}") from exc
        if not isinstance(body, dict):
            raise ApiError("api", "Failed to parse JSON: the body must be an object")
        if depth_exceeds(body, MAX_BODY_NESTING):
            raise ApiError(
                "api", f"Failed to parse JSON: nested more than {MAX_BODY_NESTING} levels deep"
            )
        params.update(body)
        return params

    def _send_config(self) -> None:
        """api "config": `app.receiveConfig({code, version, epoch, port, config, masters})`
        (public: the UI loads it before anyone signs in — a guess)."""
        port = self.server.server_address[1]
        data = {
            "code": 0,
            "version": VERSION,
            "epoch": int(time.time()),
            "port": port,
            "config": {},
            "masters": [],
        }
        payload = f"app.receiveConfig({json.dumps(data)});".encode()
        self.send_body(200, payload, "text/javascript; charset=utf-8")

    def _refuse(self, error: ApiError) -> None:
        status = 200 if self.server.switches.errors_in_200 else error.status
        self.send_json(status, error.body())
