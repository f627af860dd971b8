"""Ctrl-C or SIGTERM while apply takes its lock or reads the account, before any change:
apply said only `Interrupted.`, so a CI log could not tell that nothing was applied
(README: an interrupted apply "lists what was and was not applied"). Now it says nothing
was applied, on the line `Interrupted.` held, exit 130, the lock released.

And SIGTERM during the changes (what a cancelled CI job sends, and sends again) said
"press Ctrl-C again to exit at once": now the line names what a second signal is there."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from j1sync.engine.lock import LOCK_NAME
from j1sync.interrupts import SAME_STOP_S
from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.hostile.manifests import write_questions
from tests.hostile.running import (
    StderrLines,
    interrupt,
    jupiterone_env,
    slow_from_answer,
    wait_until,
)
from tests.reliability.processes import ServedEmulator, served_emulator, start_j1sync

INTERRUPTED = 130
API_KEY = "s29-before-Key-4c1e9a"
ACCOUNT = "s29-before-account"
NOTHING_APPLIED = "Interrupted. Nothing was applied: apply stopped before its first change.\n"


def _lock_stored(emu: ServedEmulator) -> bool:
    return any(p["name"] == LOCK_NAME for p in emu.snapshot().get("parameters", []))


def _lock_taken(emu: ServedEmulator, lines: StderrLines) -> None:
    wait_until(lambda: _lock_stored(emu), lines.process, "the lock stored")


def _reading(emu: ServedEmulator, lines: StderrLines) -> None:
    lines.wait_for(lambda line: "reading the account" in line, "the read")


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
@pytest.mark.parametrize("when", [_lock_taken, _reading], ids=["taking-the-lock", "reading"])
def test_an_apply_interrupted_before_any_change_says_nothing_was_applied(
    tmp_path: Path,
    stop_signal: signal.Signals,
    when: Callable[[ServedEmulator, StderrLines], None],
) -> None:
    write_questions(tmp_path / "manifests", ["s29-a", "s29-b"])
    # 1 s a request: the lock's and the read's requests are each under way for a while
    with served_emulator(tmp_path, {}, API_KEY, ACCOUNT, "--latency-ms", "1000") as emu:
        before = emu.snapshot()
        env = jupiterone_env(emu.url, API_KEY, ACCOUNT, GITHUB_RUN_ID="")
        apply = start_j1sync(["apply", "manifests", "--auto-approve"], env, tmp_path)
        lines = StderrLines(apply)
        when(emu, lines)
        stdout, stderr, _ = interrupt(apply, stop_signal, stderr_lines=lines)
        after = emu.snapshot()
    assert apply.returncode == INTERRUPTED, stdout + stderr
    assert "Plan:" not in stdout, "the signal came after the read: " + stdout
    assert stderr.endswith(NOTHING_APPLIED), stderr
    assert "Traceback" not in stderr and "could not release" not in stderr, stderr
    assert after == before  # no question made, and the lock released


def test_sigterm_during_the_changes_says_a_second_sigterm_exits_at_once(tmp_path: Path) -> None:
    write_questions(tmp_path / "manifests", [f"s29-{n}" for n in range(6)])
    with running_emulator(seed={}, api_key=API_KEY, account=ACCOUNT) as emu:
        # from the first question made on, 4 s a request: changes are in flight when the
        # SIGTERM comes, and still when the second one does
        in_flight = slow_from_answer(emu, "createQuestion", 4000)
        env = jupiterone_env(emu.url, API_KEY, ACCOUNT, GITHUB_RUN_ID="")
        apply = start_j1sync(["apply", "manifests", "--auto-approve"], env, tmp_path)
        lines = StderrLines(apply)
        wait_until(in_flight, apply, "a change in flight")
        apply.send_signal(signal.SIGTERM)
        said = lines.wait_for(lambda line: "SIGTERM received" in line, "the first SIGTERM's line")
        time.sleep(SAME_STOP_S)  # a second SIGTERM, not the first one delivered again
        stdout, stderr, _ = interrupt(apply, signal.SIGTERM, stderr_lines=lines)
        emu.switches.latency_ms = 0
    assert "Ctrl-C again" not in said, said
    assert "a second SIGTERM" in said, said
    assert apply.returncode == INTERRUPTED, stdout + stderr
    assert "exiting now" in stderr, stderr  # the second SIGTERM did what the line said
