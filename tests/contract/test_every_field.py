"""Every spec field of every kind: a change to that one field plans an update of exactly
its path at exactly its address, and apply heals it. The rows must cover every field of
every spec model the system declares."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.contract.conftest import SYSTEMS
from tests.contract.suite import Workspace
from tests.contract.systems import ContractSystem, FieldChange, Target
from tests.e2e.test_every_field import model_fields


@pytest.mark.parametrize("system", SYSTEMS, ids=[s.name for s in SYSTEMS])
def test_the_rows_cover_every_field_of_every_spec_model(system: ContractSystem) -> None:
    assert system.spec_models, "a system declares its spec models"
    for kind, model in system.spec_models.items():
        covered = {change.field for change in system.field_changes if change.kind == kind}
        assert covered == set(model_fields(model)), kind


ROWS = [(system, change) for system in SYSTEMS for change in system.field_changes]


@pytest.mark.parametrize(
    ("system_target", "change"),
    ROWS,
    ids=[f"{system.name}-{change.kind}.{change.field}" for system, change in ROWS],
    indirect=["system_target"],
)
def test_changing_one_field_plans_exactly_its_path_and_apply_heals_it(
    system_target: tuple[ContractSystem, Target], change: FieldChange
) -> None:
    system, target = system_target
    target.reset(system.field_account)
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace(system, target, Path(tmp))
        workspace.write(change.base)
        workspace.assert_converged()

        workspace.write(change.changed)
        changes = workspace.plan()
        others = {a: c["action"] for a, c in changes.items() if a != change.address}
        assert set(others.values()) <= {"no-op"}, others
        planned = changes[change.address]
        if change.paths:
            assert planned["action"] == "update", planned
            assert tuple(planned["changed_paths"]) == change.paths
        else:
            assert planned["action"] == "no-op", planned
        workspace.assert_converged()
