"""A role granting a privilege xyOps does not have (`creat_events`, `Admin`, `comment_job`).
xyOps stores any key in a role's privileges (lib/api/roles.js checks none), so the role was
created, the plan after it was empty, and the privilege granted nothing: the UI offers only
its own list (1.0.88 internal/ui.json privilege_list). Now it is an error at its line
before any change, with the privilege meant; a live role holding one is left out of an
export, with a warning, and never deleted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import call, run

ROLE = """\
apiVersion: xyops.j1sync/v1
kind: Role
metadata:
  name: s20d_role
spec:
  title: Role
  privileges:
    run_jobs: true
    {privilege}: true
"""

SLIPS = {
    "creat_events": "did you mean 'create_events'?",
    "Admin": "did you mean 'admin'?",
    "edit_event": "did you mean 'edit_events'?",
    "everything": "'everything' is not an xyOps privilege",
}


@pytest.mark.parametrize("privilege", list(SLIPS))
def test_a_privilege_xyops_does_not_have_stops_before_any_change(
    xyops_server: XyOpsEmulator, tmp_path: Path, privilege: str
) -> None:
    (tmp_path / "a.yaml").write_text(ROLE.format(privilege=privilege))
    before = xyops_server.snapshot()
    for command in (["validate"], ["plan"], ["apply", "--auto-approve"]):
        done = run(xyops_server, *command, str(tmp_path))
        assert done.exit_code == 1, (command, done.output)
        assert "a.yaml:9:" in done.output, done.output
        assert f"xyops.Role/s20d_role: spec.privileges.{privilege}: " in done.output
        assert "xyOps would keep it and grant nothing" in done.output, done.output
        assert SLIPS[privilege] in done.output, done.output
    assert xyops_server.snapshot() == before


def test_every_privilege_xyops_offers_applies_and_converges(
    xyops_server: XyOpsEmulator, tmp_path: Path
) -> None:
    from j1sync.providers.xyops.values import PRIVILEGES

    granted = "\n".join(f"    {p}: true" for p in PRIVILEGES)
    (tmp_path / "a.yaml").write_text(ROLE.split("  privileges:")[0] + "  privileges:\n" + granted)
    done = run(xyops_server, "apply", "--auto-approve", str(tmp_path))
    assert done.exit_code == 0, done.output
    done = run(xyops_server, "plan", "--detailed-exitcode", str(tmp_path))
    assert done.exit_code == 0, done.output


def test_a_live_role_with_an_unknown_privilege_is_left_out_of_export(
    xyops_server: XyOpsEmulator, tmp_path: Path
) -> None:
    role = {
        "id": "old_role",
        "title": "Old",
        "privileges": {"comment_jobs": True},
        "notes": "managed-by: j1sync",
    }
    assert call(xyops_server, "create_role", role)["code"] == 0
    out = str(tmp_path / "x")
    done = run(xyops_server, "export", "--system", "xyops", "--kind", "Role", "--out", out)
    assert done.exit_code == 0, done.output
    assert "xyops.Role/old_role: left out of the export: spec.privileges.comment_jobs" in (
        done.output
    )
    assert not (tmp_path / "x" / "roles" / "old-role.yaml").exists()
    (tmp_path / "j1sync.yaml").write_text("paths: [x]\n")
    done = run(xyops_server, "plan", "--format", "json", str(tmp_path / "x"))
    assert done.exit_code == 0, done.output
    plan = json.loads(done.stdout)
    assert "xyops.Role/old_role" not in [c["address"] for c in plan["changes"]]
    (held,) = [u for u in plan["unmanaged"] if u["address"] == "xyops.Role/old_role"]
    assert "never deleted" in held["note"], held
