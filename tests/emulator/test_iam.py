"""IAM groups: create/update/delete, members by email, query policies, permissions."""

from __future__ import annotations

from .conftest import Poster

CREATE = """mutation ($n: String!, $d: String, $p: [String!], $q: [JSON!]) {
  createIamGroup(name: $n, description: $d, abacPermissions: $p, queryPolicy: $q) {
    id name description
  }
}"""
GET = """query ($g: String!) { iamGetGroup(group: $g) {
  groupId groupName groupDescription
  groupQueryPolicy { statement } groupAbacPermission { statement }
  groupUsers(limit: 10) { items { email } }
} }"""
MEMBERS = """query ($g: String!, $c: String) {
  iamGroupUsers(groupId: $g, limit: 10, cursor: $c) {
    items { id email } pageInfo { endCursor hasNextPage }
  }
}"""
ADD = """mutation ($g: String!, $e: String!) {
  addIamUserToGroupByEmail(groupId: $g, userEmail: $e) { success }
}"""
REMOVE = """mutation ($g: String!, $e: String!) {
  removeIamUserFromGroupByEmail(groupId: $g, userEmail: $e) { success }
}"""


def members(gql: Poster, group_id: str) -> list[str]:
    emails, cursor = [], None
    while True:
        page = gql.data(MEMBERS, g=group_id, c=cursor)["iamGroupUsers"]
        emails += [u["email"] for u in page["items"]]
        cursor = page["pageInfo"]["endCursor"]
        if cursor is None:
            return emails


def test_create_then_read_permissions_and_policy(gql: Poster) -> None:
    created = gql.data(
        CREATE,
        n="auditors",
        d="read only",
        p=["readGraph", "accessInsights"],
        q=[{"_class": ["User"]}],
    )
    group_id = created["createIamGroup"]["id"]
    node = gql.data(GET, g=group_id)["iamGetGroup"]
    assert node["groupName"] == "auditors" and node["groupDescription"] == "read only"
    # in the order given, as recorded live (reference recordings/TestUserGroup_Basic.yaml)
    assert node["groupAbacPermission"]["statement"] == ["readGraph", "accessInsights"]
    assert node["groupQueryPolicy"]["statement"] == [{"_class": ["User"]}]
    policy = gql.data(
        "query ($g: String!) { iamGroupQueryPolicy(groupId: $g) { id queryPolicy } }", g=group_id
    )
    assert policy["iamGroupQueryPolicy"] == {"id": group_id, "queryPolicy": [{"_class": ["User"]}]}


def test_update_overwrites_permissions_and_policy(gql: Poster) -> None:
    group = next(g for g in gql.emu.snapshot()["iam_groups"] if g["name"] == "security-engineers")
    update = """mutation ($id: String!, $p: [String!], $q: [JSON!]) {
      updateIamGroup(id: $id, abacPermissions: $p, queryPolicy: $q) { id name description }
    }"""
    result = gql.data(update, id=group["id"], p=["accessPolicies"], q=[{"_type": "aws_s3_bucket"}])
    assert result["updateIamGroup"]["name"] == "security-engineers"
    node = gql.data(GET, g=group["id"])["iamGetGroup"]
    assert node["groupAbacPermission"]["statement"] == ["accessPolicies"]
    assert node["groupQueryPolicy"]["statement"] == [{"_type": "aws_s3_bucket"}]
    typo = gql(update, id=group["id"], p=["readGraf"])
    assert typo["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_members_are_added_and_removed_by_email(gql: Poster) -> None:
    group = next(g for g in gql.emu.snapshot()["iam_groups"] if g["name"] == "security-engineers")
    assert members(gql, group["id"]) == ["alice@example.com"]
    assert gql.data(ADD, g=group["id"], e="BOB@example.com") == {
        "addIamUserToGroupByEmail": {"success": True}
    }
    gql.data(ADD, g=group["id"], e="carol@example.com")
    assert members(gql, group["id"]) == [
        "alice@example.com",
        "bob@example.com",
        "carol@example.com",
    ]
    gql.data(REMOVE, g=group["id"], e="alice@example.com")
    assert members(gql, group["id"]) == ["bob@example.com", "carol@example.com"]
    users = gql.data(GET, g=group["id"])["iamGetGroup"]["groupUsers"]["items"]
    assert [u["email"] for u in users] == ["bob@example.com", "carol@example.com"]


def test_delete_by_name_and_built_ins_are_protected(gql: Poster) -> None:
    delete = "mutation ($n: String!) { deleteIamGroup(name: $n) { success } }"
    assert gql.data(delete, n="security-engineers") == {"deleteIamGroup": {"success": True}}
    assert "security-engineers" not in [g["name"] for g in gql.emu.snapshot()["iam_groups"]]
    assert gql(delete, n="Administrators")["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
