"""Export round trip: any account exports to manifests that validate, whose first plan
changes only what adoption needs, and which, once applied, export to the same files."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.contract.suite import Workspace, examples, exported_variables, files_of
from tests.contract.systems import ContractSystem, Target


def test_export_then_plan_changes_nothing_but_adoption_and_exports_the_same_again(
    system_target: tuple[ContractSystem, Target],
) -> None:
    system, target = system_target
    # the emulator as it starts: a failing export stops here, before any example
    with tempfile.TemporaryDirectory() as tmp:
        probe = Workspace(system, target, Path(tmp)).export(Path(tmp) / "probe")
        assert probe.exit_code == 0, probe.output

    @examples(8)
    @given(data=st.data())
    def round_trip(data: st.DataObject) -> None:
        target.reset(data.draw(system.export_accounts(), label="account"))
        before = target.snapshot()
        with tempfile.TemporaryDirectory() as tmp:
            workspace = Workspace(system, target, Path(tmp))
            first, second = Path(tmp) / "first", Path(tmp) / "second"
            exported = workspace.export(first)
            assert exported.exit_code == 0, exported.output
            assert "Warning" not in exported.stderr, exported.stderr
            # credentials are exported as ${env:NAME}: set each to its live value
            workspace.env.update(
                (name, system.credential_value(before, address, path))
                for name, address, path in exported_variables(first)
            )
            validated = workspace.run("validate", str(first), "--allow-empty")
            assert validated.exit_code == 0, validated.output

            changes = workspace.plan(str(first))
            exported_keys = system.exported_keys or system.natural_keys
            live = {
                f"{kind}/{name}" for kind, names in exported_keys(before).items() for name in names
            }
            assert live <= set(changes), f"not exported: {sorted(live - set(changes))}"
            unexpected = {
                address: (change["action"], change["changed_paths"])
                for address, change in changes.items()
                if change["action"] != "no-op" and not system.adopted(change)
            }
            assert not unexpected

            workspace.assert_converged(str(first))
            again = workspace.export(second)
            assert again.exit_code == 0, again.output
            assert files_of(second) == files_of(first)

    round_trip()
