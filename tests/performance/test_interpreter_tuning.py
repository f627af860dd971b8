"""The `j1sync` process's collector settings (cli.tune_interpreter) keep their promises:
young objects are still collected, the middle generation waits for 10 million
allocations and a full pass for 100 million; a library import changes nothing."""

from __future__ import annotations

import subprocess
import sys

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
