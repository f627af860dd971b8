"""JupiterOne's transport works out once per client what `requests.Session.post` worked
out for every request (the merged headers, the environment's proxies and CA
bundle) and reads each body at once: what reaches the server and what an answer means
stay as they were. A loopback server stands in for whatever sits in front of the API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

import pytest

from j1sync.errors import ApiError
from j1sync.providers.jupiterone.client import JupiterOneClient
from j1sync.providers.jupiterone.settings import Settings
from tests.http_servers import serving as loopback_server

KEY = "j1syncTransportTestKey0123456789"
QUERY = "query J1SyncProbe { probe }"


@dataclass
class Seen:
    """What the loopback server was sent: (path, Cookie header, body) per request."""

    requests: list[tuple[str, str | None, dict[str, object]]] = field(default_factory=list)


@dataclass
class Answer:
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    chunked: bool = False
    length: int | None = None  # Content-Length to claim (the body's own when None)


@contextmanager
def _serving(answer: Answer) -> Iterator[tuple[str, Seen]]:
    seen = Seen()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.requests.append((self.path, self.headers.get("Cookie"), json.loads(body)))
            self.send_response(200)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.chunked:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for start in range(0, len(answer.body), 4096):
                    part = answer.body[start : start + 4096]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.write(b"0\r\n\r\n")
                return
            length = len(answer.body) if answer.length is None else answer.length
            self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.write(answer.body)
            if length != len(answer.body):
                self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    with loopback_server(Handler) as url:
        yield url, seen


def _client(url: str) -> JupiterOneClient:
    settings = Settings(api_key=KEY, account="transport-test", api_url=url, timeout=5.0)
    return JupiterOneClient(settings, backoff_initial_s=0.01, backoff_max_s=0.01)


def _json(data: object) -> Answer:
    return Answer(json.dumps({"data": data}).encode(), {"Content-Type": "application/json"})


def test_a_large_body_is_read_whole_with_or_without_a_length() -> None:
    # Many times requests' 10 KiB chunk, as one Content-Length body and in 4 KiB chunks.
    items = [{"id": f"item-{i}", "text": "x" * 90} for i in range(2_000)]
    for chunked in (False, True):
        answer = _json({"probe": items})
        answer.chunked = chunked
        with _serving(answer) as (url, seen):
            data = _client(url).execute("graphql", QUERY)
        assert data == {"probe": items}
        assert seen.requests[0][2]["operationName"] == "J1SyncProbe"


def test_a_cookie_the_server_sets_goes_with_the_next_request() -> None:
    # A load balancer's stickiness cookie, as session.post kept and sent it.
    answer = _json({"probe": 1})
    answer.headers["Set-Cookie"] = "AWSALB=sticky-1; Path=/"
    with _serving(answer) as (url, seen):
        client = _client(url)
        client.execute("graphql", QUERY)
        client.execute("graphql", QUERY)
    assert [cookie for _, cookie, _ in seen.requests] == [None, "AWSALB=sticky-1"]


def test_the_environments_proxy_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    with _serving(_json({"probe": 2})) as (proxy, seen):
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        # Nothing listens there: only the proxy can answer.
        data = _client("http://127.0.0.2:9").execute("graphql", QUERY)
    assert data == {"probe": 2}
    assert [path for path, _, _ in seen.requests] == ["http://127.0.0.2:9/"]


def test_a_body_cut_short_is_a_lost_connection_retried() -> None:
    """The connection ended before the answer did: lost like a dropped connection (a
    write's outcome unknown), retried, not a final error in requests' own words."""
    answer = _json({"probe": 3})
    answer.length = len(answer.body) + 500
    with _serving(answer) as (url, seen):
        settings = Settings(
            api_key=KEY, account="transport-test", api_url=url, timeout=5.0, retry_budget_s=0.5
        )
        client = JupiterOneClient(settings, backoff_initial_s=0.01, backoff_max_s=0.01)
        with pytest.raises(ApiError, match=r"connection broken mid-answer") as raised:
            client.execute("graphql", QUERY)
    assert "IncompleteRead" not in str(raised.value)
    assert client.requests_sent > 1 and len(seen.requests) > 1


def test_a_body_is_decoded_in_the_charset_its_headers_name() -> None:
    body = json.dumps({"data": {"probe": "café"}}, ensure_ascii=False).encode("latin-1")
    answer = Answer(body, {"Content-Type": "text/plain; charset=latin-1"})
    with _serving(answer) as (url, _):
        assert _client(url).execute("graphql", QUERY) == {"probe": "café"}
