"""A failing API is reported while it is being retried, and the run ends at the budget; an
API that cannot be reached at all is not retried."""

from __future__ import annotations

import socket

from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.examples import jupiterone_examples

# the JupiterOne demo's examples (a JupiterOne emulator serves these tests)
EXAMPLES = str(jupiterone_examples())
API_KEY = "retry-Notice-Key-123"
ACCOUNT = "acct"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _env(url: str) -> dict[str, str]:
    return {
        "JUPITERONE_API_KEY": API_KEY,
        "JUPITERONE_ACCOUNT_ID": ACCOUNT,
        "JUPITERONE_API_URL": url,
        "J1SYNC_BACKOFF_INITIAL_S": "0.05",
        "J1SYNC_BACKOFF_MAX_S": "0.1",
    }


def test_retries_against_a_failing_api_are_reported_then_given_up() -> None:
    with running_emulator(api_key=API_KEY, account=ACCOUNT, fail_rate=1.0) as emu:
        result = CliRunner().invoke(
            cli, ["plan", EXAMPLES, "--retry-budget", "1"], env=_env(emu.url)
        )
    assert result.exit_code == 1
    assert "retrying in" in result.stderr
    assert "server error (HTTP 503)" in result.stderr
    assert "gave up after" in result.stderr
    assert API_KEY not in result.output
    assert "Traceback" not in result.output


def test_an_unreachable_api_is_not_retried() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    result = CliRunner().invoke(cli, ["plan", EXAMPLES, "--retry-budget", "600"], env=_env(url))
    assert result.exit_code == 1
    assert "retrying" not in result.stderr
    assert "connection refused" in result.stderr
    assert API_KEY not in result.output
