"""Ctrl-C (SIGINT) and SIGTERM, as CI runners send them, to `j1sync` running as a process
against `j1sync emulator serve` in another: apply stops starting changes, lets those in
flight finish, reports what was and was not applied and exits 130; a second signal exits
at once; the next apply finishes the job without duplicates."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from j1sync.engine.plan import build_plan
from j1sync.executor import ApplyEvent, apply_plan
from j1sync.interrupts import SAME_STOP_S
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.engine.builders import KINDS, PROJECT, want
from tests.executor.fake_provider import FakeProvider
from tests.hostile.in_process import j1sync_here
from tests.hostile.running import slow_from_answer, wait_until
from tests.reliability.account import (
    ACCOUNT,
    API_KEY,
    build_account,
    connection_env,
    duplicates,
    unmanaged_bytes,
)
from tests.reliability.processes import ServedEmulator, served_emulator, start_j1sync

INTERRUPTED = 130
# apply's line per change: `created Kind/name`, `skipped create Kind/name: why`
OUTCOME = re.compile(
    r"^(created|updated|deleted|failed|skipped) +(?:(?:create|update|delete) )?([^\s:]+)", re.M
)
DONE = ("created", "updated", "deleted")


def _object_count(emu: ServedEmulator | Emulator) -> int:
    return sum(len(objects) for objects in emu.snapshot().values())


def _started_apply(
    emu: ServedEmulator | Emulator, manifests: str, cwd: Path, *, new_session: bool = False
) -> subprocess.Popen[str]:
    """An apply that has made a few of its changes (and has more in flight)."""
    seeded = _object_count(emu)
    env = connection_env(emu.url)
    apply = start_j1sync(["apply", manifests, "--auto-approve"], env, cwd, new_session=new_session)
    deadline = time.monotonic() + 60
    while _object_count(emu) < seeded + 3:
        assert apply.poll() is None, "apply finished before it could be interrupted"
        assert time.monotonic() < deadline, "apply made no change in time"
        time.sleep(0.02)
    return apply


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_apply_stops_reports_and_is_finished_by_the_next(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    account = build_account(tmp_path)
    with running_emulator(seed=account.seed, api_key=API_KEY, account=ACCOUNT) as emu:
        env = connection_env(emu.url)
        manifests = str(account.manifests_dir)
        before = unmanaged_bytes(emu.snapshot())

        # 150 ms a request: each change is in flight for a while when the signal arrives
        # (the runs after it at full speed)
        emu.switches.latency_ms = 150
        apply = _started_apply(emu, manifests, tmp_path)
        apply.send_signal(stop_signal)
        stdout, stderr = apply.communicate(timeout=30)
        emu.switches.latency_ms = 0

        assert apply.returncode == INTERRUPTED, stdout + stderr
        assert "Traceback" not in stderr
        outcomes = OUTCOME.findall(stdout)
        applied = [address for status, address in outcomes if status in DONE]
        not_started = re.findall(
            r"^skipped \w+ (\S+): not started: apply was interrupted", stdout, re.M
        )
        assert applied, stdout  # what was applied is listed ...
        assert not_started, stdout  # ... and what was not
        assert len(applied) < len(outcomes)
        summary = f"Interrupted: {len(applied)} of {len(outcomes)} changes applied"
        assert summary in stderr, stderr
        closing = stdout.splitlines()[-1]
        assert closing.startswith("Apply interrupted: "), stdout
        assert closing.endswith(f", {len(not_started)} not started."), stdout
        half_done = j1sync_here(["plan", manifests, "--detailed-exitcode"], env, tmp_path)
        # Changes are still to make (2); the new objects may have brought a kind to the
        # safety gate's 10-object floor, where the updates still to make are too many (3).
        assert half_done.returncode in (2, 3), half_done.stdout + half_done.stderr
        assert duplicates(emu.snapshot()) == {}

        again = j1sync_here(["apply", manifests, "--auto-approve", "--force"], env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        for address in applied:  # made once, by the interrupted run: not again
            assert not re.search(
                rf"^(created|updated|deleted) {re.escape(address)}( |$)", again.stdout, re.M
            )
        plan = j1sync_here(["plan", manifests, "--detailed-exitcode"], env, tmp_path)
        assert plan.returncode == 0, plan.stdout + plan.stderr
        snapshot = emu.snapshot()
        assert duplicates(snapshot) == {}
        assert unmanaged_bytes(snapshot) == before


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_one_stop_sent_to_the_process_and_its_group_is_one_interrupt(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    """`timeout -s INT` signals its child, then the process group: the same stop twice,
    microseconds apart. apply takes it as one: it reports what was and was not applied
    (it exited at once, with no report, as if Ctrl-C were pressed twice)."""
    account = build_account(tmp_path)
    with running_emulator(seed=account.seed, api_key=API_KEY, account=ACCOUNT) as emu:
        emu.switches.latency_ms = 150
        apply = _started_apply(emu, str(account.manifests_dir), tmp_path, new_session=True)
        os.kill(apply.pid, stop_signal)
        os.killpg(apply.pid, stop_signal)  # its own group (a session of its own): only it
        stdout, stderr = apply.communicate(timeout=30)
        emu.switches.latency_ms = 0
        assert apply.returncode == INTERRUPTED, stdout + stderr
        assert "interrupted again" not in stderr, stderr
        assert stderr.count(f"{stop_signal.name} received") == 1, stderr
        assert stdout.splitlines()[-1].startswith("Apply interrupted: "), stdout
        assert duplicates(emu.snapshot()) == {}


IN_FLIGHT_MS = 4000  # how long a change in flight takes once the first Ctrl-C is sent
AT_ONCE_S = 2.5  # the second Ctrl-C's exit: well within what waiting for them would take


def test_a_second_interrupt_exits_at_once_without_a_traceback(tmp_path: Path) -> None:
    account = build_account(tmp_path)
    with running_emulator(seed=account.seed, api_key=API_KEY, account=ACCOUNT) as emu:
        # From the first question made on, 4 s a request: after the first Ctrl-C, apply
        # waits for its changes in flight (their answers: ~3.3 s more at the least, even
        # when this test saw the request late on a loaded machine); the second Ctrl-C must
        # not. An exit within AT_ONCE_S tells the two apart with room for a busy machine.
        in_flight = slow_from_answer(emu, "createQuestion", IN_FLIGHT_MS)
        env = connection_env(emu.url)
        apply = start_j1sync(["apply", str(account.manifests_dir), "--auto-approve"], env, tmp_path)
        wait_until(in_flight, apply, "a change in flight")
        apply.send_signal(signal.SIGINT)
        time.sleep(SAME_STOP_S + 0.2)  # a second Ctrl-C, not the first one delivered twice
        assert apply.poll() is None  # still waiting for the changes in flight
        apply.send_signal(signal.SIGINT)
        sent = time.monotonic()
        _, stderr = apply.communicate(timeout=10)
        assert time.monotonic() - sent < AT_ONCE_S
        assert apply.returncode == INTERRUPTED
        assert "Traceback" not in stderr
        assert "exiting now" in stderr
        emu.switches.latency_ms = 0
        assert duplicates(emu.snapshot()) == {}


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_plan_stops_on_a_signal_with_exit_130(tmp_path: Path, stop_signal: signal.Signals) -> None:
    account = build_account(tmp_path)
    # 3 s a request: the plan is still reading the account when the signal comes
    with served_emulator(tmp_path, account.seed, API_KEY, ACCOUNT, "--latency-ms", "3000") as emu:
        plan = start_j1sync(["plan", str(account.manifests_dir)], connection_env(emu.url), tmp_path)
        time.sleep(1.5)
        assert plan.poll() is None
        plan.send_signal(stop_signal)
        sent = time.monotonic()
        stdout, stderr = plan.communicate(timeout=20)
        assert plan.returncode == INTERRUPTED, stdout + stderr
        assert time.monotonic() - sent < 5
        assert "Interrupted." in stderr
        assert "Traceback" not in stderr


# -- the executor's part, without processes ---------------------------------------------


def test_once_stopped_no_change_starts_and_the_result_says_interrupted() -> None:
    """The first change finishes; stop is requested while it is in flight; nothing after
    it starts (concurrency 1 keeps the order deterministic)."""
    provider = FakeProvider(KINDS)
    desired = [
        want("Question", "q"),
        want("AlertRule", "r", depends_on=("Question/q",)),
        want("AlertRule", "a"),
        want("AlertRule", "b"),
    ]
    plan = build_plan(desired, provider.read_live(), KINDS, PROJECT, provider.account, {})
    stop = threading.Event()

    def interrupt_during_the_first(event: ApplyEvent) -> None:
        if event.type == "change_started":
            stop.set()

    result = apply_plan(
        plan, provider, [], concurrency=1, on_event=interrupt_during_the_first, stop=stop
    )
    assert result.interrupted
    assert [o.status for o in result.outcomes] == ["applied", "skipped", "skipped", "skipped"]
    assert all("not started" in o.message for o in result.outcomes[1:])
    assert result.to_dict()["interrupted"] is True
    assert len(provider.read_live()) == 1  # only the question was made


# A process whose main thread blocks SIGINT: the kernel hands the signal to another thread,
# so a wait of the main thread is never cut short (EINTR); only a wait that returns to
# Python by itself runs the handler. The same as a Ctrl-C caught just before a wait began
# blocking, every time.
_DEAF_MAIN_THREAD = """
import signal, sys, threading
from j1sync import interrupts

started = threading.Event()
threading.Thread(target=lambda: (started.set(), threading.Event().wait()), daemon=True).start()
started.wait()
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
"""

# apply_plan under graceful_stop with a change held in flight
_APPLY_WITH_A_CHANGE_IN_FLIGHT = (
    _DEAF_MAIN_THREAD
    + """
from j1sync.engine.plan import build_plan
from j1sync.executor import apply_plan
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.engine.builders import KINDS, PROJECT, want
from tests.executor.fake_provider import FakeProvider
from tests.hostile.running import slow_from_answer, wait_until

provider = FakeProvider(KINDS)
plan = build_plan([want("Question", "q")], provider.read_live(), KINDS, PROJECT, "acct", {})
gate = threading.Event()
provider.faults.held_until["q"] = gate


def on_event(event):
    if event.type == "change_started":
        print("in flight", flush=True)


with interrupts.graceful_stop() as stop:

    def hold_until_stopped():
        print("stop seen in flight" if stop.wait(10) else "stop not seen", flush=True)
        gate.set()

    threading.Thread(target=hold_until_stopped, daemon=True).start()
    result = apply_plan(plan, provider, [], concurrency=1, on_event=on_event, stop=stop)
print(f"interrupted {result.interrupted}", flush=True)
"""
)

# A wait in the main thread: for the user's answer (read_answer, apply's and unlock's
# question), or for a background read that does not end by itself (result_of: reconcile,
# providers/targets). WAIT is replaced by the wait.
_WAITING = (
    _DEAF_MAIN_THREAD
    + """
from concurrent.futures import Future

interrupts.install()
try:
    print("waiting", flush=True)
    got = WAIT
except KeyboardInterrupt:
    sys.exit(130)
print(f"got {got!r}", flush=True)
"""
)
READ_ANSWER = "interrupts.read_answer()"


def _deaf(script: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_a_stop_signal_the_wait_for_changes_did_not_see_is_acted_on_in_flight() -> None:
    applying = _deaf(_APPLY_WITH_A_CHANGE_IN_FLIGHT)
    try:
        assert applying.stdout is not None
        assert applying.stdout.readline() == "in flight\n"
        applying.send_signal(signal.SIGINT)
        out, err = applying.communicate(timeout=30)
    finally:
        if applying.poll() is None:
            applying.kill()
            applying.communicate()
    assert (applying.returncode, out) == (0, "stop seen in flight\ninterrupted True\n"), err
    assert "SIGINT received: starting no new changes" in err


@pytest.mark.parametrize(
    "wait", [READ_ANSWER, "interrupts.result_of(Future())"], ids=["answer", "read"]
)
def test_a_sigint_the_wait_did_not_see_still_ends_it(wait: str) -> None:
    """With input() or future.result() as the wait: no exit (the CI hang at apply's
    question, ~1 run in 20 of test_prompt_interrupt on a loaded machine)."""
    waiting = _deaf(_WAITING.replace("WAIT", wait))
    try:
        assert waiting.stdout is not None
        assert waiting.stdout.readline() == "waiting\n"
        waiting.send_signal(signal.SIGINT)
        assert waiting.wait(timeout=20) == INTERRUPTED
    finally:
        if waiting.poll() is None:
            waiting.kill()
        waiting.communicate()


def test_the_wait_for_an_answer_returns_the_line_typed() -> None:
    asking = _deaf(_WAITING.replace("WAIT", READ_ANSWER))
    out, err = asking.communicate("yes\n")
    assert (asking.returncode, out) == (0, "waiting\ngot 'yes'\n"), err
