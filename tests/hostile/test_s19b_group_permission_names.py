"""A ResourceGroup permission naming an IAM group that neither a manifest declares nor the
account holds ('Nope', or 'sec team' for the account's 'Sec Team'): plan showed it as
fine, and apply created the resource group, then failed on its permission ('no IAM group
named ...'), leaving a group without the rights the manifest gives it and every later
apply failing. Now plan and apply stop at the permission's line before any change, with
the name the user may have meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run

GROUP = """\
apiVersion: j1sync/v1
kind: ResourceGroup
metadata:
  name: cloud
spec:
  permissions:
    - group: Sec Team
      resourceArea: rule
      canRead: true
    - group: {group}
      resourceArea: dashboard
      canRead: true
"""
SEED = {**BASE_SEED, "iamGroups": [{"name": "Sec Team"}, {"name": "Ops"}]}


@pytest.mark.parametrize(
    ("group", "hint"), [("sec team", "; did you mean 'Sec Team'?"), ("Nobody at all", "")]
)
@pytest.mark.parametrize("command", [("plan",), ("apply", "--auto-approve")])
def test_a_permission_naming_no_iam_group_stops_before_any_change(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
    group: str,
    hint: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    Path("m/rg.yaml").write_text(GROUP.format(group=group), encoding="utf-8")
    with running_emulator(seed=SEED) as emu:
        result = jupiterone_run(emu, *command)
        assert result.exit_code == 1, result.output
        assert (
            f"m/rg.yaml:10:14: ResourceGroup/cloud: spec.permissions[1].group: no IAM group "
            f"named '{group}' is declared or in the account{hint}"
        ) in result.output
        assert "Traceback" not in result.output
        assert not emu.snapshot().get("resource_groups")
        # the account's name written, apply goes ahead and converges
        Path("m/rg.yaml").write_text(GROUP.format(group="Ops"), encoding="utf-8")
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert [g["name"] for g in emu.snapshot()["resource_groups"]] == ["cloud"]
        assert jupiterone_run(emu, "plan", "--detailed-exitcode").exit_code == 0
