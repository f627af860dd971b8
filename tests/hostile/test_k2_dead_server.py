"""A JupiterOne API that accepts connections and never answers: plan and drift end after
about one request timeout (the retry budget below it), with one line that names the
server and the timeout setting. Before, the requests queued behind the first read
(the other kinds' readers, waiting until the first answer tells the quota) were each sent
once it had failed for good, and waited their own timeout: --retry-budget 5 took ~60 s at
the default 30 s timeout, and no setting of the timeout existed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.examples import jupiterone_examples
from tests.hostile.loopback import never_answering_server, run_against_silent_server
from tests.hostile.running import interrupt, wait_until
from tests.reliability.processes import run_j1sync, start_j1sync

API_KEY = "k2-dead-Key-7d1e"
TIMEOUT_S = 2.0


@pytest.mark.parametrize("command", ["plan", "drift"])
def test_a_server_that_never_answers_ends_the_read_after_one_timeout(
    command: str, tmp_path: Path
) -> None:
    def env(url: str) -> dict[str, str]:
        return {
            "JUPITERONE_API_KEY": API_KEY,
            "JUPITERONE_ACCOUNT_ID": "k2-account",
            "JUPITERONE_API_URL": url,
            "J1SYNC_TIMEOUT": f"{TIMEOUT_S:g}",
        }

    args = [command, "--retry-budget", "1", str(jupiterone_examples())]
    run = run_against_silent_server(args, env, tmp_path)
    done = run.done
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    # One clear line: the server, what happened, the setting to change.
    error = run.error_line()
    assert f"JupiterOne API at {run.url}/ did not answer in time" in error
    assert f"request timeout {TIMEOUT_S:g} s, retry budget 1 s" in error
    assert "--timeout SECONDS (J1SYNC_TIMEOUT)" in error
    assert "Error" not in done.stdout
    for leak in ("Traceback", "internal error", API_KEY):
        assert leak not in output
    # The first request waited its timeout; nothing was sent once it had failed for good
    # (before: each queued read was sent then, and waited a timeout of its own).
    late = run.sent_after(TIMEOUT_S / 2)
    assert late == [], f"requests sent after the first timed out: {late}"
    assert run.elapsed < 3 * TIMEOUT_S + 10, run.elapsed  # startup on a loaded machine included


def test_the_timeout_is_a_flag_too_and_refuses_what_is_not_a_positive_number(
    tmp_path: Path,
) -> None:
    env = {"JUPITERONE_API_KEY": API_KEY, "JUPITERONE_ACCOUNT_ID": "k2-account"}
    for bad in ("0", "-1", "nan", "soon", "1e300"):  # 1e300: internal error OverflowError
        done = run_j1sync(["plan", "--timeout", bad, str(jupiterone_examples())], env, tmp_path)
        assert done.returncode == 1, done.stdout + done.stderr  # a usage error (README)
        assert "Invalid value for '--timeout'" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    shown = run_j1sync(["plan", "--help"], env, tmp_path)
    assert "--timeout SECONDS" in shown.stdout and "J1SYNC_TIMEOUT" in shown.stdout


def test_ctrl_c_against_a_server_that_never_answers_ends_at_once(tmp_path: Path) -> None:
    """Ctrl-C printed 'Interrupted.' at once, but the process lived on until the request
    on the wire timed out (~27 s of the default 30 s): abandoning the reads now cuts the
    connections of the requests waiting for an answer."""
    with never_answering_server() as (url, accepted):
        env = {
            "JUPITERONE_API_KEY": API_KEY,
            "JUPITERONE_ACCOUNT_ID": "k2-account",
            "JUPITERONE_API_URL": url,
        }  # the default 30 s timeout
        process = start_j1sync(["plan", str(jupiterone_examples())], env, tmp_path)
        # j1sync never connecting: the test proves nothing
        wait_until(lambda: bool(accepted), process, "a connection")
        time.sleep(1)  # the first request waiting for its answer
        stdout, stderr, took = interrupt(process)
    assert process.returncode == 130, stdout + stderr
    assert "Interrupted." in stderr
    assert took < 10, took
    for leak in ("Traceback", "internal error", API_KEY):
        assert leak not in stdout + stderr
