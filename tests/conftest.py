"""How many workers `pytest` (pyproject's `-n auto`) runs the suite on."""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

# Many tests spend their time waiting, not computing: on a j1sync subprocess starting, on an
# emulator's injected latency, on a timeout or a lock's lease. One worker per core leaves
# the cores idle for that time: on 2 cores the suite took 754 s on 2 workers, 642 s on 3
# and 605 s on 4 (all passing).
WORKERS_PER_CORE = 1.5


@pytest.hookimpl(wrapper=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> Generator[None, int, int]:
    cores = yield  # pytest-xdist's own count (the CPUs this process may use)
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):  # the user's count, as given
        return cores
    return max(cores, int(cores * WORKERS_PER_CORE))
