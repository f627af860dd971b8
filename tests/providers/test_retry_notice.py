"""An unreachable API is reported while it is being retried, and the run ends at the budget."""

from __future__ import annotations

import socket
from pathlib import Path

from click.testing import CliRunner

from j1sync.cli import cli

EXAMPLES = str(Path(__file__).resolve().parents[2] / "examples" / "manifests")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_retries_against_an_unreachable_api_are_reported_then_given_up() -> None:
    env = {
        "JUPITERONE_API_KEY": "retry-Notice-Key-123",
        "JUPITERONE_ACCOUNT_ID": "acct",
        "JUPITERONE_API_URL": f"http://127.0.0.1:{closed_port()}",
        "J1SYNC_BACKOFF_INITIAL_S": "0.05",
        "J1SYNC_BACKOFF_MAX_S": "0.1",
    }
    result = CliRunner().invoke(cli, ["plan", EXAMPLES, "--retry-budget", "1"], env=env)
    assert result.exit_code == 1
    assert "retrying in" in result.stderr
    assert "connection failed" in result.stderr
    assert "gave up after" in result.stderr
    assert "retry-Notice-Key-123" not in result.output
    assert "Traceback" not in result.output
