"""ResourceGroup `permissions` is authoritative whatever a permission's subject: one
granted by hand to a user (setResourcePermission's subjectType is free text) was dropped
on reading, so plan, drift, apply and export never saw it. Now an entry names a group or a
user; a user's grant no entry lists is drift, which apply removes; a listed one is set and
export writes it; one of another subject type shows and goes alike, and export leaves its
group out, saying why."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account
from tests.providers.conftest import fast_client

SEED: dict[str, Any] = {
    "users": [{"email": "alice@example.com"}],
    "iamGroups": [{"name": "Security"}],
    "resourceGroups": [
        {
            "name": "Cloud security",
            "permissions": [{"group": "Security", "resourceArea": "rule", "canRead": True}],
        }
    ],
}
MANIFEST = """\
apiVersion: j1sync/v1
kind: ResourceGroup
metadata:
  name: Cloud security
spec:
  permissions:
    - group: Security
      resourceArea: rule
      canRead: true
"""
SET_PERMISSION = """
mutation Grant($input: SetResourcePermissionInput!) {
  setResourcePermission(input: $input) { subjectId }
}
"""


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed=SEED, api_key=API_KEY) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def grant_by_hand(account: Account, subject_type: str, subject_id: str) -> None:
    """The grant as someone makes it in JupiterOne, through its API."""
    (group,) = account.emu.snapshot()["resource_groups"]
    fields = {"subjectType": subject_type, "subjectId": subject_id, "resourceArea": "rule"}
    flags = {"canCreate": True, "canRead": True, "canUpdate": True, "canDelete": True}
    variables = {"input": {**fields, "resourceType": "resource_group", "resourceId": group["id"]}}
    variables["input"].update(flags)
    client = fast_client(account.emu)
    try:
        client.execute("iam", SET_PERMISSION, variables)
    finally:
        client.close()


def subjects(account: Account) -> list[tuple[str, str]]:
    permissions = account.emu.snapshot().get("resource_permissions", [])
    return sorted((p["subjectType"], p["subjectId"]) for p in permissions)


def the_change(account: Account, folder: str | None = None) -> dict[str, Any]:
    result = account.run("plan", folder or account.manifests, "--format", "json")
    assert result.exit_code == 0, result.output
    (change,) = json.loads(result.stdout)["changes"]
    return dict(change)


def test_a_users_grant_no_entry_lists_is_drift_and_apply_removes_it(account: Account) -> None:
    account.write("rg.yaml", MANIFEST)
    grant_by_hand(account, "user", "alice@example.com")

    drift = account.run("drift", account.manifests)
    assert drift.exit_code == 2, drift.output
    assert "alice@example.com" in drift.output
    change = the_change(account)
    assert change["action"] == "update"
    assert change["changed_paths"] == ["permissions[1]"]
    assert change["before"]["permissions"][1]["user"] == "alice@example.com"

    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert subjects(account)[0][0] == "group" and len(subjects(account)) == 1
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_a_listed_user_is_granted_and_export_writes_it(account: Account) -> None:
    account.write(
        "rg.yaml",
        MANIFEST + "    - user: alice@example.com\n      resourceArea: rule\n      canRead: true\n",
    )
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert ("user", "alice@example.com") in subjects(account)
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output

    out = account.tmp_path / "exported"
    exported = account.run("export", "--out", str(out), "--kind", "ResourceGroup")
    assert exported.exit_code == 0, exported.output
    (written,) = out.rglob("*.yaml")
    assert "- user: alice@example.com\n" in written.read_text(encoding="utf-8")
    planned = account.run("plan", str(out), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output


def test_a_grant_to_a_subject_no_entry_can_name_shows_goes_and_is_not_exported(
    account: Account,
) -> None:
    account.write("rg.yaml", MANIFEST)
    grant_by_hand(account, "role", "auditor-role")
    change = the_change(account)
    assert change["changed_paths"] == ["permissions[1]"]
    assert change["before"]["permissions"][1]["subjectType"] == "role"

    out = account.tmp_path / "exported"
    exported = account.run("export", "--out", str(out), "--kind", "ResourceGroup")
    assert exported.exit_code == 0, exported.output
    assert (
        "ResourceGroup/Cloud security: left out of the export: spec.permissions[1]: a "
        "permission for subject type 'role' ('auditor-role'), which a manifest cannot list"
    ) in exported.output

    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert [s for s, _ in subjects(account)] == ["group"]


@pytest.mark.parametrize(
    ("entry", "line", "message"),
    [
        (
            "    - group: Security\n      user: alice@example.com\n      resourceArea: rule\n",
            11,
            "spec.permissions[1].user: give either group or user, not both",
        ),
        (
            "    - resourceArea: rule\n",
            10,
            "spec.permissions[1]: one of group (an IAM group's name) or user is required",
        ),
        (
            "    - user: alice@example.com\n      resourceArea: rule\n"
            "    - user: alice@example.com\n      resourceArea: rule\n",
            12,
            "spec.permissions[2]: duplicate permission for user 'alice@example.com', area "
            "'rule', type 'resource_group'",
        ),
    ],
)
def test_an_entry_names_one_subject_once(
    account: Account, entry: str, line: int, message: str
) -> None:
    path = account.write("rg.yaml", MANIFEST + entry)
    result = account.run("validate", account.manifests)
    assert result.exit_code == 1, result.output
    assert f"{path}:{line}:" in result.output
    assert f"ResourceGroup/Cloud security: {message}" in result.output
