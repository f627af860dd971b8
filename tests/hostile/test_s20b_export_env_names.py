"""A name holding `${env:...}` (an OpenCTI role, a JupiterOne board named after a
shell variable): export wrote it as the manifest's metadata.name, which the loader
reads as an environment variable, so the first plan of the exported folder planned
creating an object of the resolved name and deleting the one in the system (or failed
when the variable was unset). Now every system's names are held to the one rule
(manifest/names.name_problem): export leaves such an object out with a warning naming
metadata.name, and the plan never deletes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.opencti.emulator import running_opencti_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run, opencti_graphql, opencti_run

REFUSED = "metadata.name: holds '${env:...}', which a manifest reads as an environment variable"


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))


def test_an_opencti_role_named_after_a_variable_is_left_out_and_kept() -> None:
    role = "mutation($i: RoleAddInput!) { roleAdd(input: $i) { id } }"
    with running_opencti_emulator() as emu:
        marked = "made by j1sync\n\nmanaged-by: j1sync"
        opencti_graphql(emu, role, {"i": {"name": "Ops ${env:HOME}", "description": marked}})
        opencti_graphql(emu, role, {"i": {"name": "Plain", "description": marked}})
        args = ("export", "--system", "opencti", "--kind", "Role", "--out", "ex")
        exported = opencti_run(emu, *args)
        assert exported.exit_code == 0, exported.output
        assert f"opencti.Role/Ops ${{env:HOME}}: left out of the export: {REFUSED}" in (
            exported.stderr
        )
        assert sorted(p.name for p in Path("ex/roles").iterdir()) == ["plain.yaml"]
        Path("j1sync.yaml").write_text("paths: [ex]\n", encoding="utf-8")
        planned = opencti_run(emu, "plan", "ex", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        applied = opencti_run(emu, "apply", "ex", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert {r["name"] for r in emu.snapshot()["roles"]} >= {"Ops ${env:HOME}", "Plain"}


def test_a_jupiterone_board_named_after_a_variable_is_left_out_and_kept() -> None:
    board = {"name": "Board ${env:HOME}", "category": "Ops", "widgets": [], "layouts": {}}
    with running_emulator(seed={**BASE_SEED, "dashboards": [board]}) as emu:
        exported = jupiterone_run(emu, "export", "--out", "exp", "--kind", "Dashboard")
        assert exported.exit_code == 0, exported.output
        assert f"Dashboard/Board ${{env:HOME}}: left out of the export: {REFUSED}" in (
            exported.output
        )
        assert not list(Path("exp").rglob("*.yaml"))
        Path("j1sync.yaml").write_text("paths: [exp]\nprune:\n  Dashboard: true\n", "utf-8")
        planned = jupiterone_run(emu, "plan", "--detailed-exitcode", "--allow-empty")
        assert planned.exit_code == 0, planned.output
        assert [b["name"] for b in emu.snapshot()["dashboards"]] == ["Board ${env:HOME}"]
