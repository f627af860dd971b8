"""Answers that break off or never end, and an https URL in front of an http server.

- An answer streaming without end (a wrong URL, a broken proxy) was read whole: memory
  grew until the OS killed the run, silently (24 GB in 55 s). Now an answer is read up to
  `MAX_ANSWER_BYTES` (refused at once when its Content-Length says more): one line, no
  retry.
- An answer cut before its Content-Length was a final error in requests' own words; it is
  a lost connection, retried like any other.
- `https://` in front of a plain-http server was retried as "connection failed" for the
  whole retry budget (600 s), with no word of TLS; the handshake fails the same way every
  time and nothing was sent: one line at once, saying so.
The three systems share the transport: JupiterOne and xyOps are run here."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.http import session
from tests.examples import jupiterone_examples
from tests.hostile.loopback import loopback_server

Serve = Callable[[socket.socket, int], None]


@contextmanager
def raw_server(serve: Serve) -> Iterator[tuple[str, list[int]]]:
    """A loopback server (tests/hostile/loopback.py) answering each connection with
    `serve(conn, number)` on a thread of its own (an answer that never ends must not hold
    the others up); its base URL and the connections made."""
    made: list[int] = []

    def handle(conn: socket.socket) -> None:
        made.append(1)
        threading.Thread(target=_answer, args=(serve, conn, len(made)), daemon=True).start()

    with loopback_server(handle) as url:
        yield url, made


def _answer(serve: Serve, conn: socket.socket, number: int) -> None:
    try:
        conn.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        serve(conn, number)
    except OSError:
        pass
    finally:
        conn.close()


def endless(conn: socket.socket, number: int) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    conn.sendall(b'{"data":{"x":"')
    block = b"A" * 65536
    while True:
        conn.sendall(block)


def claims_ten_gigabytes(conn: socket.socket, number: int) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{"
    )


def cut_short(conn: socket.socket, number: int) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
        b'{"data":{"listRuleInstances"'
    )


def _jupiterone(url: str, *args: str) -> Result:
    env = {
        "JUPITERONE_API_KEY": "key-0123456789",
        "JUPITERONE_ACCOUNT_ID": "acct",
        "JUPITERONE_API_URL": url,
        "NO_COLOR": "1",
    }
    return CliRunner().invoke(cli, ["plan", str(jupiterone_examples()), *args], env=env)


def _one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    return errors[0]


def test_an_endless_answer_is_refused_not_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session, "MAX_ANSWER_BYTES", 4 << 20)  # what this test streams
    with raw_server(endless) as (url, _):
        result = _jupiterone(url, "--retry-budget", "30")
    error = _one_line_error(result)
    assert "answer passed the 4,194,304 bytes j1sync reads of one" in error, error
    assert "Check its URL" in error
    assert "retrying" not in result.output


def test_an_answer_saying_it_is_too_large_is_not_read() -> None:
    with raw_server(claims_ten_gigabytes) as (url, _):
        result = _jupiterone(url, "--retry-budget", "30")
    error = _one_line_error(result)
    assert "holds 10,000,000,000 bytes, more than the 268,435,456 bytes" in error, error
    assert "retrying" not in result.output


def test_an_answer_cut_short_is_a_lost_connection_retried() -> None:
    with raw_server(cut_short) as (url, made):
        result = _jupiterone(url, "--retry-budget", "2")
    error = _one_line_error(result)
    assert "IncompleteRead" not in result.output
    assert "connection broken mid-answer" in result.output, result.output
    assert len(made) > 1  # retried
    assert "gave up" in error or "retry budget" in error, error


def test_https_in_front_of_an_http_server_says_so_at_once(tmp_path: Path) -> None:
    from j1sync.providers.jupiterone.emulator import running_emulator

    with running_emulator() as emu:
        https = emu.url.replace("http://", "https://")
        result = _jupiterone(https, "--retry-budget", "60")
    error = _one_line_error(result)
    assert "TLS handshake failed" in error and "http://" in error, error
    assert "retry" not in result.output  # nothing was sent: not retried
