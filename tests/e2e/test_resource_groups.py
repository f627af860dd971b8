"""ResourceGroup end to end: a group with its permissions per IAM group, a rule placed in
it by name, drift healed, unmanaged groups left alone, and prune only on request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account

SEED = {
    "users": [{"email": "alice@example.com"}],
    "iamGroups": [{"name": "Security"}, {"name": "Auditors"}],
    "resourceGroups": [
        {
            "name": "Hand made",
            "permissions": [{"group": "Auditors", "resourceArea": "rule", "canRead": True}],
        }
    ],
}

MANIFESTS = """\
apiVersion: j1sync/v1
kind: ResourceGroup
metadata:
  name: Cloud security
spec:
  permissions:
    - group: Security
      resourceArea: rule
      canRead: true
      canUpdate: true
    - group: Auditors
      resourceArea: rule
      canRead: true
---
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: open-buckets
spec:
  resourceGroup: Cloud security
  question:
    queries:
      - name: query0
        query: Find aws_s3_bucket with public = true
  operations:
    - actions:
        - type: CREATE_ALERT
"""


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed=SEED, api_key=API_KEY, page_size=7) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def changes(account: Account) -> dict[str, dict[str, Any]]:
    result = account.run("plan", account.manifests, "--format", "json")
    assert result.exit_code == 0, result.output
    return {c["address"]: c for c in json.loads(result.stdout)["changes"]}


def converge(account: Account) -> None:
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def group_named(account: Account, name: str) -> dict[str, Any]:
    return next(g for g in account.emu.snapshot()["resource_groups"] if g["name"] == name)


def permissions_of(account: Account, group_id: str) -> list[dict[str, Any]]:
    return [
        p
        for p in account.emu.snapshot().get("resource_permissions", [])
        if p["resourceId"] == group_id
    ]


def test_a_group_its_permissions_and_a_rule_in_it_are_created_and_converge(
    account: Account,
) -> None:
    account.write("all.yaml", MANIFESTS)
    planned = changes(account)
    assert planned["ResourceGroup/Cloud security"]["action"] == "create"
    converge(account)
    group = group_named(account, "Cloud security")
    granted = {
        (p["resourceArea"], p["canRead"], p["canUpdate"])
        for p in permissions_of(account, group["id"])
    }
    assert granted == {("rule", True, True), ("rule", True, False)}
    rule = next(r for r in account.emu.snapshot()["rules"] if r["name"] == "open-buckets")
    assert rule["resourceGroupId"] == group["id"]


def test_a_hand_edited_permission_is_drift_and_apply_heals_it(account: Account) -> None:
    account.write("all.yaml", MANIFESTS)
    converge(account)
    group = group_named(account, "Cloud security")
    store = account.emu.backend.store
    for permission in permissions_of(account, group["id"]):
        store.replace("resource_permissions", {**permission, "canDelete": True})
    drift = account.run("drift", account.manifests)
    assert drift.exit_code == 2, drift.output
    planned = changes(account)["ResourceGroup/Cloud security"]
    assert planned["changed_paths"] == [
        "permissions[0].canDelete",
        "permissions[1].canDelete",
    ]
    converge(account)
    assert not any(p["canDelete"] for p in permissions_of(account, group["id"]))


def test_an_unmanaged_group_is_counted_and_untouched_and_pruned_only_on_request(
    account: Account,
) -> None:
    account.write("all.yaml", MANIFESTS)
    before = group_named(account, "Hand made")
    converge(account)
    assert group_named(account, "Hand made") == before
    result = account.run("plan", account.manifests, "--format", "json")
    unmanaged = [u["address"] for u in json.loads(result.stdout)["unmanaged"]]
    assert "ResourceGroup/Hand made" in unmanaged

    account.write("j1sync.yaml", "prune:\n  ResourceGroup: true\n")
    assert changes(account)["ResourceGroup/Hand made"]["action"] == "delete"
    converge(account)
    names = [g["name"] for g in account.emu.snapshot()["resource_groups"]]
    assert names == ["Cloud security"]


def test_taking_a_rule_out_of_its_group_and_removing_a_permission(account: Account) -> None:
    account.write("all.yaml", MANIFESTS)
    converge(account)
    edited = MANIFESTS.replace("  resourceGroup: Cloud security\n", "").replace(
        "    - group: Auditors\n      resourceArea: rule\n      canRead: true\n", ""
    )
    account.write("all.yaml", edited)
    planned = changes(account)
    assert planned["AlertRule/open-buckets"]["changed_paths"] == ["resourceGroup"]
    # the Auditors entry sorts first: the list is compared by position
    assert planned["ResourceGroup/Cloud security"]["changed_paths"] == [
        "permissions[0].canUpdate",
        "permissions[0].group",
        "permissions[1]",
    ]
    converge(account)
    group = group_named(account, "Cloud security")
    assert len(permissions_of(account, group["id"])) == 1
    rule = next(r for r in account.emu.snapshot()["rules"] if r["name"] == "open-buckets")
    assert rule["resourceGroupId"] is None


def test_a_rule_naming_an_undeclared_group_is_a_manifest_error(account: Account) -> None:
    account.write(
        "all.yaml",
        MANIFESTS.replace("resourceGroup: Cloud security", "resourceGroup: Cloud securty"),
    )
    result = account.run("validate", account.manifests)
    assert result.exit_code == 1
    assert "no ResourceGroup manifest named 'Cloud securty'; did you mean 'Cloud security'?" in (
        result.output
    )
