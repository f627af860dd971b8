"""A Ctrl-C that lands while apply's last change is in flight: that change finishes, and
apply said "Interrupted: 2 of 2 changes applied. Run apply again to finish", with an
"Apply interrupted" closing line, when nothing was left to do. It now says every change
was applied, and still exits 130 (README: "130 | interrupted by Ctrl-C (SIGINT) or
SIGTERM")."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

from j1sync.engine.plan import build_plan
from j1sync.executor import ApplyEvent, apply_plan
from j1sync.output.apply_report import closing_line, interrupted_hint
from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.engine.builders import KINDS, PROJECT, want
from tests.executor.fake_provider import FakeProvider
from tests.hostile.in_process import j1sync_here
from tests.hostile.manifests import write_questions
from tests.hostile.running import (
    jupiterone_env,
    question_count,
    slow_from_answer,
    wait_until,
)
from tests.reliability.processes import start_j1sync

KEY, ACCOUNT = "k-k1-interrupt", "acct-k1-interrupt"
INTERRUPTED = 130
# The request the signal lands on waits this long in the emulator (only that one: the
# reads before it and the runs after it go at full speed).
LATENCY_MS = 1000


def test_an_interrupt_while_the_last_change_is_in_flight_says_all_were_applied(
    tmp_path: Path,
) -> None:
    write_questions(tmp_path, ("first", "last"))
    with running_emulator(seed=None, api_key=KEY, account=ACCOUNT) as emulator:
        env = jupiterone_env(emulator.url, KEY, ACCOUNT)
        # one change at a time: once the first is made, the last is sent and sits in the
        # emulator's latency
        in_flight = slow_from_answer(emulator, "createQuestion", LATENCY_MS, until="createQuestion")
        apply = start_j1sync(["apply", ".", "--auto-approve", "--concurrency", "1"], env, tmp_path)
        wait_until(in_flight, apply, "the last change sent")
        assert question_count(emulator) == 1  # the last change is still in flight
        apply.send_signal(signal.SIGINT)
        stdout, stderr = apply.communicate(timeout=30)

        assert apply.returncode == INTERRUPTED, stdout + stderr
        assert "Traceback" not in stderr
        assert "SIGINT received: starting no new changes" in stderr
        assert question_count(emulator) == 2
        assert "created Question/first" in stdout and "created Question/last" in stdout
        assert "not started" not in stdout
        closing = stdout.splitlines()[-1]
        assert closing == "Apply complete: 2 created, 0 updated, 0 deleted, 0 failed.", stdout
        assert "all 2 changes were applied; nothing is left to apply" in stderr, stderr
        assert "Run apply again" not in stderr

        again = j1sync_here(["plan", ".", "--detailed-exitcode"], env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr


def test_an_interrupt_once_every_change_started_does_not_blame_itself_for_a_failure() -> None:
    """The last change fails while the interrupt comes: nothing was kept from starting, so
    the closing line says the apply failed and the hint does not say 'Run apply again to
    finish' as if the interrupt had left changes undone."""
    provider = FakeProvider(KINDS)
    provider.faults.fail.add("b")
    desired = [want("Question", "a"), want("Question", "b")]
    plan = build_plan(desired, provider.read_live(), KINDS, PROJECT, provider.account, {})
    stop = threading.Event()

    def interrupt_during_the_last(event: ApplyEvent) -> None:
        if event.type == "change_started" and event.change and event.change.name == "b":
            stop.set()

    result = apply_plan(
        plan, provider, [], concurrency=1, on_event=interrupt_during_the_last, stop=stop
    )
    assert result.interrupted and result.not_started == 0
    assert [o.status for o in result.outcomes] == ["applied", "failed"]
    assert closing_line(result).plain == "Apply failed: 1 created, 0 updated, 0 deleted, 1 failed."
    assert interrupted_hint(result) == (
        "Interrupted once every change had started: 1 of 2 changes applied; the others "
        "failed or were skipped (listed above), not for the interrupt."
    )


def test_an_interrupted_saved_plan_says_to_plan_again_not_to_apply_it_again(
    tmp_path: Path,
) -> None:
    """`apply --plan` interrupted with changes not started said "Run apply again to finish:
    it makes only what is still missing"; that plan is stale now and applying it again is
    refused. The hint says to make a new plan, and that plan finishes the job."""
    names = ("one", "two", "three")
    write_questions(tmp_path, names)
    with running_emulator(seed=None, api_key=KEY, account=ACCOUNT) as emulator:
        env = jupiterone_env(emulator.url, KEY, ACCOUNT)
        saved = j1sync_here(["plan", ".", "--out", "plan.json"], env, tmp_path)
        assert saved.returncode == 0, saved.stderr
        # once the first is made, the second is sent and sits in the emulator's latency
        in_flight = slow_from_answer(emulator, "createQuestion", LATENCY_MS, until="createQuestion")
        args = ["apply", "--plan", "plan.json", "--auto-approve", "--concurrency", "1"]
        apply = start_j1sync(args, env, tmp_path)
        wait_until(in_flight, apply, "a change made")
        apply.send_signal(signal.SIGINT)
        stdout, stderr = apply.communicate(timeout=30)
        assert apply.returncode == INTERRUPTED, stdout + stderr
        made = question_count(emulator)
        assert made < len(names), stdout
        assert stderr.strip().splitlines()[-1] == (
            f"Interrupted: {made} of {len(names)} changes applied. To finish, run `j1sync "
            "plan --out` again and apply that plan: this one is stale now, and apply --plan "
            "would refuse it."
        )

        again = j1sync_here(["apply", "--plan", "plan.json", "--auto-approve"], env, tmp_path)
        assert again.returncode == 1 and "the plan is stale" in again.stderr, again.stderr
        saved = j1sync_here(["plan", ".", "--out", "plan.json"], env, tmp_path)
        assert saved.returncode == 0, saved.stderr
        again = j1sync_here(["apply", "--plan", "plan.json", "--auto-approve"], env, tmp_path)
        assert again.returncode == 0, again.stderr
        assert question_count(emulator) == len(names)


def test_an_interrupt_while_apply_releases_its_lock_still_reports_and_releases_it(
    tmp_path: Path,
) -> None:
    """The signal lands after the last change, while apply releases the account's lock:
    apply printed only "Interrupted." (no closing line, nothing saying every change was
    made) and left the lock behind, so the next apply was refused. It now releases the
    lock, reports, and exits 130."""
    write_questions(tmp_path, ("first", "last"))
    with running_emulator(seed=None, api_key=KEY, account=ACCOUNT) as emulator:
        env = jupiterone_env(emulator.url, KEY, ACCOUNT)
        # once the last change is answered, the release's first request (reading the
        # lock) sits in the emulator's latency
        releasing = slow_from_answer(
            emulator, "createQuestion", LATENCY_MS, nth=2, until="parameter"
        )
        apply = start_j1sync(["apply", ".", "--auto-approve", "--concurrency", "1"], env, tmp_path)
        wait_until(releasing, apply, "the lock's release begun")
        assert question_count(emulator) == 2  # the last change answered
        assert apply.poll() is None
        apply.send_signal(signal.SIGINT)
        stdout, stderr = apply.communicate(timeout=30)

        assert apply.returncode == INTERRUPTED, stdout + stderr
        assert "Traceback" not in stderr
        closing = stdout.splitlines()[-1]
        assert closing == "Apply complete: 2 created, 0 updated, 0 deleted, 0 failed.", stdout
        assert stderr.strip().splitlines()[-1] == (
            "Interrupted once every change had started: all 2 changes were applied; "
            "nothing is left to apply."
        )
        again = j1sync_here(["apply", ".", "--auto-approve"], env, tmp_path)  # not locked
        assert again.returncode == 0, again.stdout + again.stderr
        assert "No changes" in again.stdout
