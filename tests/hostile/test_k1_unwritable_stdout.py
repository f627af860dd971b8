"""apply whose stdout cannot be written: on /dev/full (no space left) it must stop before
any change, saying so on one line (it said only "Error: No space left on device"); on a
pipe closed during the run ("| head -1") it stops as Ctrl-C stops it, no change started
after the first line that could not be written, and says what was applied (it said only
"Error: Broken pipe"). Exit 1 (README: "1 | error")."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator.app import Emulator, running_emulator
from tests.hostile.manifests import write_questions
from tests.hostile.running import jupiterone_env, onto_dev_full, question_count, slow_from_answer
from tests.reliability.processes import J1SYNC, _clean_env, run_j1sync

KEY, ACCOUNT = "k-k1-stdout", "acct-k1-stdout"
NAMES = ("q1", "q2", "q3", "q4")


def _env(emulator: Emulator) -> dict[str, str]:
    return {**_clean_env(), **jupiterone_env(emulator.url, KEY, ACCOUNT)}


@pytest.mark.parametrize(
    "args",
    [
        ["apply", "m", "--auto-approve"],
        ["apply", "m", "--auto-approve", "--show-plan"],
        ["apply", "--plan", "plan.json", "--auto-approve"],
    ],
    ids=["summary", "show-plan", "saved-plan"],
)
def test_apply_with_stdout_on_dev_full_changes_nothing(tmp_path: Path, args: list[str]) -> None:
    write_questions(tmp_path / "m", NAMES)
    with running_emulator(seed=None, api_key=KEY, account=ACCOUNT) as emulator:
        env = _env(emulator)
        saved = run_j1sync(["plan", "m", "--out", "plan.json"], env, tmp_path)
        assert saved.returncode == 0, saved.stderr
        before = emulator.snapshot()
        applied = onto_dev_full(args, env, tmp_path)
        assert applied.returncode == 1, applied.stderr
        assert "Traceback" not in applied.stderr
        last = applied.stderr.strip().splitlines()[-1]
        assert last == (
            "Error: cannot write apply's output (No space left on device): stopped before "
            "any change; nothing was applied"
        )
        assert emulator.snapshot() == before  # no question made, the lock released

        again = run_j1sync(["apply", "m", "--auto-approve"], env, tmp_path)
        assert again.returncode == 0, again.stderr  # nor a lock left behind
        assert question_count(emulator) == len(NAMES)


def test_apply_whose_stdout_pipe_closes_stops_starting_changes(tmp_path: Path) -> None:
    write_questions(tmp_path / "m", NAMES)
    with running_emulator(seed=None, api_key=KEY, account=ACCOUNT) as emulator:
        env = _env(emulator)
        # once the questions are read, each request (each change) is in flight 300 ms:
        # the pipe is closed while the first is
        slow_from_answer(emulator, "questions", 300)
        apply = subprocess.Popen(
            [*J1SYNC, "apply", "m", "--auto-approve", "--concurrency", "1"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        assert apply.stdout is not None and apply.stderr is not None
        first = apply.stdout.readline()  # as `| head -1` reads
        assert first.startswith("Plan: 4 to create"), first
        apply.stdout.close()
        started = time.monotonic()
        stderr = apply.stderr.read()
        apply.wait(timeout=60)
        assert time.monotonic() - started < 30
        emulator.switches.latency_ms = 0  # what follows goes at full speed

        assert apply.returncode == 1, stderr
        assert "Traceback" not in stderr and "Exception ignored" not in stderr
        made = question_count(emulator)
        assert 1 <= made < len(NAMES)  # the first line that failed stopped the rest
        last = stderr.strip().splitlines()[-1]
        assert last == (
            "Error: cannot write apply's output (Broken pipe): no change was started after "
            f"it; {made} of {len(NAMES)} changes applied, {len(NAMES) - made} not started. "
            "Run apply again to finish: it makes only what is still missing."
        )

        again = run_j1sync(["apply", "m", "--auto-approve"], env, tmp_path)
        assert again.returncode == 0, again.stderr
        assert question_count(emulator) == len(NAMES)


def test_apply_with_nothing_to_do_and_stdout_on_dev_full_says_so(tmp_path: Path) -> None:
    write_questions(tmp_path / "m", NAMES)
    with running_emulator(seed=None, api_key=KEY, account=ACCOUNT) as emulator:
        env = _env(emulator)
        done = run_j1sync(["apply", "m", "--auto-approve"], env, tmp_path)
        assert done.returncode == 0, done.stderr
        again = onto_dev_full(["apply", "m", "--auto-approve"], env, tmp_path)
        assert again.returncode == 1, again.stderr
        assert again.stderr.strip().splitlines()[-1] == (
            "Error: cannot write apply's output (No space left on device): stopped before "
            "any change; nothing was applied"
        )
