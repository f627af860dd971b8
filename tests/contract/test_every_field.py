"""Every spec field of every kind: a change to that one field plans an update of exactly
its path at exactly its address, and apply heals it. The rows must cover every field of
every spec model the system declares."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.contract.conftest import SYSTEMS
from tests.contract.suite import Workspace
from tests.contract.systems import ContractSystem, FieldChange, Target, spec_fields


@pytest.mark.parametrize("system", SYSTEMS, ids=[s.name for s in SYSTEMS])
def test_the_rows_cover_every_field_of_every_spec_model(system: ContractSystem) -> None:
    assert system.spec_models, "a system declares its spec models"
    for kind, model in system.spec_models.items():
        covered = {change.field for change in system.field_changes if change.kind == kind}
        assert covered == set(spec_fields(model)), kind


# Rows per apply: enough to save the time of one apply per row, few enough for the
# batches to spread over the test workers.
BATCH_SIZE = 30


def batches(changes: Sequence[FieldChange]) -> list[list[FieldChange]]:
    """Rows that can be applied together: their addresses differ, and a file both name
    holds the same text in both (the objects they share)."""
    result: list[list[FieldChange]] = []
    for change in changes:
        for batch in result:
            if len(batch) < BATCH_SIZE and all(fits(other, change) for other in batch):
                batch.append(change)
                break
        else:
            result.append([change])
    return result


def fits(one: FieldChange, other: FieldChange) -> bool:
    if one.alone or other.alone or one.address == other.address:
        return False
    return all(
        mine[path] == theirs[path]
        for mine, theirs in ((one.base, other.base), (one.changed, other.changed))
        for path in mine.keys() & theirs.keys()
    )


BATCHES = [(system, batch) for system in SYSTEMS for batch in batches(system.field_changes)]


@pytest.mark.parametrize(
    ("system_target", "rows"),
    BATCHES,
    ids=[
        f"{system.name}-{rows[0].kind}.{rows[0].field}+{len(rows) - 1}" for system, rows in BATCHES
    ],
    indirect=["system_target"],
)
def test_changing_one_field_plans_exactly_its_path_and_apply_heals_it(
    system_target: tuple[ContractSystem, Target], rows: list[FieldChange]
) -> None:
    """Each row's object holds its base, then its change: each address plans exactly its
    row's paths, nothing else changes, and one apply heals them all."""
    system, target = system_target
    target.reset(system.field_account)
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace(system, target, Path(tmp))
        workspace.write({path: text for row in rows for path, text in row.base.items()})
        workspace.assert_converged()

        workspace.write({path: text for row in rows for path, text in row.changed.items()})
        changes = workspace.plan()
        planned = {
            f"{row.kind}.{row.field}": (
                changes[row.address]["action"],
                tuple(changes[row.address]["changed_paths"]),
            )
            for row in rows
        }
        expected = {
            f"{row.kind}.{row.field}": ("update", row.paths) if row.paths else ("no-op", ())
            for row in rows
        }
        assert planned == expected
        addresses = {row.address for row in rows}
        others = {a: c["action"] for a, c in changes.items() if a not in addresses}
        assert set(others.values()) <= {"no-op"}, others
        workspace.assert_converged()
