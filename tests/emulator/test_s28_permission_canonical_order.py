"""A group's ABAC permissions are answered in one order whatever order they were sent
in, the one the live API answered (reference recordings/TestUserGroup_Basic.yaml: sent
[accessInsights, readGraph], read back [readGraph, accessInsights]); the emulator echoed
the order sent, so a client keeping it would pass here and not against JupiterOne."""

from __future__ import annotations

from .conftest import Poster
from .test_iam import CREATE, GET

UPDATE = """mutation ($id: String!, $p: [String!]) {
  updateIamGroup(id: $id, abacPermissions: $p) { id }
}"""


def _read(gql: Poster, name: str) -> list[str]:
    group = gql.data(GET, g=name)["iamGetGroup"]
    permissions: list[str] = group["groupAbacPermission"]["statement"]
    return permissions


def test_permissions_are_answered_as_recorded_whatever_order_sent(gql: Poster) -> None:
    made = gql.data(CREATE, n="recorded", p=["accessInsights", "readGraph"])["createIamGroup"]
    assert _read(gql, "recorded") == ["readGraph", "accessInsights"]

    gql.data(CREATE, n="reversed", p=["readGraph", "accessInsights"])
    assert _read(gql, "reversed") == ["readGraph", "accessInsights"]

    gql.data(UPDATE, id=made["id"], p=["adminRules", "accessInsights", "readGraph", "readGraph"])
    assert _read(gql, "recorded") == ["readGraph", "accessInsights", "adminRules"]
