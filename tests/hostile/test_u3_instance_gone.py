"""An integration instance deleted in JupiterOne while a schedule (or a rule action) still
names it: drift and plan stop (exit 1), as for a typo. The message ran its parts together
("integration instance 'github-org' not found instances: aws-production (aws)") and did
not say that j1sync never creates an instance; schedules and rule actions each had their
own copy of it. Now one message, for both, lists the account's instances after a
semicolon and says so."""

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
  pollingInterval: ONE_DAY
"""
RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: to-jira
spec:
  question:
    queries:
      - {name: q, query: Find Host}
  operations:
    - when:
        type: FILTER
        condition: [AND, [queries.q.total, ">", 0]]
      actions:
        - type: CREATE_JIRA_TICKET
          integrationInstance: github-org
          entityClass: Vulnerability
          project: SEC
          summary: hosts
          issueType: Bug
"""
SEED = {
    **BASE_SEED,
    "integrationInstances": [
        {"name": "github-org", "definition": "github", "pollingInterval": "ONE_WEEK"},
        {"name": "aws-prod", "definition": "aws", "pollingInterval": "ONE_DAY"},
    ],
}


def test_an_instance_deleted_by_hand_is_named_with_what_the_account_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    Path("m/s.yaml").write_text(SCHEDULE, encoding="utf-8")
    with running_emulator(seed=SEED) as emu:
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        [instance] = [
            o for o in emu.snapshot()["integration_instances"] if o["name"] == "github-org"
        ]
        emu.backend.store.delete("integration_instances", instance["id"])

        drift = jupiterone_run(emu, "drift")
        assert drift.exit_code == 1, drift.output
        assert (
            "m/s.yaml:4:9: IntegrationSchedule/github-org: metadata.name: integration instance "
            "'github-org' not found; the account's instances: aws-prod (aws) (j1sync never "
            "creates one)"
        ) in drift.output

        Path("m/s.yaml").unlink()
        Path("m/r.yaml").write_text(RULE, encoding="utf-8")
        planned = jupiterone_run(emu, "plan")
        assert planned.exit_code == 1, planned.output
        assert (
            "integration instance 'github-org' not found; the account's instances: aws-prod "
            "(aws) (j1sync never creates one)"
        ) in planned.output
