"""Servers for the s20e sweep of `j1sync github`, on 127.0.0.1 only (no tests here).

`ScriptedGitHub` answers what a test scripts (an HTML page, a rate limit, a body sent a
byte at a time); `StrictGitHub` is tests/github's fake with what GitHub also does: DELETE
of a comment, 422 for a body over 65,536 characters, and a gate that holds a new comment
until two listings of the comments have been answered (two jobs posting at once).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.github.fake_github import FakeGitHub, FakeGitHubState, _FakeServer, _Handler

TOKEN = "ghs_faketoken_DO_NOT_PRINT_0123456789"
REPOSITORY = "acme/security-config"
MAX_BODY = 65_536
# How long a new comment held at the gate waits for the listings (it opens as soon as the
# last is answered): generous for a loaded machine starting the second job late, shorter
# than the client's timeout (30 s), which would fail the POST.
GATE_TIMEOUT_S = 20.0


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"[]"
    headers: dict[str, str] = field(default_factory=dict)
    byte_every_s: float = 0.0  # send the body a byte at a time


class _ScriptedHandler(BaseHTTPRequestHandler):
    server: _ScriptedServer
    protocol_version = "HTTP/1.1"  # as GitHub answers: the connection stays open

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_PATCH(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        script = self.server.script
        with script.lock:
            script.requests.append((self.command, self.path, dict(self.headers)))
            answer = script.answers.pop(0) if len(script.answers) > 1 else script.answers[0]
        self.send_response(answer.status)
        headers = {"Content-Type": "application/json", **answer.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        try:
            if not answer.byte_every_s:
                self.wfile.write(answer.body)
                return
            for byte in answer.body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(answer.byte_every_s)
        except OSError:  # the client hung up
            pass


class _ScriptedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, script: ScriptedGitHub) -> None:
        super().__init__(("127.0.0.1", 0), _ScriptedHandler)
        self.script = script


class ScriptedGitHub:
    """Answers requests in the order scripted; the last answer repeats."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self._server = _ScriptedServer(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> ScriptedGitHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def json_answer(status: int, body: Any, **headers: str) -> Answer:
    return Answer(
        status, json.dumps(body).encode(), {k.replace("_", "-"): v for k, v in headers.items()}
    )


@dataclass
class StrictState(FakeGitHubState):
    # new comments held until this many listings of comments have been answered (0: none
    # held): every job has seen the comments as they were before any job posts
    listing_gate: int = 0
    # set when a comment waited GATE_TIMEOUT_S and was posted before the listings were
    # answered: the race the gate is to make did not happen (the test says so)
    gate_timed_out: bool = False
    _waiting: threading.Condition = field(default_factory=threading.Condition)
    _listings: int = 0

    def listed(self) -> None:
        with self._waiting:
            self._listings += 1
            self._waiting.notify_all()

    def wait_at_gate(self) -> None:
        if not self.listing_gate:
            return
        with self._waiting:
            if not self._waiting.wait_for(self._all_listed, timeout=GATE_TIMEOUT_S):
                self.gate_timed_out = True

    def _all_listed(self) -> bool:
        return self._listings >= self.listing_gate


_COMMENTS = re.compile(r"/issues/\d+/comments$")


class _StrictHandler(_Handler):
    server: _StrictServer  # type: ignore[assignment]

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_GET(self) -> None:
        super().do_GET()  # what it lists is taken (under the state's lock) and sent
        # a listing's first page (GitHubClient asks `?per_page=100`, later pages `&page=N`)
        url = urlsplit(self.path)
        if _COMMENTS.search(url.path) and "page" not in parse_qs(url.query):
            self.server.state.listed()  # type: ignore[attr-defined]

    def do_POST(self) -> None:
        if _COMMENTS.search(self.path):
            self.server.state.wait_at_gate()  # type: ignore[attr-defined]
        super().do_POST()

    def _route(
        self, state: FakeGitHubState, method: str, route: str, query: dict[str, str], body: Any
    ) -> None:
        text = body.get("body") if isinstance(body, dict) else None
        if isinstance(text, str) and len(text) > MAX_BODY:
            message = f"Body is too long (maximum is {MAX_BODY} characters)"
            return self._send(
                422, {"message": "Validation Failed", "errors": [{"message": message}]}
            )
        if (m := re.fullmatch(r"issues/comments/(\d+)", route)) and method == "DELETE":
            for comment in list(state.comments):
                if comment["id"] == int(m.group(1)):
                    state.comments.remove(comment)
                    return self._send_empty(204)
            return self._send(404, {"message": "Not Found"})
        return super()._route(state, method, route, query, body)

    def _send_empty(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


class _StrictServer(_FakeServer):
    def __init__(self, state: FakeGitHubState) -> None:
        ThreadingHTTPServer.__init__(self, ("127.0.0.1", 0), _StrictHandler)
        self.state = state


class StrictGitHub(FakeGitHub):
    def __init__(self, token: str = TOKEN, repository: str = REPOSITORY) -> None:
        self.state = StrictState(token=token, repository=repository)
        self._server = _StrictServer(self.state)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )


def actions_env(api_url: str, tmp_path: Any, number: int = 42) -> dict[str, str]:
    """The environment of an Actions job on a pull_request event (as tests/github's)."""
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "pull_request": {"number": number}}))
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_API_URL": api_url,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "J1SYNC_BACKOFF_INITIAL_S": "0.01",
        "J1SYNC_BACKOFF_MAX_S": "0.05",
    }
