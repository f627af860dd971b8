"""Random manifest sets applied to random accounts converge, and nothing else moves."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.contract.suite import Workspace, assert_reconciled, examples
from tests.contract.systems import ContractSystem, Target


@examples(15)
@given(data=st.data())
def test_random_manifests_converge_and_leave_unmanaged_objects_alone(
    system_target: tuple[ContractSystem, Target], data: st.DataObject
) -> None:
    system, target = system_target
    case = data.draw(system.cases(), label="case")
    target.reset(case.account)
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace(system, target, Path(tmp))
        workspace.write(case.files)
        before = target.snapshot()
        workspace.assert_converged()
        changes = workspace.plan()
    assert case.addresses <= set(changes), case.addresses - set(changes)
    assert {c["action"] for c in changes.values()} <= {"no-op"}
    assert_reconciled(system, case, before, target.snapshot())
