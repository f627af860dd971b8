"""Apply through injected faults (429s, 5xx, lost responses): it converges, no natural key
is held twice, unmanaged objects are unchanged, and the exit code tells the truth."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from j1sync.emulator.faults import FaultSwitches, Stats
from tests.contract.suite import Workspace, assert_reconciled, examples
from tests.contract.systems import ContractSystem, Target


def lost(stats: Stats, switches: FaultSwitches) -> int:
    """Requests the emulator never answered (a mutation committed, its response lost)."""
    return stats.total - sum(stats.statuses.values())


FAULTS: dict[str, tuple[str, float, Callable[[Stats, FaultSwitches], int]]] = {
    "429 on 30% of requests": ("rate_429", 0.3, lambda stats, _: stats.statuses[429]),
    "5xx on 10% of requests": (
        "fail_rate",
        0.1,
        lambda stats, switches: stats.statuses[switches.fail_status],
    ),
    "30% of mutations commit, then lose their response": ("lose_responses", 0.3, lost),
}
# A 5xx may strike every retry of one change: that apply exits 1, and the next one
# (through the same faults) finishes the job.
APPLIES_THROUGH_5XX = 3


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
def test_apply_through_faults_converges_without_duplicates(
    system_target: tuple[ContractSystem, Target], fault: str
) -> None:
    system, target = system_target
    switch, rate, count_faults = FAULTS[fault]
    met: list[int] = []

    @examples(3)
    @given(data=st.data())
    def apply_through_faults(data: st.DataObject) -> None:
        case = data.draw(system.cases(), label="case")
        target.reset(case.account)
        with tempfile.TemporaryDirectory() as tmp:
            workspace = Workspace(system, target, Path(tmp))
            workspace.write(case.files)
            before = target.snapshot()
            setattr(target.switches, switch, rate)
            applied = workspace.apply()
            # 429s are retried and lost responses re-read: the first apply goes through
            for _ in range(APPLIES_THROUGH_5XX - 1 if switch == "fail_rate" else 0):
                if applied.exit_code == 0:
                    break
                assert applied.exit_code == 1 and failed_count(applied.output) > 0
                applied = workspace.apply()
            assert applied.exit_code == 0, applied.output
            met.append(count_faults(target.stats, target.switches))
            setattr(target.switches, switch, 0.0)
            workspace.assert_no_changes()
        assert_reconciled(system, case, before, target.snapshot())

    apply_through_faults()
    assert sum(met) > 0, f"no request met the fault: the test proves nothing ({met})"


def failed_count(output: str) -> int:
    """From the closing line `Apply failed: N created, N updated, N deleted, N failed`."""
    found = re.search(r"Apply \w+: \d+ created, \d+ updated, \d+ deleted, (\d+) failed", output)
    assert found, output
    return int(found.group(1))
