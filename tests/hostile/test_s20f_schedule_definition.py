"""An IntegrationSchedule whose `definition` is not its instance's type, written in another
case ('GitHub' for github) or another type altogether: the error said the instance was
not found and asked "did you mean 'github-org'?", the very name the manifest writes, and
never which type the instance is. It now says the instance's type, and the definition
meant."""

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
  name: github-org
spec:
  definition: {definition}
  pollingInterval: ONE_WEEK
  dayOfWeek: 1
"""
SEED = {
    **BASE_SEED,
    "integrationInstances": [
        {"name": "github-org", "definition": "github", "pollingInterval": "ONE_DAY"},
        {"name": "aws-prod", "definition": "aws", "pollingInterval": "ONE_DAY"},
    ],
}


@pytest.mark.parametrize(
    ("definition", "hint"),
    [("GitHub", "; did you mean definition 'github'?"), ("jira", "")],
)
@pytest.mark.parametrize("command", [("plan",), ("apply", "--auto-approve"), ("drift",)])
def test_a_definition_other_than_the_instance_type_says_the_type(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
    definition: str,
    hint: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    Path("m/s.yaml").write_text(SCHEDULE.format(definition=definition), encoding="utf-8")
    with running_emulator(seed=SEED) as emu:
        before = emu.snapshot()
        result = jupiterone_run(emu, *command)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
        assert (
            f"m/s.yaml:6:15: IntegrationSchedule/github-org: spec.definition: integration "
            f"instance 'github-org' "
            f"of type '{definition}' not found: 'github-org' is of type 'github'{hint}; the "
            "account's instances: aws-prod (aws), github-org (github)"
        ) in result.output
        assert "did you mean 'github-org'" not in result.output
        assert emu.snapshot() == before
