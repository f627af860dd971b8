"""An integration instance that holds no polling interval (IntegrationInstance.pollingInterval
is nullable in JupiterOne's schema: an instance that is never polled) was exported as a
schedule without `pollingInterval`, which the manifest requires: the exported folder
stopped every plan at that file ("required field 'pollingInterval' is missing"). No
manifest can say what such an instance holds, so export now leaves it out with a warning,
as it does other objects no manifest can declare; a manifest that gives it an interval
still applies."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run

SEED = {
    **BASE_SEED,
    "integrationInstances": [
        {"name": "custom", "definition": "jira", "pollingInterval": "ONE_DAY"},
        {"name": "github-org", "definition": "github", "pollingInterval": "ONE_WEEK"},
    ],
}
SCHEDULE = """\
apiVersion: j1sync/v1
kind: IntegrationSchedule
metadata:
  name: custom
spec:
  pollingInterval: ONE_DAY
  hour: 4
"""


def _never_polled(emu: Emulator, name: str) -> None:
    """The instance as JupiterOne may hold it: no polling interval."""
    (instance,) = [i for i in emu.snapshot()["integration_instances"] if i["name"] == name]
    edited = copy.deepcopy(instance)
    edited["pollingInterval"] = None
    emu.store.replace("integration_instances", edited)


def test_an_instance_without_an_interval_is_left_out_of_an_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with running_emulator(seed=SEED) as emu:
        _never_polled(emu, "custom")
        exported = jupiterone_run(emu, "export", "--out", "ex", "--kind", "IntegrationSchedule")
        assert exported.exit_code == 0, exported.output
        assert "Traceback" not in exported.output
        assert "IntegrationSchedule/custom" in exported.output
        assert "spec.pollingInterval" in exported.output
        files = sorted(p.name for p in Path("ex").rglob("*.yaml"))
        assert files == ["github-org.yaml"]
        planned = jupiterone_run(emu, "plan", "ex", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output


def test_a_manifest_gives_an_instance_without_an_interval_its_schedule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    Path("m/s.yaml").write_text(SCHEDULE, encoding="utf-8")
    with running_emulator(seed=SEED) as emu:
        _never_polled(emu, "custom")
        drift = jupiterone_run(emu, "drift")
        assert drift.exit_code == 2, drift.output
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert jupiterone_run(emu, "plan", "--detailed-exitcode").exit_code == 0
