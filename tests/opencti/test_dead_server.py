"""An OpenCTI platform that accepts connections and never answers: the plan's reads of
every kind (side by side, more kinds than connections) end together after one request
timeout, with one line naming the server and the timeout setting. Before, the reads that
waited for a connection were sent once the first ones had failed for good, and waited a
timeout of their own (ApiClient.reading, and `_send`'s check after its wait for a slot)."""

from __future__ import annotations

from pathlib import Path

from tests.examples import OPENCTI_EXAMPLES
from tests.hostile.loopback import run_against_silent_server

TOKEN = "dead-opencti-Token-51c9"
TIMEOUT_S = 3.0


def test_a_platform_that_never_answers_ends_the_read_after_one_timeout(tmp_path: Path) -> None:
    def env(url: str) -> dict[str, str]:
        return {"OPENCTI_URL": url, "OPENCTI_TOKEN": TOKEN, "J1SYNC_TIMEOUT": f"{TIMEOUT_S:g}"}

    args = ["plan", "--retry-budget", "1", str(OPENCTI_EXAMPLES)]
    run = run_against_silent_server(args, env, tmp_path)
    output = run.done.stdout + run.done.stderr
    assert run.done.returncode == 1, output
    error = run.error_line()
    assert f"OpenCTI API at {run.url}/graphql did not answer in time" in error
    assert "--timeout SECONDS (J1SYNC_TIMEOUT)" in error
    for leak in ("Traceback", "internal error", TOKEN):
        assert leak not in output
    late = run.sent_after(TIMEOUT_S / 2)
    assert late == [], f"requests sent after the first ones timed out: {late}"
