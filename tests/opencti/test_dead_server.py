"""An OpenCTI platform that accepts connections and never answers: the plan's reads of
every kind (side by side, more kinds than connections) end together after one request
timeout, with one line naming the server and the timeout setting. Before, the reads that
waited for a connection were sent once the first ones had failed for good, and waited a
timeout of their own (ApiClient.reading, and `_send`'s check after its wait for a slot)."""

from __future__ import annotations

from pathlib import Path

from tests.examples import OPENCTI_EXAMPLES
from tests.hostile.loopback import never_answering_server
from tests.reliability.processes import run_j1sync

TOKEN = "dead-opencti-Token-51c9"
TIMEOUT_S = 3.0


def test_a_platform_that_never_answers_ends_the_read_after_one_timeout(tmp_path: Path) -> None:
    with never_answering_server() as (url, accepted):
        env = {"OPENCTI_URL": url, "OPENCTI_TOKEN": TOKEN, "J1SYNC_TIMEOUT": f"{TIMEOUT_S:g}"}
        done = run_j1sync(
            ["plan", "--retry-budget", "1", str(OPENCTI_EXAMPLES)], env, tmp_path, timeout=90
        )
        connections = list(accepted)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, done.stderr
    assert f"OpenCTI API at {url}/graphql did not answer in time" in errors[0]
    assert "--timeout SECONDS (J1SYNC_TIMEOUT)" in errors[0]
    for leak in ("Traceback", "internal error", TOKEN):
        assert leak not in output
    assert connections, "j1sync never connected: the test proves nothing"
    late = [t - connections[0] for t in connections if t - connections[0] > TIMEOUT_S / 2]
    assert late == [], f"requests sent after the first ones timed out: {late}"
