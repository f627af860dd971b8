"""A server that answers with headers and then sends its body a byte at a time, each byte
well within --timeout (a proxy gone wrong, a server stuck writing): requests' timeout
bounds each wait for a byte only, so drift (like every command) waited for ever, the
nightly job until CI killed it, whatever --timeout said. Now the body must be whole
within --timeout of the headers: the request did not answer in time, retried within the
retry budget, then one line and exit 1, on every system."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.hostile.several_systems import OPENCTI_LABEL, QUESTION, XYOPS_TAG
from tests.reliability.processes import run_j1sync


class _Trickle(socketserver.BaseRequestHandler):
    """Headers whole, then the body a byte at a time."""

    opening = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"
    )
    byte = b" "

    def handle(self) -> None:
        self.request.recv(65536)
        self.request.sendall(self.opening)
        try:
            while not self.server.stopping.wait(0.2):  # type: ignore[attr-defined]
                self.request.sendall(self.byte)
        except OSError:  # the client gave up and closed
            pass


class _TrickleHeaders(_Trickle):
    """The status line, then a header line at a time, never the blank line."""

    opening = b"HTTP/1.1 200 OK\r\n"
    byte = b"X-A: b\r\n"


@contextmanager
def trickling_server(handler: type[_Trickle] = _Trickle) -> Iterator[str]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.stopping = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.stopping.set()  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()


SYSTEMS = {
    "jupiterone": (
        QUESTION,
        "JUPITERONE_API_URL",
        {"JUPITERONE_API_KEY": "s19a-key", "JUPITERONE_ACCOUNT_ID": "s19a-acct"},
        "JupiterOne API at ",
    ),
    "xyops": (XYOPS_TAG, "XYOPS_URL", {"XYOPS_API_KEY": "s19a-key"}, "xyOps API at "),
    "opencti": (OPENCTI_LABEL, "OPENCTI_URL", {"OPENCTI_TOKEN": "s19a-token"}, "OpenCTI API at "),
}


@pytest.mark.parametrize("handler", [_Trickle, _TrickleHeaders], ids=["body", "headers"])
@pytest.mark.parametrize("system", list(SYSTEMS))
def test_drift_against_a_server_sending_a_byte_at_a_time_ends(
    tmp_path: Path, system: str, handler: type[_Trickle]
) -> None:
    manifest, url_variable, credentials, named = SYSTEMS[system]
    (tmp_path / "m.yaml").write_text(manifest, encoding="utf-8")
    with trickling_server(handler) as url:
        env = {url_variable: url, **credentials, "NO_COLOR": "1"}
        drift = run_j1sync(
            ["drift", ".", "--timeout", "1", "--retry-budget", "1"], env, tmp_path, timeout=100
        )
    assert drift.returncode == 1, drift.stdout + drift.stderr
    (error,) = [line for line in drift.stderr.splitlines() if line.startswith("Error:")]
    assert named in error and "did not answer in time" in error, drift.stderr
    assert "Traceback" not in drift.stderr and "internal error" not in drift.stderr
    assert credentials[next(iter(credentials))] not in drift.stdout + drift.stderr
