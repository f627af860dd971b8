"""A server that answers 429 with `Retry-After: 3600` (an hour) and no RateLimit-*
headers, under the default ten-minute retry budget: the wait it asks for is beyond the
budget, so the run fails at once, saying so. Before, JupiterOne's client ignored a
Retry-After that came without RateLimit-* headers and retried with its own backoff, 43
times over the whole 600 s; xyOps's gave up at once but said 'gave up after 1 attempts
over 600 s ... 0.0 s spent', not why."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.examples import jupiterone_examples
from tests.hostile.running import StderrLines, timed_j1sync
from tests.http_servers import answering
from tests.reliability.processes import start_j1sync

API_KEY = "k2RetryAfterKey0123456789abcd"
HOOK = """\
apiVersion: xyops.j1sync/v1
kind: WebHook
metadata:
  name: ops_chat
spec:
  title: Ops chat
  url: https://chat.example.com/hook
  body: '{"text": "{{text}}"}'
  timeout: 10
"""


@contextmanager
def _server_asking_for_an_hour(retry_after: str = "3600") -> Iterator[tuple[str, list[float]]]:
    body = b'{"error": "Too Many Requests"}'
    with answering(429, body, headers={"Retry-After": retry_after}) as served:
        yield served


@pytest.mark.parametrize("system", ["JupiterOne", "xyOps"])
def test_a_retry_after_beyond_the_budget_fails_at_once_saying_so(
    system: str, tmp_path: Path
) -> None:
    with _server_asking_for_an_hour() as (url, seen):
        if system == "JupiterOne":
            env = {
                "JUPITERONE_API_KEY": API_KEY,
                "JUPITERONE_ACCOUNT_ID": "k2-account",
                "JUPITERONE_API_URL": url,
            }
            path = str(jupiterone_examples())
        else:
            env = {"XYOPS_URL": url, "XYOPS_API_KEY": API_KEY}
            (tmp_path / "hook.yaml").write_text(HOOK, encoding="utf-8")
            path = "hook.yaml"
        done, elapsed = timed_j1sync(["plan", path, "--retry-budget", "600"], env, tmp_path)
        requests = len(seen)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith(f"Error: {system} API: rate limited (HTTP 429) ("), errors[0]
    assert (
        "and the server asks to wait 3600 s (Retry-After): beyond the 600 s retry budget"
        in errors[0]
    ), errors[0]
    assert "--retry-budget SECONDS" in errors[0]
    assert elapsed < 30, elapsed
    assert requests <= 20, requests  # each read asked once, not retried against the wait
    for leak in ("Traceback", "internal error", API_KEY):
        assert leak not in output


def test_a_retry_after_too_long_for_the_platform_is_waited_not_an_internal_error(
    tmp_path: Path,
) -> None:
    """Retry-After: 1e20 under --retry-budget 1e300 (the user's "wait as long as it
    takes"): the wait was an internal error (OverflowError: timestamp out of range for
    platform time_t) the moment it began; it is waited, as asked, until stopped."""
    (tmp_path / "hook.yaml").write_text(HOOK, encoding="utf-8")
    with _server_asking_for_an_hour("1e20") as (url, _):
        env = {"XYOPS_URL": url, "XYOPS_API_KEY": API_KEY}
        process = start_j1sync(["plan", "hook.yaml", "--retry-budget", "1e300"], env, tmp_path)
        stderr_lines = StderrLines(process)
        try:
            said = stderr_lines.wait_for(lambda line: "retrying in" in line, "the retry")
            # the wait begun: it goes on (the OverflowError came as it began)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=1)
            running = process.poll() is None
        finally:
            process.terminate()
            stdout, stderr = stderr_lines.end(timeout=30)
    assert running, stdout + stderr
    assert "retrying in more than a day (attempt 1" in said, stderr
    for leak in ("Traceback", "internal error", "OverflowError", API_KEY):
        assert leak not in stdout + stderr
