"""A schedule for an instance the account lacks is placed at the field that names it:
`spec.instance` when the manifest gives one (from `${env:}` too), else `metadata.name`.
The error used to point at the document's first line (`1:1`), naming no field."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run

SCHEDULE = """\
apiVersion: j1sync/v1
kind: IntegrationSchedule
metadata:
  name: my-schedule
spec:
  instance: {instance}
  pollingInterval: ONE_DAY
  hour: 4
"""
SEED = {
    **BASE_SEED,
    "integrationInstances": [
        {"name": "aws-production", "definition": "aws", "pollingInterval": "ONE_DAY"},
    ],
}


@pytest.mark.parametrize(
    ("instance", "shown"), [("aws-prodution", "aws-prodution"), ('"${env:INST}"', "(sensitive)")]
)
def test_a_missing_instance_is_placed_at_spec_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, instance: str, shown: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INST", "aws-prodution")
    Path("m").mkdir()
    Path("m/s.yaml").write_text(SCHEDULE.format(instance=instance), encoding="utf-8")
    with running_emulator(seed=SEED) as emu:
        before = emu.snapshot()
        result = jupiterone_run(emu, "plan", "m")
        assert result.exit_code == 1, result.output
        assert "m/s.yaml:6:13: IntegrationSchedule/" in result.output, result.output
        assert f": spec.instance: integration instance '{shown}' not found" in result.output
        assert "did you mean 'aws-production'" in result.output
        assert emu.snapshot() == before
