"""A dead network fails fast: a refused connection or a host name that does not resolve is
reported within seconds, naming the cause; the retry budget is for rate limits and
server errors, not for a server that is not there."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.examples import jupiterone_examples
from tests.reliability.processes import run_j1sync

ROOT = Path(__file__).resolve().parents[2]
# the JupiterOne demo's examples (a JupiterOne emulator serves these tests)
EXAMPLES = str(jupiterone_examples())


def _closed_loopback_port() -> int:
    """A port nothing listens on: bound, then released (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _env(api_url: str) -> dict[str, str]:
    # The default ten-minute retry budget, on purpose: none of it may be spent here.
    return {
        "JUPITERONE_API_KEY": "dead-network-Key-61a0",
        "JUPITERONE_ACCOUNT_ID": "dead-network-account",
        "JUPITERONE_API_URL": api_url,
        "J1SYNC_RETRY_BUDGET": "600",
    }


@pytest.mark.parametrize("command", ["plan", "apply", "drift", "export"])
def test_a_refused_connection_fails_within_seconds_naming_it(tmp_path: Path, command: str) -> None:
    url = f"http://127.0.0.1:{_closed_loopback_port()}"
    args = {
        "plan": ["plan", EXAMPLES],
        "apply": ["apply", EXAMPLES, "--auto-approve"],
        "drift": ["drift", EXAMPLES],
        "export": ["export", "--out", str(tmp_path / "out")],
    }[command]
    started = time.monotonic()
    done = run_j1sync(args, _env(url), tmp_path, timeout=60)
    assert time.monotonic() - started < 10
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"cannot reach the JupiterOne API at {url}/" in done.stderr
    assert "connection refused" in done.stderr
    assert "Traceback" not in done.stderr
    assert "retrying" not in done.stderr


def test_a_host_name_that_does_not_resolve_fails_within_seconds_naming_it(
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    # .invalid never resolves (RFC 2606)
    done = run_j1sync(["plan", EXAMPLES], _env("https://j1sync-test.invalid"), tmp_path, 60)
    assert time.monotonic() - started < 15
    assert done.returncode == 1, done.stdout + done.stderr
    assert "host name 'j1sync-test.invalid' does not resolve" in done.stderr
    assert "Traceback" not in done.stderr
