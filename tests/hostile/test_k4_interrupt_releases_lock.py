"""Ctrl-C or SIGTERM while apply reads the account (the lock taken, nothing planned yet)
releases the apply lock, as README and docs/gitops.md say ("released when apply ends,
also on an error or Ctrl-C"). Before, the interrupted read abandoned the API client (to
stop the other reading threads), and the release went through that very client: 'could
not release the apply lock (JupiterOne API (graphql): request abandoned)', the lock left
for 2 minutes, which stops every apply from another machine (the next CI run) meanwhile.
The re-run then converges, and a plan after it has nothing to do."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from benchmarks.accounts import NO_INTEGRATIONS, generated_account
from ruamel.yaml import YAML

from j1sync.engine.lock import LOCK_NAME
from j1sync.providers.jupiterone.emulator.app import Emulator, running_emulator
from tests.hostile.in_process import j1sync_here
from tests.hostile.manifests import question
from tests.hostile.running import (
    apply_interrupted_once_failing,
    interrupt,
    jupiterone_env,
    wait_until,
)
from tests.reliability.account import duplicates
from tests.reliability.processes import start_j1sync

API_KEY = "k4-interrupt-Key-2b7d11"
ACCOUNT = "k4-interrupt-account"


def _env(emu: Emulator) -> dict[str, str]:
    return jupiterone_env(emu.url, API_KEY, ACCOUNT, GITHUB_RUN_ID="")


def _lock_stored(emu: Emulator) -> bool:
    return any(p["name"] == LOCK_NAME for p in emu.snapshot().get("parameters", []))


def _lists_answered(emu: Emulator) -> int:
    return sum(n for name, n in emu.stats.operations.items() if name.startswith("J1SyncList"))


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_an_apply_interrupted_while_reading_releases_its_lock(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    account = generated_account(300, split=NO_INTEGRATIONS, changed_fraction=0.2, prefix="k4int")
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    with (manifests / "all.yaml").open("w", encoding="utf-8") as out:
        YAML().dump_all(account.manifests, out)
    slow = {"page_size": 5, "latency_ms": 100}  # the read takes seconds
    with running_emulator(seed=account.seed, api_key=API_KEY, account=ACCOUNT, **slow) as emu:
        env = _env(emu)
        before = emu.snapshot()
        apply = start_j1sync(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        # taken, confirmed, and the read under way (its first pages answered)
        wait_until(lambda: _lock_stored(emu) and _lists_answered(emu) >= 2, apply, "the read")
        stdout, stderr, _ = interrupt(apply, stop_signal)
        emu.switches.latency_ms = 0  # what follows reads at full speed

        assert apply.returncode == 130, stdout + stderr
        assert "Plan:" not in stdout, "the signal came after the read: " + stdout
        assert "Interrupted." in stderr
        assert "could not release" not in stderr and "abandoned" not in stderr, stderr
        assert "Traceback" not in stderr
        assert not _lock_stored(emu), "the interrupted apply left its lock"
        assert emu.snapshot() == before  # nothing changed

        again = j1sync_here(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "taking over" not in again.stderr and "locked" not in again.stderr
        assert duplicates(emu.snapshot()) == {}
        plan = j1sync_here(["plan", str(manifests), "--detailed-exitcode"], env, tmp_path)
        assert plan.returncode == 0, plan.stdout + plan.stderr


def test_an_apply_interrupted_while_the_api_fails_ends_at_once(tmp_path: Path) -> None:
    """The API fails from the moment the lock is written: apply retries reading it back,
    and is interrupted then. It ends at once, saying the lock could not be released and
    when it expires; before, the release retried each request for the whole retry budget
    (here 60 s) after the Ctrl-C, with only retry lines to show for it."""
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "question.yaml").write_text(question("k4-failing", "Users"), encoding="utf-8")
    with running_emulator(seed=None, api_key=API_KEY, account=ACCOUNT) as emu:
        failing = lambda: setattr(emu.switches, "fail_rate", 1.0)  # noqa: E731
        emu.switches.after_field("setParameter", failing)
        env = jupiterone_env(
            emu.url,
            API_KEY,
            ACCOUNT,
            J1SYNC_RETRY_BUDGET="60",
            J1SYNC_BACKOFF_INITIAL_S="0.5",
            J1SYNC_BACKOFF_MAX_S="0.5",
        )
        # the lock written, and reading it back failed and was retried
        code, stdout, stderr, took = apply_interrupted_once_failing(
            emu, manifests, env, tmp_path, failures=2
        )

        assert code == 130, stdout + stderr
        assert took < 10, f"{took:.1f} s from Ctrl-C to the exit: {stderr}"
        assert "could not release the apply lock" in stderr and "it expires" in stderr
        assert "Traceback" not in stderr and "internal error" not in stderr

        emu.switches.fail_rate = 0.0  # the API is back: the next apply finishes the job
        again = j1sync_here(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "taking over the apply lock of a process that is gone" in again.stderr
        assert [q["name"] for q in emu.snapshot()["questions"]] == ["k4-failing"]
