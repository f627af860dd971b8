"""Rule actions that name their integration instance (`integrationInstance: <name>`),
through the CLI against the emulator: resolved to the id at apply time, compared and
exported by name, and a name that matches no instance (or several) stops the plan."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account

SEED = {
    "integrationDefinitions": [
        {"type": "jira", "title": "Jira"},
        {"type": "slack", "title": "Slack"},
        {"type": "aws", "title": "AWS"},
    ],
    "integrationInstances": [
        {"name": "jira-cloud", "definition": "jira"},
        {"name": "security-alerts", "definition": "slack"},
        # two instances share a name: keyed 'shared (jira)' and 'shared (aws)'
        {"name": "shared", "definition": "jira"},
        {"name": "shared", "definition": "aws"},
    ],
}

JIRA_ACTION = {
    "type": "CREATE_JIRA_TICKET",
    "integrationInstance": "jira-cloud",
    "project": "SEC",
    "summary": "Unencrypted data stores",
    "issueType": "Task",
}


def rule(*actions: dict[str, Any]) -> dict[str, Any]:
    return {
        "question": {"queries": [{"name": "query0", "query": "Find DataStore"}]},
        "operations": [
            {
                "when": {"condition": ["AND", ["queries.query0.total", ">", 0]]},
                "actions": [{"type": "CREATE_ALERT"}, *actions],
            }
        ],
    }


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed=SEED, api_key=API_KEY, page_size=7) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def write_rules(account: Account, **rules: dict[str, Any]) -> None:
    root = Path(account.manifests)
    for old in root.glob("*.yaml"):
        old.unlink()
    root.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="safe", pure=True)
    for name, spec in rules.items():
        document = {"apiVersion": "j1sync/v1", "kind": "AlertRule", "metadata": {"name": name}}
        with (root / f"{name}.yaml").open("w", encoding="utf-8") as handle:
            yaml.dump({**document, "spec": spec}, handle)


def instance_id(account: Account, name: str, definition: str = "jira") -> str:
    snapshot = account.emu.snapshot()
    types = {d["id"]: d["type"] for d in snapshot["integration_definitions"]}
    return next(
        str(i["id"])
        for i in snapshot["integration_instances"]
        if i["name"] == name and types[i["integrationDefinitionId"]] == definition
    )


def live_actions(account: Account, name: str) -> list[dict[str, Any]]:
    found = next(r for r in account.emu.snapshot()["rules"] if r["name"] == name)
    actions: list[dict[str, Any]] = found["operations"][0]["actions"]
    return actions


def apply_and_converge(account: Account) -> None:
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_an_action_naming_its_instance_is_sent_with_the_instance_id_and_converges(
    account: Account,
) -> None:
    write_rules(account, ticket=rule(JIRA_ACTION))
    planned = account.run("plan", account.manifests, "--format", "json")
    assert planned.exit_code == 0, planned.output
    (change,) = json.loads(planned.stdout)["changes"]
    assert change["action"] == "create"
    assert change["after"]["operations"][0]["actions"][1]["integrationInstance"] == "jira-cloud"

    apply_and_converge(account)
    sent = live_actions(account, "ticket")[1]
    assert sent["integrationInstanceId"] == instance_id(account, "jira-cloud")
    assert "integrationInstance" not in sent
    assert sent["project"] == "SEC"


def test_changing_the_named_instance_updates_only_that_field(account: Account) -> None:
    write_rules(account, ticket=rule(JIRA_ACTION))
    apply_and_converge(account)
    write_rules(account, ticket=rule({**JIRA_ACTION, "integrationInstance": "shared (jira)"}))
    planned = account.run("plan", account.manifests, "--format", "json")
    (change,) = json.loads(planned.stdout)["changes"]
    assert change["changed_paths"] == ["operations[0].actions[1].integrationInstance"]
    apply_and_converge(account)
    assert live_actions(account, "ticket")[1]["integrationInstanceId"] == instance_id(
        account, "shared"
    )


def test_a_saved_plan_resolves_the_instance_when_applied(account: Account) -> None:
    write_rules(account, ticket=rule(JIRA_ACTION))
    plan_file = str(account.tmp_path / "plan.json")
    planned = account.run("plan", account.manifests, "--out", plan_file)
    assert planned.exit_code == 0, planned.output
    applied = account.run("apply", "--plan", plan_file, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    sent = live_actions(account, "ticket")[1]
    assert sent["integrationInstanceId"] == instance_id(account, "jira-cloud")


def test_an_unknown_instance_name_is_a_plan_error_listing_the_instances(
    account: Account,
) -> None:
    before = account.emu.snapshot()
    write_rules(account, ticket=rule({**JIRA_ACTION, "integrationInstance": "jira-clod"}))
    for command in (("plan",), ("apply", "--auto-approve")):
        result = account.run(*command, account.manifests)
        assert result.exit_code == 1, result.output
        # the manifest's file and line lead, as the loader's errors do
        where = f"{Path(account.manifests) / 'ticket.yaml'}:1:1: "
        assert (
            f"{where}AlertRule/ticket: operations[0].actions[1].integrationInstance: "
            "integration instance 'jira-clod' not found; did you mean 'jira-cloud'?"
        ) in result.output
        assert "jira-cloud (jira), security-alerts (slack), shared (aws)" in result.output
    assert account.emu.snapshot() == before


def test_an_instance_renamed_in_jupiterone_stops_the_next_plan(account: Account) -> None:
    write_rules(account, ticket=rule(JIRA_ACTION))
    apply_and_converge(account)
    instance = next(
        i for i in account.emu.snapshot()["integration_instances"] if i["name"] == "jira-cloud"
    )
    account.emu.store.replace("integration_instances", {**instance, "name": "jira-prod"})
    result = account.run("plan", account.manifests)
    assert result.exit_code == 1, result.output
    assert "integration instance 'jira-cloud' not found" in result.output
    assert "jira-prod (jira)" in result.output


def test_a_shared_name_is_a_plan_error_until_the_definition_picks_one(
    account: Account,
) -> None:
    write_rules(account, ticket=rule({**JIRA_ACTION, "integrationInstance": "shared"}))
    result = account.run("plan", account.manifests)
    assert result.exit_code == 1, result.output
    assert (
        "2 integration instances are named 'shared'; write one of 'shared (jira)', "
        "'shared (aws)' to pick one"
    ) in result.output


def test_export_writes_the_instance_name_not_its_id(account: Account) -> None:
    write_rules(account, ticket=rule(JIRA_ACTION))
    apply_and_converge(account)
    out = account.tmp_path / "exported"
    exported = account.run("export", "--kind", "AlertRule", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    text = (out / "alert-rules" / "ticket.yaml").read_text(encoding="utf-8")
    assert "integrationInstance: jira-cloud" in text
    assert "integrationInstanceId" not in text
    assert instance_id(account, "jira-cloud") not in text
    assert not (out / "integration-schedules").exists()  # read for names, not exported


def test_a_raw_instance_id_beside_a_named_one_converges(account: Account) -> None:
    raw = {**JIRA_ACTION, "integrationInstanceId": instance_id(account, "jira-cloud")}
    del raw["integrationInstance"]
    slack = {"type": "SEND_SLACK_MESSAGE", "integrationInstance": "security-alerts"}
    write_rules(account, raw=rule(raw), named=rule(slack))
    apply_and_converge(account)
    assert live_actions(account, "raw")[1]["integrationInstanceId"] == raw["integrationInstanceId"]


def test_instances_are_read_only_when_a_manifest_names_one(account: Account) -> None:
    write_rules(account, plain=rule())
    account.emu.stats.reset()
    assert account.run("plan", account.manifests).exit_code == 0
    assert account.emu.stats.requests["integrationInstances"] == 0

    write_rules(account, plain=rule(JIRA_ACTION))
    assert account.run("plan", account.manifests).exit_code == 0
    assert account.emu.stats.requests["integrationInstances"] >= 1


def test_both_a_name_and_an_id_is_a_manifest_error(account: Account) -> None:
    write_rules(account, ticket=rule({**JIRA_ACTION, "integrationInstanceId": "x"}))
    result = account.run("validate", account.manifests)
    assert result.exit_code == 1
    assert (
        "spec.operations[0].actions[1].integrationInstance: give either "
        "integrationInstance (a name) or integrationInstanceId, not both"
    ) in result.output
