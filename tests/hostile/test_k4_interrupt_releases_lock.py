"""Ctrl-C or SIGTERM while apply reads the account (the lock taken, nothing planned yet)
releases the apply lock, as README and docs/gitops.md say ("released when apply ends,
also on an error or Ctrl-C"). Before, the interrupted read abandoned the API client (to
stop the other reading threads), and the release went through that very client: 'could
not release the apply lock (JupiterOne API (graphql): request abandoned)', the lock left
for 2 minutes, which stops every apply from another machine (the next CI run) meanwhile.
The re-run then converges, and a plan after it has nothing to do."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from benchmarks.accounts import NO_INTEGRATIONS, generated_account
from ruamel.yaml import YAML

from j1sync.engine.lock import LOCK_NAME
from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.reliability.account import duplicates
from tests.reliability.processes import ServedEmulator, run_j1sync, served_emulator, start_j1sync

API_KEY = "k4-interrupt-Key-2b7d11"
ACCOUNT = "k4-interrupt-account"


def _env(emu: ServedEmulator) -> dict[str, str]:
    return {
        "JUPITERONE_API_KEY": API_KEY,
        "JUPITERONE_ACCOUNT_ID": ACCOUNT,
        "JUPITERONE_API_URL": emu.url,
        "GITHUB_RUN_ID": "",
    }


def _lock_stored(emu: ServedEmulator) -> bool:
    return any(p["name"] == LOCK_NAME for p in emu.snapshot().get("parameters", []))


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_an_apply_interrupted_while_reading_releases_its_lock(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    account = generated_account(300, split=NO_INTEGRATIONS, changed_fraction=0.2, prefix="k4int")
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    with (manifests / "all.yaml").open("w", encoding="utf-8") as out:
        YAML().dump_all(account.manifests, out)
    slow = ("--page-size", "5", "--latency-ms", "100")  # the read takes seconds
    with served_emulator(tmp_path, account.seed, API_KEY, ACCOUNT, *slow) as emu:
        env = _env(emu)
        before = emu.snapshot()
        apply = start_j1sync(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        deadline = time.monotonic() + 60
        while not _lock_stored(emu):
            assert apply.poll() is None, apply.communicate()
            assert time.monotonic() < deadline, "apply never took the lock"
            time.sleep(0.02)
        time.sleep(1.0)  # taken, confirmed, and the read under way
        apply.send_signal(stop_signal)
        stdout, stderr = apply.communicate(timeout=60)

        assert apply.returncode == 130, stdout + stderr
        assert "Plan:" not in stdout, "the signal came after the read: " + stdout
        assert "Interrupted." in stderr
        assert "could not release" not in stderr and "abandoned" not in stderr, stderr
        assert "Traceback" not in stderr
        assert not _lock_stored(emu), "the interrupted apply left its lock"
        assert emu.snapshot() == before  # nothing changed

        again = run_j1sync(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "taking over" not in again.stderr and "locked" not in again.stderr
        assert duplicates(emu.snapshot()) == {}
        plan = run_j1sync(["plan", str(manifests), "--detailed-exitcode"], env, tmp_path)
        assert plan.returncode == 0, plan.stdout + plan.stderr


def test_an_apply_interrupted_while_the_api_fails_ends_at_once(tmp_path: Path) -> None:
    """The API fails from the moment the lock is written: apply retries reading it back,
    and is interrupted then. It ends at once, saying the lock could not be released and
    when it expires; before, the release retried each request for the whole retry budget
    (here 60 s) after the Ctrl-C, with only retry lines to show for it."""
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "question.yaml").write_text(
        "apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: k4-failing\n"
        "spec:\n  title: Users\n  queries:\n    - name: q\n      query: Find User\n",
        encoding="utf-8",
    )
    with running_emulator(seed=None, api_key=API_KEY, account=ACCOUNT) as emu:
        failing = lambda: setattr(emu.switches, "fail_rate", 1.0)  # noqa: E731
        emu.switches.after_field("setParameter", failing)
        env = {
            "JUPITERONE_API_KEY": API_KEY,
            "JUPITERONE_ACCOUNT_ID": ACCOUNT,
            "JUPITERONE_API_URL": emu.url,
            "J1SYNC_RETRY_BUDGET": "60",
            "J1SYNC_BACKOFF_INITIAL_S": "0.5",
            "J1SYNC_BACKOFF_MAX_S": "0.5",
        }
        apply = start_j1sync(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        deadline = time.monotonic() + 60
        while emu.switches.fail_rate < 1.0:
            assert apply.poll() is None, apply.communicate()
            assert time.monotonic() < deadline, "apply never wrote the lock"
            time.sleep(0.02)
        time.sleep(1.5)  # reading the lock back, retrying
        interrupted = time.monotonic()
        apply.send_signal(signal.SIGINT)
        stdout, stderr = apply.communicate(timeout=90)
        took = time.monotonic() - interrupted

        assert apply.returncode == 130, stdout + stderr
        assert took < 10, f"{took:.1f} s from Ctrl-C to the exit: {stderr}"
        assert "could not release the apply lock" in stderr and "it expires" in stderr
        assert "Traceback" not in stderr and "internal error" not in stderr

        emu.switches.fail_rate = 0.0  # the API is back: the next apply finishes the job
        again = run_j1sync(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "taking over the apply lock of a process that is gone" in again.stderr
        assert [q["name"] for q in emu.snapshot()["questions"]] == ["k4-failing"]
