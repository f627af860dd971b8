"""The product's promises, end to end: CLI -> engine -> HTTP -> emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from jupiterone import JupiterOneClient

from j1sync.cli import cli
from tests.e2e.conftest import API_KEY, Account
from tests.examples import jupiterone_examples

# the JupiterOne demo's examples (a JupiterOne emulator serves these tests)
EXAMPLES = str(jupiterone_examples())


def official_client(account: Account) -> JupiterOneClient:
    # the gateway, as the client sends everything live (rules included)
    return JupiterOneClient(
        account=account.emu.account, token=account.emu.api_key, url=account.emu.graphql_url
    )


def plan_json(account: Account, *paths: str) -> dict:
    result = account.run("plan", *paths, "--format", "json")
    assert result.exit_code in (0, 3), result.output
    return json.loads(result.stdout)


def rule_named(account: Account, name: str) -> dict:
    rules = [r for r in official_client(account).list_alert_rules() if r["name"] == name]
    assert len(rules) == 1, [r["name"] for r in rules]
    return rules[0]


def test_first_plan_of_examples_shows_creates_updates_deletes_and_unmanaged(
    account: Account,
) -> None:
    result = account.run("plan", EXAMPLES)
    assert result.exit_code == 0, result.output
    assert "+ AlertRule/public-s3-buckets-alert" in result.stdout
    assert "~ AlertRule/unencrypted-critical-data" in result.stdout
    assert "- AlertRule/legacy-open-ports" in result.stdout
    assert "unmanaged" in result.stdout.lower()
    actions = {c["address"]: c["action"] for c in plan_json(account, EXAMPLES)["changes"]}
    assert actions["Question/mfa-disabled-users"] == "create"
    assert actions["Question/public-s3-buckets"] == "update"
    assert actions["IamGroup/security-engineers"] == "update"
    assert actions["IntegrationSchedule/aws-production"] == "update"
    assert actions["AlertRule/legacy-open-ports"] == "delete"


def test_apply_then_plan_is_empty_for_examples(account: Account) -> None:
    before = account.emu.snapshot()
    applied = account.run("apply", EXAMPLES, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = account.run("plan", EXAMPLES, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes" in again.stdout
    after = account.emu.snapshot()

    # the hand-made (unmanaged) rule is byte-for-byte untouched
    def hand_made(snapshot: dict) -> list:
        return [
            obj
            for objs in snapshot.values()
            for obj in objs
            if isinstance(obj, dict) and obj.get("name") == "Root account login detected"
        ]

    assert hand_made(before) and hand_made(before) == hand_made(after)


def test_apply_without_approval_and_without_a_terminal_refuses(account: Account) -> None:
    result = account.run("apply", EXAMPLES)
    assert result.exit_code == 1
    assert "--auto-approve" in result.output
    assert account.run("plan", EXAMPLES, "--detailed-exitcode").exit_code == 2


def test_hand_edited_rule_is_reported_by_drift_and_healed_by_apply(account: Account) -> None:
    assert account.run("apply", EXAMPLES, "--auto-approve").exit_code == 0
    assert account.run("drift", EXAMPLES).exit_code == 0
    rule = rule_named(account, "unencrypted-critical-data")
    official_client(account).update_alert_rule(
        rule_id=rule["id"], description="edited by hand", ignore_previous_results=False
    )
    drift = account.run("drift", EXAMPLES)
    assert drift.exit_code == 2, drift.output
    assert "AlertRule/unencrypted-critical-data" in drift.stdout
    assert "description" in drift.stdout
    assert "edited by hand" in drift.stdout
    assert account.run("apply", EXAMPLES, "--auto-approve").exit_code == 0
    assert account.run("drift", EXAMPLES).exit_code == 0
    assert rule_named(account, "unencrypted-critical-data")["description"] != "edited by hand"


RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: rule-{i}
spec:
  description: rule number {i}
  question:
    queries:
      - name: query0
        query: Find Host with tag.n = {i}
"""


def test_safety_gate_blocks_deleting_4_of_10_rules_and_force_applies(
    empty_account: Account,
) -> None:
    acc = empty_account
    for i in range(10):
        acc.write(f"rules/rule-{i}.yaml", RULE.format(i=i))
    assert acc.run("apply", acc.manifests, "--auto-approve").exit_code == 0
    for i in range(4):
        (Path(acc.manifests) / f"rules/rule-{i}.yaml").unlink()
    planned = acc.run("plan", acc.manifests)
    assert planned.exit_code == 3, planned.output
    assert "4 of 10" in planned.output
    refused = acc.run("apply", acc.manifests, "--auto-approve")
    assert refused.exit_code == 3
    assert "--force" in refused.output
    assert len(official_client(acc).list_alert_rules()) == 10
    forced = acc.run("apply", acc.manifests, "--auto-approve", "--force")
    assert forced.exit_code == 0, forced.output
    names = sorted(r["name"] for r in official_client(acc).list_alert_rules())
    assert names == [f"rule-{i}" for i in range(4, 10)]


def test_apply_plan_applies_the_saved_plan_and_refuses_a_stale_one(account: Account) -> None:
    saved = account.tmp_path / "plan.json"
    assert account.run("plan", EXAMPLES, "--out", str(saved)).exit_code == 0
    assert API_KEY not in saved.read_text()
    applied = account.run("apply", "--plan", str(saved), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert account.run("plan", EXAMPLES, "--detailed-exitcode").exit_code == 0

    # a new plan, then a hand edit: the saved plan no longer describes the account
    rule = rule_named(account, "unencrypted-critical-data")
    official_client(account).update_alert_rule(
        rule_id=rule["id"], description="edited", ignore_previous_results=False
    )
    stale = account.tmp_path / "stale.json"
    assert account.run("plan", EXAMPLES, "--out", str(stale)).exit_code == 0
    official_client(account).update_alert_rule(
        rule_id=rule["id"], description="edited again", ignore_previous_results=False
    )
    refused = account.run("apply", "--plan", str(stale), "--auto-approve")
    assert refused.exit_code == 1
    assert "stale" in refused.output.lower()
    assert "AlertRule/unencrypted-critical-data" in refused.output
    assert rule_named(account, "unencrypted-critical-data")["description"] == "edited again"


QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: {name}
spec:
  title: {name}
  queries:
    - name: query0
      query: Find User with active = true
"""

REF_RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: {name}
spec:
  questionRef: {ref}
"""


def test_a_failed_change_skips_its_dependents_and_a_rerun_converges(
    empty_account: Account,
) -> None:
    acc = empty_account
    acc.write("q.yaml", QUESTION.format(name="q-users"))
    acc.write("r.yaml", REF_RULE.format(name="r-users", ref="q-users"))
    acc.write("independent.yaml", RULE.format(i=1))
    acc.emu.switches.fail_mutation("createQuestion", times=1)
    result = acc.run("apply", acc.manifests, "--auto-approve")
    assert result.exit_code == 1, result.output
    assert "failed" in result.output and "skipped" in result.output
    names = [r["name"] for r in official_client(acc).list_alert_rules()]
    assert names == ["rule-1"]
    rerun = acc.run("apply", acc.manifests, "--auto-approve")
    assert rerun.exit_code == 0, rerun.output
    assert acc.run("plan", acc.manifests, "--detailed-exitcode").exit_code == 0
    assert sorted(r["name"] for r in official_client(acc).list_alert_rules()) == [
        "r-users",
        "rule-1",
    ]


def test_deleting_runs_rules_before_the_questions_they_reference(empty_account: Account) -> None:
    acc = empty_account
    acc.write("q.yaml", QUESTION.format(name="q-users"))
    acc.write("r.yaml", REF_RULE.format(name="r-users", ref="q-users"))
    assert acc.run("apply", acc.manifests, "--auto-approve").exit_code == 0
    for name in ("q.yaml", "r.yaml"):
        (Path(acc.manifests) / name).unlink()
    acc.write("keep.yaml", RULE.format(i=1))
    plan = plan_json(acc, acc.manifests)
    changes = {c["address"]: c for c in plan["changes"]}
    assert changes["Question/q-users"]["action"] == "delete"
    assert changes["AlertRule/r-users"]["action"] == "delete"
    assert "AlertRule/r-users" in changes["Question/q-users"]["depends_on"]
    # every managed question goes: blocked by the safety gate, --force proceeds
    assert plan["safety"]["blocked"]
    result = acc.run("apply", acc.manifests, "--auto-approve", "--force")
    assert result.exit_code == 0, result.output
    assert result.output.index("AlertRule/r-users") < result.output.rindex("Question/q-users")
    assert [r["name"] for r in official_client(acc).list_alert_rules()] == ["rule-1"]


def test_the_api_key_never_appears_in_any_output(account: Account, tmp_path: Path) -> None:
    out = tmp_path / "p.json"
    outputs = [
        account.run("plan", EXAMPLES, "--out", str(out)).output,
        account.run("plan", EXAMPLES, "--format", "markdown").output,
        account.run("plan", EXAMPLES, "--format", "json").output,
        account.run("apply", EXAMPLES, "--auto-approve").output,
        account.run("drift", EXAMPLES).output,
        out.read_text(),
    ]
    for text in outputs:
        assert API_KEY not in text


def test_a_schedule_for_a_missing_instance_fails_the_plan_with_candidates(
    account: Account,
) -> None:
    account.write(
        "schedule.yaml",
        """\
        apiVersion: j1sync/v1
        kind: IntegrationSchedule
        metadata:
          name: aws-prodution
        spec:
          pollingInterval: ONE_DAY
          hour: 4
        """,
    )
    result = account.run("plan", account.manifests)
    assert result.exit_code == 1
    # at the field naming the instance: metadata.name, its default
    assert "schedule.yaml:4:9: IntegrationSchedule/aws-prodution: metadata.name: " in result.output
    assert "integration instance 'aws-prodution' not found" in result.output
    assert "did you mean 'aws-production'" in result.output
    assert "github-org (github)" in result.output
    assert "Traceback" not in result.output


def test_instances_sharing_a_name_are_scheduled_by_definition(account: Account) -> None:
    account.emu.seed_objects(
        {
            "integrationInstances": [
                {"name": "prod", "definition": "aws", "pollingInterval": "ONE_DAY"},
                {"name": "prod", "definition": "github", "pollingInterval": "ONE_DAY"},
            ]
        }
    )
    account.write(
        "prod-github.yaml",
        """\
        apiVersion: j1sync/v1
        kind: IntegrationSchedule
        metadata:
          name: prod-github
        spec:
          instance: prod
          definition: github
          pollingInterval: ONE_WEEK
          hour: 2
          dayOfWeek: 6
        """,
    )
    changes = plan_json(account, account.manifests)["changes"]
    updates = [c for c in changes if c["action"] == "update"]
    assert [c["address"] for c in updates] == ["IntegrationSchedule/prod (github)"]
    # the demo's managed rules and questions all go too: the safety gate wants --force
    forced = account.run("apply", account.manifests, "--auto-approve", "--force")
    assert forced.exit_code == 0, forced.output
    assert account.run("plan", account.manifests, "--detailed-exitcode").exit_code == 0
    instances = {
        i["definition"] if "definition" in i else i.get("integrationDefinitionId"): i
        for i in account.emu.snapshot()["integration_instances"]
        if i["name"] == "prod"
    }
    assert len(instances) == 2
    schedules = sorted(i["pollingInterval"] for i in instances.values())
    assert schedules == ["ONE_DAY", "ONE_WEEK"]

    account.write(
        "prod-any.yaml",
        """\
        apiVersion: j1sync/v1
        kind: IntegrationSchedule
        metadata:
          name: prod
        spec:
          pollingInterval: ONE_DAY
        """,
    )
    # beside prod-github, a schedule of 'prod' with no definition may be the same instance
    conflict = account.run("validate", account.manifests)
    assert conflict.exit_code == 1
    assert "an instance has one schedule" in conflict.output
    (Path(account.manifests) / "prod-github.yaml").unlink()
    ambiguous = account.run("plan", account.manifests)
    assert ambiguous.exit_code == 1
    assert "2 integration instances are named 'prod'" in ambiguous.output
    assert "add `definition`" in ambiguous.output


def test_on_a_terminal_apply_asks_and_only_yes_applies(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("j1sync.commands._common.stdin_is_terminal", lambda: True)
    runner = CliRunner()
    declined = runner.invoke(cli, ["apply", EXAMPLES], input="y\n", env=account.env())
    assert declined.exit_code == 1
    assert "Only 'yes' will be accepted" in declined.output
    assert "Cancelled" in declined.output
    assert account.run("plan", EXAMPLES, "--detailed-exitcode").exit_code == 2
    approved = runner.invoke(cli, ["apply", EXAMPLES], input="yes\n", env=account.env())
    assert approved.exit_code == 0, approved.output
    assert account.run("plan", EXAMPLES, "--detailed-exitcode").exit_code == 0
