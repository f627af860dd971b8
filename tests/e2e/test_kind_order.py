"""The provider's kinds in dependency order (each after the kinds its objects name), and a
rule and the resource group it joins applied in one run, whichever of them is new."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.manifest import load_manifests
from j1sync.providers.jupiterone import connect
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.settings import Settings
from j1sync.reconcile import desired_objects
from tests.e2e.conftest import API_KEY, Account

SEED = {
    "users": [{"email": "alice@example.com"}],
    "integrationDefinitions": [{"type": "jira", "title": "Jira"}],
    "integrationInstances": [
        {"name": "jira-cloud", "definition": "jira", "pollingInterval": "ONE_DAY"}
    ],
    "iamGroups": [{"name": "Security"}],
}

# Every reference a manifest can make to another kind.
EVERY_REFERENCE = """\
apiVersion: j1sync/v1
kind: IamGroup
metadata: {name: Responders}
spec: {description: on call}
---
apiVersion: j1sync/v1
kind: ResourceGroup
metadata: {name: Cloud}
spec:
  permissions:
    - {group: Responders, resourceArea: rule, canRead: true}
---
apiVersion: j1sync/v1
kind: Question
metadata: {name: buckets}
spec:
  title: Public buckets
  queries: [{name: query0, query: Find aws_s3_bucket with public = true}]
---
apiVersion: j1sync/v1
kind: IntegrationSchedule
metadata: {name: jira-cloud}
spec: {pollingInterval: ONE_DAY}
---
apiVersion: j1sync/v1
kind: AlertRule
metadata: {name: buckets-alert}
spec:
  questionRef: buckets
  resourceGroup: Cloud
  operations:
    - actions:
        - {type: CREATE_JIRA_TICKET, integrationInstance: jira-cloud, project: SEC}
---
apiVersion: j1sync/v1
kind: Dashboard
metadata: {name: Cloud posture}
spec:
  resourceGroup: Cloud
  widgets:
    buckets: {title: Public buckets, type: number, question: buckets}
"""

GROUP = """\
apiVersion: j1sync/v1
kind: ResourceGroup
metadata: {name: Cloud security}
spec:
  permissions:
    - {group: Security, resourceArea: rule, canRead: true, canUpdate: true}
"""
RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata: {name: open-buckets}
spec:
  question:
    queries: [{name: query0, query: Find aws_s3_bucket with public = true}]
  operations:
    - actions: [{type: CREATE_ALERT}]
"""
RULE_IN_GROUP = RULE.replace("spec:\n", "spec:\n  resourceGroup: Cloud security\n")


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed=SEED, api_key=API_KEY, page_size=7) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def test_every_kind_comes_after_the_kinds_its_objects_name(account: Account) -> None:
    path = account.write("all.yaml", EVERY_REFERENCE)
    emu = account.emu
    provider = connect(Settings(api_key=emu.api_key, account=emu.account, api_url=emu.url))
    try:
        order = [kind.kind for kind in provider.kinds]
        desired = desired_objects(load_manifests([path], env={}), provider)
    finally:
        provider.close()
    named = {(d.kind, dep.split("/", 1)[0]) for d in desired for dep in d.depends_on}
    # the manifests above make every kind of reference there is
    assert named >= {
        ("ResourceGroup", "IamGroup"),
        ("AlertRule", "Question"),
        ("AlertRule", "ResourceGroup"),
        ("AlertRule", "IntegrationSchedule"),
        ("Dashboard", "Question"),
        ("Dashboard", "ResourceGroup"),
    }
    for kind, target in named:
        assert order.index(target) < order.index(kind), f"{kind} names {target}"


def plan(account: Account) -> dict[str, Any]:
    result = account.run("plan", account.manifests, "--format", "json")
    assert result.exit_code == 0, result.output
    return {c["address"]: c["action"] for c in json.loads(result.stdout)["changes"]}


def apply_once_and_converge(account: Account) -> None:
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def groups(account: Account) -> dict[str, str]:
    return {g["name"]: g["id"] for g in account.emu.snapshot().get("resource_groups", [])}


def rule_group(account: Account) -> Any:
    rules = account.emu.snapshot()["rules"]
    return next(r for r in rules if r["name"] == "open-buckets").get("resourceGroupId")


def test_a_new_group_and_a_new_rule_in_it_apply_in_one_run(account: Account) -> None:
    account.write("group.yaml", GROUP)
    account.write("rule.yaml", RULE_IN_GROUP)
    assert plan(account) == {
        "ResourceGroup/Cloud security": "create",
        "AlertRule/open-buckets": "create",
    }
    apply_once_and_converge(account)
    assert rule_group(account) == groups(account)["Cloud security"]


def test_an_existing_rule_moves_into_a_new_group_in_one_run(account: Account) -> None:
    account.write("rule.yaml", RULE)
    apply_once_and_converge(account)
    assert rule_group(account) is None

    account.write("group.yaml", GROUP)
    account.write("rule.yaml", RULE_IN_GROUP)
    assert plan(account) == {
        "ResourceGroup/Cloud security": "create",
        "AlertRule/open-buckets": "update",
    }
    apply_once_and_converge(account)
    assert rule_group(account) == groups(account)["Cloud security"]


def test_a_group_and_its_rule_are_deleted_in_one_run_rule_first(account: Account) -> None:
    """The API refuses to delete a group rules still belong to: deletes run in reverse."""
    account.write("group.yaml", GROUP)
    account.write("rule.yaml", RULE_IN_GROUP)
    # one of each kind stays: deleting every managed object of a kind needs --force
    account.write("keep.yaml", RULE.replace("open-buckets", "kept"))
    account.write("keep-group.yaml", GROUP.replace("Cloud security", "Kept"))
    apply_once_and_converge(account)

    (Path(account.manifests) / "group.yaml").unlink()
    (Path(account.manifests) / "rule.yaml").unlink()
    account.write("j1sync.yaml", "prune:\n  ResourceGroup: true\n")
    planned = plan(account)
    assert planned["ResourceGroup/Cloud security"] == "delete"
    assert planned["AlertRule/open-buckets"] == "delete"
    apply_once_and_converge(account)
    assert list(groups(account)) == ["Kept"]
    assert [r["name"] for r in account.emu.snapshot()["rules"]] == ["kept"]
