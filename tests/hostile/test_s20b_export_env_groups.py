"""export of a JupiterOne IAM group whose description holds `${env:...}`, or of a
resource group whose permission names an IAM group whose name does: written as found,
with a warning, and the first plan of the exported folder planned replacing the
description with the variable's value (or failed on the group's name). Now, as for the
other kinds of every system, such a group is left out with a warning naming the field,
and the plan never deletes it, `prune: IamGroup` and `prune: ResourceGroup`
notwithstanding."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run

REFUSED = "holds '${env:...}', which a manifest reads as an environment variable"
SEED = {
    **BASE_SEED,
    "iamGroups": [
        {"name": "ops", "description": "runs ${env:HOME}/bin/rotate"},
        {"name": "dev ${env:HOME}"},
        {"name": "plain", "description": "plain text"},
    ],
    "resourceGroups": [
        {"name": "scripted", "permissions": [{"group": "dev ${env:HOME}", "resourceArea": "rule"}]},
        {"name": "open", "permissions": [{"group": "plain", "resourceArea": "rule"}]},
    ],
}


def test_groups_holding_env_text_are_left_out_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    with running_emulator(seed=SEED) as emu:
        kinds = ("--kind", "IamGroup", "--kind", "ResourceGroup")
        exported = jupiterone_run(emu, "export", "--out", "exp", *kinds)
        assert exported.exit_code == 0, exported.output
        for left_out in (
            f"IamGroup/ops: left out of the export: spec.description: {REFUSED}",
            f"IamGroup/dev ${{env:HOME}}: left out of the export: metadata.name: {REFUSED}",
            "ResourceGroup/scripted: left out of the export: spec.permissions[0].group: " + REFUSED,
        ):
            assert left_out in exported.output
        files = sorted(p.relative_to("exp").as_posix() for p in Path("exp").rglob("*.yaml"))
        assert files == ["iam-groups/plain.yaml", "resource-groups/open.yaml"]
        Path("j1sync.yaml").write_text(
            "paths: [exp]\nprune:\n  IamGroup: true\n  ResourceGroup: true\n", "utf-8"
        )
        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        snapshot = emu.snapshot()
        groups = {g["name"]: g.get("description") for g in snapshot["iam_groups"]}
        assert groups["ops"] == "runs ${env:HOME}/bin/rotate"
        assert "dev ${env:HOME}" in groups
        assert {g["name"] for g in snapshot["resource_groups"]} >= {"scripted", "open"}
