"""A field the manifest leaves out is unmanaged, for the plan and for the executor alike
(engine.contract.comparable_live_state, the one rule both use): an IAM group manifest
without `members` never plans a membership change, and after an update whose response
was lost, the executor's re-read finds the update made even though the live group has
members the manifest does not list."""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.conftest import Account

GROUP = """\
apiVersion: j1sync/v1
kind: IamGroup
metadata:
  name: security-engineers
spec:
  description: {description}
  abacPermissions: [readGraph, accessRules, adminRules, writeQuestions]
  queryPolicy:
    - _class: [DataStore, Host, User]
"""


# an account holding just this group, with members (a demo account would also have rules
# and questions to prune)
SEED = {
    "users": [{"email": "alice@example.com"}, {"email": "bob@example.com"}],
    "iamGroups": [
        {
            "name": "security-engineers",
            "description": "Security engineering team",
            "abacPermissions": ["readGraph", "accessRules", "adminRules", "writeQuestions"],
            "queryPolicy": [{"_class": ["DataStore", "Host", "User"]}],
            "members": ["alice@example.com", "bob@example.com"],
        }
    ],
}


def _group(account: Account) -> dict[str, Any]:
    groups = account.emu.snapshot()["iam_groups"]
    found = [g for g in groups if g["name"] == "security-engineers"]
    assert len(found) == 1, groups
    return found[0]


def test_plan_leaves_an_omitted_field_alone(empty_account: Account) -> None:
    account = empty_account
    account.emu.seed_objects(SEED)
    account.write("group.yaml", GROUP.format(description="Security engineering team"))
    assert _group(account)["memberIds"]  # the live group has members; the manifest none

    planned = account.run("plan", account.manifests, "--detailed-exitcode", "--format", "json")

    assert planned.exit_code == 0, planned.output
    changes = {c["address"]: c for c in json.loads(planned.stdout)["changes"]}
    change = changes["IamGroup/security-engineers"]
    assert change["action"] == "no-op", change
    assert change["before"]["members"]  # read, shown, and not compared


def test_the_reread_after_a_lost_update_compares_what_the_plan_compares(
    empty_account: Account,
) -> None:
    account = empty_account
    account.emu.seed_objects(SEED)
    account.write("group.yaml", GROUP.format(description="Changed by j1sync"))
    members = _group(account)["memberIds"]
    assert members
    account.emu.switches.fail_mutation("updateIamGroup", mode="lose_response", times=1)

    applied = account.run("apply", account.manifests, "--auto-approve")

    assert applied.exit_code == 0, applied.output
    # the update committed, its answer was lost; the re-read sees the managed fields equal
    # (the live members are not compared) and does not send the update again
    assert "confirmed by re-reading" in applied.output, applied.output
    assert account.emu.stats.requests["updateIamGroup"] == 1
    group = _group(account)
    assert group["description"] == "Changed by j1sync"
    assert group["memberIds"] == members  # unmanaged: untouched
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
