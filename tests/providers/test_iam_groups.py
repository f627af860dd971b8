"""IamGroup: permissions and query policies as sets, members as an authoritative set when
listed and unmanaged when absent, built-ins, duplicates, deletes by name."""

from __future__ import annotations

import pytest

from j1sync.errors import BadUserInput
from tests.providers.conftest import Account

GROUP = """
apiVersion: j1sync/v1
kind: IamGroup
metadata: {name: security-engineers}
spec:
  description: Security engineering team
  abacPermissions: [readGraph, accessRules, writeQuestions]
  queryPolicy:
    - {_class: [DataStore, Host]}
    - {_type: aws_s3_bucket, _integrationType: aws}
  members: [Bob@example.com, alice@example.com]
"""

UNMANAGED_MEMBERS = """
apiVersion: j1sync/v1
kind: IamGroup
metadata: {name: auditors}
spec:
  abacPermissions: [fullReadAccess]
"""


def test_group_reads_back_equal_to_the_manifest(account: Account) -> None:
    desired = account.one(GROUP)
    account.create(desired)
    live = account.live("IamGroup", desired.name)
    assert live.state == desired.state
    assert desired.state["members"] == ["alice@example.com", "bob@example.com"]
    assert not live.builtin


def test_sets_compare_regardless_of_order(account: Account) -> None:
    desired = account.one(GROUP)
    reordered = account.one(
        GROUP.replace(
            "[readGraph, accessRules, writeQuestions]", "[writeQuestions, readGraph, accessRules]"
        ).replace("[Bob@example.com, alice@example.com]", "[alice@example.com, bob@example.com]")
    )
    assert desired.state == reordered.state


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("description: Security engineering team", "description: ''"),
        ("[readGraph, accessRules, writeQuestions]", "[readGraph]"),
        ("- {_type: aws_s3_bucket, _integrationType: aws}", "- {_type: aws_iam_user}"),
        ("[Bob@example.com, alice@example.com]", "[carol@example.com, alice@example.com]"),
        ("[Bob@example.com, alice@example.com]", "[]"),
    ],
)
def test_each_field_update_converges(account: Account, old: str, new: str) -> None:
    account.create(account.one(GROUP))
    changed = account.one(GROUP.replace(old, new))
    account.update(changed)
    assert account.live("IamGroup", changed.name).state == changed.state


def test_absent_members_are_not_managed_and_not_compared(account: Account) -> None:
    desired = account.one(UNMANAGED_MEMBERS)
    assert "members" not in desired.state
    group_id = account.create(desired)
    kind = account.provider.iam_groups
    kind._set_members(group_id, ["dave@example.com"], member=True)  # added by hand
    account.update(desired)  # must leave dave alone
    live = account.live("IamGroup", "auditors")
    assert live.state["members"] == ["dave@example.com"]
    assert account.comparable(desired) == desired.state


def test_members_across_pages_are_all_read(account: Account) -> None:
    everyone = "[alice@example.com, bob@example.com, carol@example.com, dave@example.com]"
    desired = account.one(GROUP.replace("[Bob@example.com, alice@example.com]", everyone))
    account.create(desired)
    assert len(account.live("IamGroup", desired.name).state["members"]) == 4  # page_size 2


def test_duplicate_group_is_bad_user_input(account: Account) -> None:
    desired = account.one(GROUP)
    account.create(desired)
    with pytest.raises(BadUserInput, match="already exists"):
        account.create(desired)


def test_delete_group_by_name(account: Account) -> None:
    account.create(account.one(UNMANAGED_MEMBERS))
    kind = account.provider.kind("IamGroup")
    kind.delete(account.live("IamGroup", "auditors"))
    assert kind.find("auditors") == []


def test_builtin_groups_are_flagged(demo: Account) -> None:
    groups = {o.name: o for o in demo.provider.read_live(["IamGroup"])}
    assert groups["Users"].builtin and groups["Administrators"].builtin
    assert not groups["security-engineers"].builtin
    assert groups["security-engineers"].state["members"] == ["alice@example.com"]
