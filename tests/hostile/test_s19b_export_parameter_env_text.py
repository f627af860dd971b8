"""export of a JupiterOne parameter whose value holds `${env:...}` (a shell snippet's
`${env:HOME}`): it was written as it was, with a warning; a manifest reads that as an
environment variable and has no escape for it, so the first plan of the exported folder
planned replacing the text with the variable's value. Now, as for xyOps and OpenCTI, such
a parameter is left out with a warning naming the field, and the plan never deletes it,
`prune: Parameter` notwithstanding."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run

SEED = {
    **BASE_SEED,
    "parameters": [
        {"name": "login_script", "value": "cd ${env:HOME} && ./login"},
        {"name": "regions", "value": ["us-east-1", "eu-west-1"]},
    ],
}


def test_an_exported_account_plans_no_change_to_a_parameter_holding_env_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    with running_emulator(seed=SEED) as emu:
        exported = jupiterone_run(emu, "export", "--out", "exp", "--kind", "Parameter")
        assert exported.exit_code == 0, exported.output
        assert (
            "Parameter/login_script: left out of the export: spec.value: holds '${env:...}'"
        ) in exported.output
        assert sorted(p.name for p in Path("exp").rglob("*.yaml")) == ["regions.yaml"]
        Path("j1sync.yaml").write_text("paths: [exp]\nprune:\n  Parameter: true\n", "utf-8")
        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        values = {p["name"]: p["value"] for p in emu.snapshot()["parameters"]}
        assert values == {
            "login_script": "cd ${env:HOME} && ./login",
            "regions": ["us-east-1", "eu-west-1"],
        }
