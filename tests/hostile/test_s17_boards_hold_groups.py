"""With ResourceGroup prune on and no dashboard manifests, dashboards were not read, so a
resource group a hand-made board belongs to was planned for deletion; JupiterOne refuses
it ("still holds dashboards"), and every apply failed on it. Now the boards are read when
resource groups may be pruned: the group is kept and the plan says which board uses it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run, seeded_question
from tests.hostile.manifests import question


def _project(settings: str, **seeded: Any) -> dict[str, Any]:
    """This folder: j1sync.yaml (paths: [m] and `settings`) and m/keep.yaml; the seed."""
    Path("j1sync.yaml").write_text("paths: [m]\n" + settings, "utf-8")
    Path("m").mkdir()
    Path("m/keep.yaml").write_text(question("keep"), encoding="utf-8")
    return {**BASE_SEED, "questions": [seeded_question("keep", "Question keep")], **seeded}


def test_a_group_a_hand_made_board_belongs_to_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    seed = _project(
        "prune:\n  ResourceGroup: true\n",
        resourceGroups=[{"name": "ops"}, {"name": "empty"}],
        dashboards=[{"name": "Hand board", "category": "Ops", "resourceGroup": "ops"}],
    )
    with running_emulator(seed=seed) as emu:
        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        # one of the two managed groups is deleted (the kept one still counts as managed:
        # not "every managed object", and too few for the share limit): no --force needed
        assert planned.exit_code == 2, planned.output
        assert "safety limit" not in planned.output
        assert "- ResourceGroup/empty" in planned.output  # pruned, as asked
        assert (
            "  ResourceGroup/ops: prune is enabled for ResourceGroup in j1sync.yaml and no "
            "manifest declares it, but Dashboard/Hand board still uses it; not deleted"
        ) in planned.output
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert "Apply complete: 0 created, 0 updated, 1 deleted, 0 failed." in applied.output
        groups = {g["name"] for g in emu.snapshot()["resource_groups"]}
        assert groups == {"ops"}
        assert jupiterone_run(emu, "plan", "--detailed-exitcode").exit_code == 0


def test_without_group_prune_boards_are_still_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    seed = _project("", dashboards=[{"name": "Hand board", "category": "Ops"}])
    with running_emulator(seed=seed) as emu:
        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        assert "Dashboard" not in planned.output
