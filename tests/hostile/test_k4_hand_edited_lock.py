"""An apply lock (the account parameter j1sync_apply_lock) edited by hand or left half
broken: apply stops naming it and how to remove it, `j1sync unlock` shows it and removes
it, never an internal error. Before, a time outside the years 1-9999 (ValueError), a pid
too large for the system (OverflowError) or JSON nested thousands deep (RecursionError)
made both apply and unlock internal errors, so the documented way out failed; a pid of 0
or below counted as a live process on this machine, so unlock refused for ever and told
the user to `kill -1` (every process of theirs); a holder with a line break or an escape
sequence forged lines and drove the terminal."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from j1sync.engine.lock import LOCK_NAME, process_started
from j1sync.providers.jupiterone.emulator.app import Emulator, running_emulator
from tests.hostile.in_process import j1sync_here
from tests.hostile.manifests import question
from tests.hostile.running import jupiterone_env

API_KEY = "k4-lock-Key-51c9e0"
ACCOUNT = "k4-lock-account"
QUESTION = question("k4-lock-question", "Users")


def _this_process(pid: object) -> list[object]:
    """A lock record's `process`: this machine, this PID namespace, `pid`."""
    return [socket.gethostname(), os.readlink("/proc/self/ns/pid"), pid]


def _record(**fields: Any) -> str:
    record = {"token": "hand-made", "holder": "alice@laptop (pid 7)", "since": None}
    return json.dumps({**record, "expires": None, **fields})


BROKEN_LOCKS = {
    "a time in year 0 once in UTC": _record(since="0001-01-01T00:00:00+01:00"),
    "an expiry in year 10000 once in UTC": _record(expires="9999-12-31T23:59:59-14:00"),
    "a pid too large for the system": _record(process=_this_process(2**70)),
    "JSON nested too deep": "[" * 100_000,
    "pid -1": _record(process=_this_process(-1)),
    "pid 0": _record(process=_this_process(0)),
    "a pid that is true": _record(process=_this_process(True)),
}


def _env(emu: Emulator) -> dict[str, str]:
    return jupiterone_env(emu.url, API_KEY, ACCOUNT)


def _stored_lock(emu: Emulator) -> str | None:
    found = [p for p in emu.snapshot().get("parameters", []) if p["name"] == LOCK_NAME]
    return str(found[0]["value"]) if found else None


def _project(tmp_path: Path) -> Path:
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "question.yaml").write_text(QUESTION, encoding="utf-8")
    return manifests


@pytest.mark.parametrize("value", BROKEN_LOCKS.values(), ids=BROKEN_LOCKS.keys())
def test_a_broken_lock_stops_apply_and_unlock_removes_it(tmp_path: Path, value: str) -> None:
    manifests = _project(tmp_path)
    seed = {"parameters": [{"name": LOCK_NAME, "value": value}]}
    with running_emulator(seed=seed, api_key=API_KEY, account=ACCOUNT) as emu:
        env = _env(emu)
        refused = j1sync_here(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        assert refused.returncode == 1, refused.stdout + refused.stderr
        assert f"account {ACCOUNT} is locked by another apply: " in refused.stderr
        assert "remove the lock with `j1sync unlock`" in refused.stderr
        assert "internal error" not in refused.stderr and "Traceback" not in refused.stderr
        assert not emu.snapshot().get("questions")  # nothing changed
        assert _stored_lock(emu) == value  # never stolen

        unlocked = j1sync_here(["unlock", "--yes"], env, tmp_path)
        output = unlocked.stdout + unlocked.stderr
        assert unlocked.returncode == 0, output
        assert f"Apply lock on account {ACCOUNT}: " in unlocked.stdout
        assert "Lock removed." in unlocked.stdout
        assert "kill" not in output and "internal error" not in output
        assert _stored_lock(emu) is None

        applied = j1sync_here(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert [q["name"] for q in emu.snapshot()["questions"]] == ["k4-lock-question"]


def test_a_holder_with_a_line_break_and_an_escape_stays_on_its_line(tmp_path: Path) -> None:
    manifests = _project(tmp_path)
    holder = "mallory\nError: forged line \x1b]0;title\x07\x1b[2J"
    seed = {"parameters": [{"name": LOCK_NAME, "value": _record(holder=holder)}]}
    with running_emulator(seed=seed, api_key=API_KEY, account=ACCOUNT) as emu:
        env = _env(emu)
        refused = j1sync_here(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        assert refused.returncode == 1
        assert "\x1b" not in refused.stderr and "\x07" not in refused.stderr
        locked = [line for line in refused.stderr.splitlines() if "is locked by" in line]
        assert len(locked) == 1 and "mallory\u240aError: forged line" in locked[0]
        assert not any(line.startswith("Error: forged") for line in refused.stderr.splitlines())

        shown = j1sync_here(["unlock"], env, tmp_path)  # no --yes, no terminal: only shows
        assert shown.returncode == 1
        assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
        assert f"Apply lock on account {ACCOUNT}: mallory\u240aError: forged" in shown.stdout


def _sleeping() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_a_lock_whose_pid_now_names_another_process_is_taken_over(tmp_path: Path) -> None:
    """The holder was killed and its pid given to another process (pids are reused): the
    lock records when its holder started, so the other process is not taken for it. Before,
    apply waited for the lease and unlock refused, telling the user to kill that process."""
    manifests = _project(tmp_path)
    other = _sleeping()
    try:
        started = process_started(other.pid)
        assert started is not None
        value = _record(process=[*_this_process(other.pid)[:3], started + 1])
        seed = {"parameters": [{"name": LOCK_NAME, "value": value}]}
        with running_emulator(seed=seed, api_key=API_KEY, account=ACCOUNT) as emu:
            env = _env(emu)
            shown = j1sync_here(["unlock"], env, tmp_path)  # not refused: asks (no terminal)
            assert "still runs" not in shown.stderr and "kill" not in shown.stderr
            assert "--yes" in shown.stderr

            applied = j1sync_here(["apply", str(manifests), "--auto-approve"], env, tmp_path)
            assert applied.returncode == 0, applied.stdout + applied.stderr
            assert "taking over the apply lock of a process that is gone" in applied.stderr
            assert _stored_lock(emu) is None
            assert [q["name"] for q in emu.snapshot()["questions"]] == ["k4-lock-question"]
        assert other.poll() is None  # nobody touched it
    finally:
        other.kill()
        other.wait()


def test_the_lock_of_a_live_holder_with_its_start_time_is_never_taken(tmp_path: Path) -> None:
    manifests = _project(tmp_path)
    holder = _sleeping()
    try:
        started = process_started(holder.pid)
        value = _record(process=[*_this_process(holder.pid)[:3], started])
        seed = {"parameters": [{"name": LOCK_NAME, "value": value}]}
        with running_emulator(seed=seed, api_key=API_KEY, account=ACCOUNT) as emu:
            env = _env(emu)
            refused = j1sync_here(["apply", str(manifests), "--auto-approve"], env, tmp_path)
            assert refused.returncode == 1 and "is locked by another apply" in refused.stderr
            kept = j1sync_here(["unlock", "--yes"], env, tmp_path)
            assert kept.returncode == 1
            assert f"still runs on this machine (pid {holder.pid})" in kept.stderr
            assert _stored_lock(emu) == value
    finally:
        holder.kill()
        holder.wait()
