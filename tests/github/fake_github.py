"""An in-memory stand-in for the GitHub REST endpoints `j1sync github` calls.

A real HTTP server on 127.0.0.1 (stdlib ThreadingHTTPServer), so the tests exercise the
client's headers, pagination (Link headers) and error handling, not a mock of it.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

JSON = dict[str, Any]


@dataclass
class RecordedRequest:
    method: str
    path: str
    authorization: str


@dataclass
class FakeGitHubState:
    token: str
    repository: str
    max_page_size: int = 100
    comments: list[JSON] = field(default_factory=list)
    issues: dict[int, JSON] = field(default_factory=dict)
    labels: dict[str, JSON] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    # list every issue whatever `labels=` asks for (a server j1sync must not trust)
    ignore_labels_filter: bool = False
    # (status, message) answered to the next request instead of serving it
    fail_next: tuple[int, str] | None = None
    # whose token it is: GET /user answers this login, and comments posted are by this
    # user (`user.type` User, as under a personal access token); None: GET /user is not
    # served (404) and comments posted are by "github-actions", as before
    token_login: str | None = None
    # (status, message) answered to every GET /user instead (e.g. 403 as for GITHUB_TOKEN)
    user_answer: tuple[int, str] | None = None
    _next_id: int = 1000
    lock: threading.Lock = field(default_factory=threading.Lock)

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def add_comment(self, issue_number: int, body: str, author: str = "octocat") -> JSON:
        comment = {
            "id": self.new_id(),
            "issue_number": issue_number,
            "body": body,
            "user": {"login": author},
            "html_url": f"https://github.test/{self.repository}/pull/{issue_number}#c",
        }
        self.comments.append(comment)
        return comment

    def add_issue(
        self, title: str, labels: list[str], state: str = "open", pull_request: bool = False
    ) -> JSON:
        number = max(self.issues, default=0) + 1
        issue: JSON = {
            "number": number,
            "title": title,
            "body": "",
            "state": state,
            "labels": [{"name": name} for name in labels],
            "html_url": f"https://github.test/{self.repository}/issues/{number}",
        }
        if pull_request:
            issue["pull_request"] = {"url": "..."}
        self.issues[number] = issue
        return issue

    def comments_on(self, issue_number: int) -> list[JSON]:
        return [c for c in self.comments if c["issue_number"] == issue_number]


class _Handler(BaseHTTPRequestHandler):
    server: _FakeServer

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def _serve(self, method: str) -> None:
        state = self.server.state
        url = urlsplit(self.path)
        auth = self.headers.get("Authorization", "")
        with state.lock:
            state.requests.append(RecordedRequest(method, self.path, auth))
            if auth != f"Bearer {state.token}":
                return self._send(401, {"message": "Bad credentials"})
            if state.fail_next is not None:
                status, message = state.fail_next
                state.fail_next = None
                return self._send(status, {"message": message})
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length)) if length else {}
            prefix = f"/repos/{state.repository}/"
            if url.path == "/user" and method == "GET":
                if state.user_answer is not None:
                    return self._send(state.user_answer[0], {"message": state.user_answer[1]})
                if state.token_login is not None:
                    return self._send(200, {"login": state.token_login, "type": "User"})
            if not url.path.startswith(prefix):
                return self._send(404, {"message": "Not Found"})
            route = url.path[len(prefix) :]
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            self._route(state, method, route, query, payload)

    def _route(
        self, state: FakeGitHubState, method: str, route: str, query: dict[str, str], body: JSON
    ) -> None:
        if m := re.fullmatch(r"issues/(\d+)/comments", route):
            number = int(m.group(1))
            if method == "GET":
                return self._send_page(state.comments_on(number), query)
            if method == "POST":
                if state.token_login is None:
                    return self._send(
                        201, state.add_comment(number, body["body"], "github-actions")
                    )
                posted = state.add_comment(number, body["body"], state.token_login)
                posted["user"]["type"] = "User"
                return self._send(201, posted)
        if (m := re.fullmatch(r"issues/comments/(\d+)", route)) and method == "PATCH":
            for comment in state.comments:
                if comment["id"] == int(m.group(1)):
                    comment["body"] = body["body"]
                    return self._send(200, comment)
            return self._send(404, {"message": "Not Found"})
        if route == "issues" and method == "GET":
            wanted = set(filter(None, query.get("labels", "").split(",")))
            if state.ignore_labels_filter:
                wanted = set()
            issues = [
                i
                for i in state.issues.values()
                if i["state"] == query.get("state", "open")
                and wanted <= {label["name"] for label in i["labels"]}
            ]
            return self._send_page(issues, query)
        if route == "issues" and method == "POST":
            issue = state.add_issue(body["title"], body.get("labels", []))
            issue["body"] = body.get("body", "")
            return self._send(201, issue)
        if (m := re.fullmatch(r"issues/(\d+)", route)) and method == "PATCH":
            issue = state.issues.get(int(m.group(1)))
            if issue is None:
                return self._send(404, {"message": "Not Found"})
            issue.update(body)
            return self._send(200, issue)
        if (m := re.fullmatch(r"labels/([^/]+)", route)) and method == "GET":
            label = state.labels.get(m.group(1))
            return self._send(200, label) if label else self._send(404, {"message": "Not Found"})
        if route == "labels" and method == "POST":
            state.labels[body["name"]] = body
            return self._send(201, body)
        return self._send(404, {"message": "Not Found"})

    def _send_page(self, items: list[JSON], query: dict[str, str]) -> None:
        size = min(int(query.get("per_page", 30)), self.server.state.max_page_size)
        page = int(query.get("page", 1))
        chunk = items[(page - 1) * size : page * size]
        headers = {}
        if page * size < len(items):
            base = f"http://{self.headers['Host']}{urlsplit(self.path).path}"
            rest = {**query, "page": str(page + 1), "per_page": str(size)}
            link = base + "?" + "&".join(f"{k}={v}" for k, v in rest.items())
            headers["Link"] = f'<{link}>; rel="next"'
        self._send(200, chunk, headers)

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class _FakeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: FakeGitHubState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


class FakeGitHub:
    """Start with `with FakeGitHub(...) as fake:`; `fake.url` is the API base URL."""

    def __init__(self, token: str, repository: str) -> None:
        self.state = FakeGitHubState(token=token, repository=repository)
        self._server = _FakeServer(self.state)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeGitHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
