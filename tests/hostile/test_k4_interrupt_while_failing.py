"""Ctrl-C while changes in flight meet an API that fails every request: apply ends once
the grace for changes in flight (interrupts.IN_FLIGHT_GRACE_S) is over, as README says
("those already sent finish (their retries are given up after 5 seconds)"). Before, it
did not end at all: each change in flight went on re-reading and retrying in rounds
(executor/mutations.py, up to 100 of them, a re-read failing fast once retries were given
up), unseen, for minutes, and then the lock's release retried for the whole retry budget.
Now a change whose re-read fails too is reported as maybe made, the release is tried once
(the lock left to expire, saying when), and the next apply finishes the job without
duplicates."""

from __future__ import annotations

from pathlib import Path

from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.examples import copy_jupiterone_examples
from tests.hostile.in_process import j1sync_here
from tests.hostile.running import apply_interrupted_once_failing, jupiterone_env
from tests.reliability.account import duplicates

API_KEY = "k4-failing-Key-9d2c6b"
ACCOUNT = "k4-failing-account"


def test_an_interrupted_apply_against_a_failing_api_ends_after_the_grace(
    tmp_path: Path,
) -> None:
    manifests = copy_jupiterone_examples(tmp_path / "manifests")
    with running_emulator(seed="demo", api_key=API_KEY, account=ACCOUNT, latency_ms=100) as emu:
        env = jupiterone_env(
            emu.url,
            API_KEY,
            ACCOUNT,
            J1SYNC_BACKOFF_INITIAL_S="0.2",
            J1SYNC_BACKOFF_MAX_S="1",
            SENSITIVE_CLASSIFICATIONS="restricted",
        )
        # from the first create on, every request fails (503)
        emu.switches.after_field("createQuestion", lambda: setattr(emu.switches, "fail_rate", 1.0))
        # the changes in flight fail and retry
        code, stdout, stderr, took = apply_interrupted_once_failing(
            emu, manifests, env, tmp_path, failures=4
        )

        assert code == 130, stdout + stderr
        assert took < 20, f"{took:.1f} s from Ctrl-C to the exit"
        assert "Apply interrupted:" in stdout and "not started: apply was interrupted" in stdout
        assert "may or may not have been made; the next apply finds it by name" in stdout
        assert "could not release the apply lock" in stderr and "it expires" in stderr
        assert "Traceback" not in stderr and "internal error" not in stderr

        emu.switches.fail_rate = 0.0  # the API is back
        emu.switches.latency_ms = 0  # and what follows goes at full speed
        again = j1sync_here(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        assert duplicates(emu.snapshot()) == {}
        plan = j1sync_here(["plan", str(manifests), "--detailed-exitcode"], env, tmp_path)
        assert plan.returncode == 0, plan.stdout + plan.stderr
