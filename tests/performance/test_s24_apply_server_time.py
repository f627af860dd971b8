"""`benchmarks/run.py --apply-only`, small: the emulator's own time on the apply's
requests (from `emulator serve --timings`, the lines answered while `apply_plan` ran) is
reported apart, as the plan curve's is, and j1sync's part of the apply is the rest. A
figure's meaning is checked, never its speed (no timed assertions)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CREATES = 40
CONCURRENCY = 4


def test_the_apply_reports_the_emulators_server_time_apart() -> None:
    command = [
        sys.executable, str(ROOT / "benchmarks" / "run.py"),
        "--apply-only", "--creates", str(CREATES), "--latency-ms", "10",
        "--apply-concurrency", str(CONCURRENCY), "--json",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout.strip().splitlines()[-1])
    assert row["apply_cli_exit_code"] == 0 and row["apply_then_plan_exit_code"] == 0
    assert sum(row["apply_counts"].values()) >= CREATES
    # every request's server time counted once, per slot: more than nothing, less than
    # the apply itself took
    assert 0 < row["apply_emulator_server_s"] < row["apply_wall_s"]
    assert 0 <= row["apply_emulator_oversleep_s"] < row["apply_wall_s"]
    emulator_s = row["apply_emulator_server_s"] + row["apply_emulator_oversleep_s"]
    assert math.isclose(row["apply_j1sync_s"], row["apply_wall_s"] - emulator_s, abs_tol=3e-3)
    assert math.isclose(
        row["apply_j1sync_ratio_to_bound"],
        row["apply_j1sync_s"] / row["apply_bound_s"],
        rel_tol=0.02,
    )
    assert row["apply_j1sync_ratio_to_bound"] < row["apply_ratio_to_bound"]
