"""`benchmarks/run.py --curve`, small: the emulator's own server time on the critical chain
(from `emulator serve --timings`) is reported apart, and j1sync's part is the rest. A
figure's meaning is checked, never its speed (no timed assertions)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KINDS = {"Question", "AlertRule", "IamGroup", "IntegrationSchedule"}


def test_the_curve_reports_the_emulators_server_time_apart() -> None:
    command = [
        sys.executable, str(ROOT / "benchmarks" / "run.py"),
        "--curve", "300", "--latency-ms", "10", "--runs", "2", "--json",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(rows) == 2
    header = done.stderr.splitlines()[0]
    assert "server s" in header and "oversleep s" in header and "j1sync ratio" in header
    assert "floor ratio" in header
    for row in rows:
        per_chain = row["chain_server_s"]
        assert set(per_chain) == KINDS
        assert all(seconds > 0 for seconds in per_chain.values())  # every chain was timed
        assert row["critical_chain"] in KINDS
        assert row["emulator_server_s"] == per_chain[row["critical_chain"]]
        assert 0 < row["emulator_server_s"] < row["wall_s"]
        # the emulator's late wake-ups from the latency it sleeps are its own time too
        assert 0 <= row["emulator_oversleep_s"] < row["emulator_server_s"] + row["bound_s"]
        emulator_s = row["emulator_server_s"] + row["emulator_oversleep_s"]
        assert math.isclose(row["j1sync_s"], row["wall_s"] - emulator_s, abs_tol=3e-3)
        assert math.isclose(
            row["j1sync_ratio_to_bound"], row["j1sync_s"] / row["bound_s"], abs_tol=2e-3
        )
        assert row["j1sync_ratio_to_bound"] < row["ratio_to_bound"]
        assert math.isclose(row["ratio_to_bound"], row["wall_s"] / row["bound_s"], abs_tol=2e-3)
        # the floor: the card's libraries imported in a process of their own (less than the
        # whole plan, which imports them too), and a bare requests loop's pages beyond the
        # latency and the emulator's time, on the critical chain's rounds
        assert 0 < row["floor_imports_s"] < row["wall_s"]
        assert row["floor_page_ms"] > 0
        rounds = round(row["bound_s"] / 0.010)  # --latency-ms 10
        floor = row["floor_imports_s"] + rounds * row["floor_page_ms"] / 1000
        assert math.isclose(row["floor_s"], row["bound_s"] + floor, abs_tol=3e-3)
        # (from rounded figures: a 20 ms bound makes a rounding of 0.5 ms 2.5% of it)
        assert math.isclose(
            row["floor_ratio_to_bound"], row["floor_s"] / row["bound_s"], rel_tol=0.03
        )
    # each plan's own requests: the first plan's lines are not counted again in the second
    first, second = (row["emulator_requests"] for row in rows)
    assert first == second > 0


def test_the_benchmark_measures_j1sync_byte_compiled(tmp_path: Path) -> None:
    """As `pip install` leaves a package: bytecode beside every module, whatever
    PYTHONDONTWRITEBYTECODE says (an editable checkout without it compiles every module
    anew in every measured process)."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "module.py").write_text("VALUE = 1\n", encoding="utf-8")
    probe = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import run, j1sync; "
        "j1sync.__file__ = sys.argv[3]; run.byte_compile_j1sync()"
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", probe, str(ROOT / "benchmarks"), str(ROOT / "src"),
         str(package / "__init__.py")],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    compiled = sorted(p.name.split(".")[0] for p in (package / "__pycache__").glob("*.pyc"))
    assert compiled == ["__init__", "module"]


def test_wrong_arguments_and_failures_are_one_line_not_a_traceback(tmp_path: Path) -> None:
    script = [sys.executable, str(ROOT / "benchmarks" / "run.py")]
    cases = {
        ("--curve", "1000,,"): "argument --curve: not a whole number: ''",
        ("--curve", "5"): "argument --curve: 5 objects give some kind none",
        ("--runs", "0", "--curve", "100"): "argument --runs: must be 1 or more",
        ("--latency-ms", "-1"): "argument --latency-ms: must be 0 or more",
        ("--quotas", "lots"): "argument --quotas: quotas look like",
        ("--changed", "1.5"): "argument --changed: must be between 0 and 1",
        # a measurement that fails (here: no manifests to plan) ends in its error
        ("--measure-plan", "http://127.0.0.1:9", str(tmp_path)): "no manifests found",
    }
    for args, said in cases.items():
        done = subprocess.run([*script, *args], capture_output=True, text=True, timeout=120)
        assert done.returncode in (1, 2), (args, done.stderr)
        assert said in done.stderr, (args, done.stderr)
        assert done.stderr.startswith("usage:" if done.returncode == 2 else "run.py: error:")
        assert "Traceback" not in done.stderr, (args, done.stderr)
