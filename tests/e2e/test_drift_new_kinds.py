"""Drift healed for the kinds issue 13 added, together: a parameter's value, a secret
changed in the app, a permission of a resource group, a rule taken out of its group and a
board's widget, all edited by hand; `drift` names each, one apply heals them all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, PARAMETER_SECRET, PARAMETER_SECRET_VARIABLE, Account

SEED = {"users": [{"email": "alice@example.com"}], "iamGroups": [{"name": "Security"}]}

MANIFESTS = f"""\
apiVersion: j1sync/v1
kind: Parameter
metadata: {{name: regions}}
spec: {{value: [us-east-1, eu-west-1]}}
---
apiVersion: j1sync/v1
kind: Parameter
metadata: {{name: hook_token}}
spec: {{value: "${{env:{PARAMETER_SECRET_VARIABLE}}}", secret: true}}
---
apiVersion: j1sync/v1
kind: ResourceGroup
metadata: {{name: Cloud}}
spec:
  permissions:
    - {{group: Security, resourceArea: rule, canRead: true}}
---
apiVersion: j1sync/v1
kind: AlertRule
metadata: {{name: open-buckets}}
spec:
  resourceGroup: Cloud
  question:
    queries: [{{name: query0, query: Find aws_s3_bucket with public = true}}]
---
apiVersion: j1sync/v1
kind: Dashboard
metadata: {{name: Cloud posture}}
spec:
  resourceGroup: Cloud
  widgets:
    buckets:
      title: Public buckets
      type: number
      queries: [{{name: q, query: FIND aws_s3_bucket WITH public = true}}]
  layouts:
    lg: [{{widget: buckets, x: 0, y: 0, w: 4, h: 2}}]
"""


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed=SEED, api_key=API_KEY, page_size=7) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def one(account: Account, collection: str, **match: Any) -> dict[str, Any]:
    found = [
        obj
        for obj in account.emu.snapshot()[collection]
        if all(obj.get(k) == v for k, v in match.items())
    ]
    assert len(found) == 1, found
    return found[0]


def test_hand_edits_of_every_new_kind_are_drift_and_one_apply_heals_them(
    account: Account,
) -> None:
    account.write("all.yaml", MANIFESTS)
    assert account.run("apply", account.manifests, "--auto-approve").exit_code == 0
    assert account.run("drift", account.manifests).exit_code == 0

    store = account.emu.backend.store
    group = one(account, "resource_groups", name="Cloud")
    store.replace("parameters", {**one(account, "parameters", name="regions"), "value": ["x"]})
    # a secret set again in the app: its value cannot be read, its write time can
    account.emu.seed_objects(
        {"parameters": [{"name": "hook_token", "value": "typed in the app", "secret": True}]}
    )
    permission = one(account, "resource_permissions", resourceId=group["id"])
    store.replace("resource_permissions", {**permission, "canDelete": True})
    store.replace("rules", {**one(account, "rules", name="open-buckets"), "resourceGroupId": None})
    board = one(account, "dashboards", name="Cloud posture")
    widgets = [{**w, "title": "Renamed in the app"} for w in board["widgets"]]
    store.replace("dashboards", {**board, "widgets": widgets})

    drift = account.run("drift", account.manifests)
    assert drift.exit_code == 2, drift.output
    for address in (
        "Parameter/regions",
        "Parameter/hook_token",
        "ResourceGroup/Cloud",
        "AlertRule/open-buckets",
        "Dashboard/Cloud posture",
    ):
        assert address in drift.stdout, address
    assert "typed in the app" not in drift.output and PARAMETER_SECRET not in drift.output

    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert account.run("drift", account.manifests).exit_code == 0
    assert one(account, "parameters", name="regions")["value"] == ["us-east-1", "eu-west-1"]
    assert one(account, "parameters", name="hook_token")["value"] == PARAMETER_SECRET
    assert not one(account, "resource_permissions", resourceId=group["id"])["canDelete"]
    assert one(account, "rules", name="open-buckets")["resourceGroupId"] == group["id"]
    titles = [w["title"] for w in one(account, "dashboards", name="Cloud posture")["widgets"]]
    assert titles == ["Public buckets"]
