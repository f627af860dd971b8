"""JSON nested thousands of levels deep, handed to j1sync by a user (a saved plan, a rule
pack) or by a server (an API answer), is a one-line error; before, it escaped as
"internal error: RecursionError: maximum recursion depth exceeded"."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.examples import jupiterone_examples
from tests.hostile.loopback import loopback_server
from tests.hostile.running import timed_j1sync
from tests.reliability.processes import run_j1sync

EXAMPLES = str(jupiterone_examples())
API_KEY = "h2-json-Key-5cf1"
DEEP = "[" * 100_000 + "]" * 100_000


def _env(api_url: str) -> dict[str, str]:
    return {
        "JUPITERONE_API_KEY": API_KEY,
        "JUPITERONE_ACCOUNT_ID": "h2-account",
        "JUPITERONE_API_URL": api_url,
        "J1SYNC_RETRY_BUDGET": "1",
    }


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _assert_one_line_error(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    stdout, stderr = done.stdout, done.stderr
    assert done.returncode == 1, stdout + stderr
    for text in expected:
        assert text in stderr, stderr
    for leak in ("Traceback", "internal error", "RecursionError", API_KEY):
        assert leak not in stdout + stderr


def _deep_file(tmp_path: Path) -> Path:
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP, encoding="utf-8")
    return deep


def test_apply_plan_refuses_deep_json_naming_the_file(tmp_path: Path) -> None:
    path = _deep_file(tmp_path)
    started = time.monotonic()
    done = run_j1sync(
        ["apply", "--auto-approve", "--plan", str(path)],
        _env(f"http://127.0.0.1:{_closed_port()}"),
        tmp_path,
        timeout=60,
    )
    assert time.monotonic() - started < 20
    _assert_one_line_error(
        done, f"Error: {path}: not a j1sync plan file (not valid JSON: nested too deeply"
    )


def test_import_rule_pack_refuses_deep_json_naming_the_file(tmp_path: Path) -> None:
    path = _deep_file(tmp_path)
    started = time.monotonic()
    done = run_j1sync(
        ["import-rule-pack", str(path), "--out", str(tmp_path / "out")], {}, tmp_path, timeout=60
    )
    assert time.monotonic() - started < 20
    _assert_one_line_error(done, f"Error: {path}: not JSON a rule pack can be: nested too deeply")
    assert not (tmp_path / "out").exists()


def _read_request(conn: socket.socket) -> None:
    """One HTTP request's head and its Content-Length body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return
        body += chunk


@contextmanager
def _server_answering_deep_json() -> Iterator[str]:
    """A raw HTTP server on loopback whose every answer is valid JSON nested 100,000 deep."""
    body = DEEP.encode()
    answer = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    ) + body

    def answer_deep(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(30)
            try:
                _read_request(conn)  # all of it: unread bytes at close would reset
                conn.sendall(answer)
                conn.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    with loopback_server(answer_deep) as url:
        yield url


def test_an_api_answer_nested_too_deeply_is_a_one_line_api_error(tmp_path: Path) -> None:
    with _server_answering_deep_json() as url:
        done, elapsed = timed_j1sync(["plan", EXAMPLES], _env(url), tmp_path, timeout=60)
    assert elapsed < 30
    _assert_one_line_error(done, "JupiterOne API returned a non-JSON response (HTTP 200)")
