"""The `j1sync` process's collector settings (cli.tune_interpreter) keep their promises:
young objects are still collected, the middle generation waits for 10 million
allocations and a full pass for 100 million; a library import changes nothing, and
neither do plan and apply run as library calls (the commands without `main`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.examples import EXAMPLES

PROBE = """
import gc, sys
before = (gc.get_threshold(), sys.getswitchinterval())
import j1sync.reconcile, j1sync.manifest.loader  # library code: the interpreter as it was
assert (gc.get_threshold(), sys.getswitchinterval()) == before, before
from j1sync.cli import tune_interpreter
tune_interpreter()
print(*gc.get_threshold(), sys.getswitchinterval())
"""


def test_collector_settings_of_the_j1sync_process() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    young, middle, full, switch = done.stdout.split()
    young_n, middle_n, full_n = int(young), int(middle), int(full)
    assert 0 < young_n <= 100_000  # cycles among young objects are still freed
    assert young_n * middle_n >= 10_000_000  # a 20,000-object plan (~2.5 million): no pass
    assert young_n * middle_n * full_n >= 100_000_000
    assert float(switch) <= 0.001


LIBRARY_RUNS = """
import gc, os, signal, sys
from click.testing import CliRunner


def interpreter():
    return (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count(), sys.getswitchinterval(),
            signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))


before = interpreter()
from j1sync.cli import cli  # the commands as a library caller runs them: no main()

os.chdir(sys.argv[1])
for args in (["plan", "manifests", "--emulator"],
             ["apply", "manifests", "--emulator", "--auto-approve"]):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, (args, result.output)
    assert "to create" in result.output or "created" in result.output, result.output
assert interpreter() == before, (before, interpreter())
print("unchanged")
"""


def test_plan_and_apply_as_library_calls_leave_the_interpreter_as_they_found_it(
    tmp_path: Path,
) -> None:
    """Collector on, thresholds, nothing frozen, switch interval and signal handlers: all
    as the caller had them once plan and apply (every system, in-process emulators) end."""
    shutil.copytree(EXAMPLES, tmp_path / "manifests")
    done = subprocess.run(
        [sys.executable, "-c", LIBRARY_RUNS, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split()[-1] == "unchanged"


J1SYNC_PROCESS_RUN = """
import atexit, gc, os, sys, threading
from j1sync import cli, entry

cli.GC_THRESHOLDS = (100, 10, 10)  # while the collector is on, a pass every 100 allocations
passes = []  # one per pass of the collector: whether a thread other than the main one ran it
gc.callbacks.append(
    lambda phase, info: phase == "start"
    and passes.append(threading.current_thread() is not threading.main_thread())
)
atexit.register(lambda: print(sum(passes), gc.isenabled()))
os.chdir(sys.argv[1])
sys.argv = ["j1sync", *sys.argv[2:]]
entry.main()  # the `j1sync` process: leaves with the command's exit code
"""


def _j1sync_process(folder: Path, *args: str) -> tuple[int, bool]:
    """Run the `j1sync` command `args` as its own process (entry.main) in `folder`, the
    collector's young generation set to 100 objects: how many passes of the collector
    threads other than the main one ran (the account's reading threads, the emulator's,
    apply's workers), and whether the collector was on at the end."""
    done = subprocess.run(
        [sys.executable, "-c", J1SYNC_PROCESS_RUN, str(folder), *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    passes, enabled = done.stdout.split()[-2:]
    return int(passes), enabled == "True"


def test_the_j1sync_process_makes_its_plan_with_the_collector_paused(tmp_path: Path) -> None:
    """plan: no pass of the cycle collector while the plan is made (the reading threads
    and the emulator's would otherwise run hundreds at this setting); apply: the collector
    is on again for the changes (their threads run passes), and on at the end."""
    shutil.copytree(EXAMPLES, tmp_path / "manifests")
    passes, enabled = _j1sync_process(tmp_path, "plan", "manifests", "--emulator")
    assert passes == 0
    assert enabled
    passes, enabled = _j1sync_process(
        tmp_path, "apply", "manifests", "--emulator", "--auto-approve"
    )
    assert passes > 0
    assert enabled
