"""Adopting an xyOps server or an OpenCTI platform whose text holds `${env:...}` (a
PowerShell script's `${env:HOME}` in an event's params, a description quoting one):
export wrote it as it was, and a manifest reads it as an environment variable, with no
escape for it: the first plan either failed ('environment variable ... is not set') or,
with the variable set, planned replacing the script with the variable's value. Now such
an object is left out of the export with a warning naming the field, and the plan never
deletes it, j1sync's marker notwithstanding; a credential field holding one is written
as `${env:NAME}` as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.opencti.emulator import running_opencti_emulator
from j1sync.providers.xyops.emulator import running_xyops_emulator
from tests.hostile.in_process import opencti_graphql, opencti_run
from tests.hostile.xyops_cli import KEY, call
from tests.hostile.xyops_cli import run as xyops_run

MARKED = "made by j1sync\n\nmanaged-by: j1sync"
SCRIPT = "Write-Output ${env:HOME}"
REFUSED = "holds '${env:...}', which a manifest reads as an environment variable"


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))  # set, as on every machine


def test_an_xyops_script_reading_the_environment_is_left_out_and_kept() -> None:
    with running_xyops_emulator(api_key=KEY) as emu:
        event = {"id": "ps_job", "title": "PS", "category": "general", "plugin": "shellplug"}
        event |= {"targets": ["main"], "algo": "random", "params": {"script": SCRIPT}}
        assert call(emu, "create_event", {**event, "notes": MARKED})["code"] == 0
        hook = {"id": "hook", "title": "Hook", "url": "https://x.invalid/${env:HOME}"}
        assert call(emu, "create_web_hook", {**hook, "notes": MARKED})["code"] == 0

        exported = xyops_run(emu, "export", "--system", "xyops", "--managed-only", "--out", "ex")
        assert exported.exit_code == 0, exported.output
        assert (
            f"Warning: xyops.Event/ps_job: left out of the export: spec.params.script: {REFUSED}"
        ) in exported.stderr
        assert not Path("ex/events").exists()
        assert "${env:J1_HOOK_URL}" in Path("ex/web-hooks/hook.yaml").read_text("utf-8")

        Path("j1sync.yaml").write_text("paths: [ex]\n", encoding="utf-8")
        url = {"J1_HOOK_URL": "https://x.invalid/${env:HOME}"}
        with pytest.MonkeyPatch.context() as patch:
            for name, value in url.items():
                patch.setenv(name, value)
            planned = xyops_run(emu, "plan", "ex", "--detailed-exitcode")
            assert planned.exit_code == 0, planned.output  # the script kept, not deleted
            assert (
                "no manifest can declare it as it is (spec.params.script"
                in xyops_run(emu, "plan", "ex", "--format", "json").stdout
            )
        kept = call(emu, "get_event", {"id": "ps_job"})["event"]
        assert kept["params"] == {"script": SCRIPT}


def test_an_opencti_description_quoting_a_variable_is_left_out_and_kept() -> None:
    role = "mutation($i: RoleAddInput!) { roleAdd(input: $i) { id } }"
    with running_opencti_emulator() as emu:
        described = f"Runs {SCRIPT}\n\nmanaged-by: j1sync"
        opencti_graphql(emu, role, {"i": {"name": "Scripted", "description": described}})
        opencti_graphql(emu, role, {"i": {"name": "Plain", "description": MARKED}})
        args = ("export", "--system", "opencti", "--kind", "Role", "--out", "ex")
        exported = opencti_run(emu, *args)
        assert exported.exit_code == 0, exported.output
        assert (
            f"Warning: opencti.Role/Scripted: left out of the export: spec.description: {REFUSED}"
        ) in exported.stderr
        assert sorted(p.name for p in Path("ex/roles").iterdir()) == ["plain.yaml"]
        Path("j1sync.yaml").write_text("paths: [ex]\n", encoding="utf-8")
        planned = opencti_run(emu, "plan", "ex", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        assert "Scripted" in {r["name"] for r in emu.snapshot()["roles"]}
