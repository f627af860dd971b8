"""A hand edit in the emulator is reported by `drift` and healed by `apply`."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import assume, given
from hypothesis import strategies as st

from tests.contract.suite import Workspace, examples
from tests.contract.systems import ContractSystem, Target


@examples(6)
@given(data=st.data())
def test_a_hand_edit_is_reported_as_drift_and_healed_by_apply(
    system_target: tuple[ContractSystem, Target], data: st.DataObject
) -> None:
    system, target = system_target
    case = data.draw(system.cases().filter(lambda case: bool(case.addresses)), label="case")
    target.reset(case.account)
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace(system, target, Path(tmp))
        workspace.write(case.files)
        workspace.assert_converged()
        clean = workspace.run("drift", workspace.manifests, "--allow-empty")
        assert clean.exit_code == 0, clean.output

        address = system.hand_edit(target, case)
        assume(address is not None)
        drift = workspace.run("drift", workspace.manifests, "--allow-empty", "--format", "json")
        assert drift.exit_code == 2, drift.output
        changes = {c["address"]: c for c in json.loads(drift.stdout)["changes"]}
        assert changes[address]["action"] == "update", changes[address]
        drifted = {a for a, c in changes.items() if c["action"] != "no-op"}
        assert drifted == {address}

        applied = workspace.apply()
        assert applied.exit_code == 0, applied.output
        healed = workspace.run("drift", workspace.manifests, "--allow-empty")
        assert healed.exit_code == 0, healed.output
