"""Errors name a root field by its response key: an aliased field's alias, as GraphQL
puts it in `path` (the IAM reads and member mutations of j1sync alias their fields), and
the field's area still decides `serviceName`."""

from __future__ import annotations

from .conftest import Poster

ALIASED_GROUPS = (
    "{ first: iamGroups(limit: 1) { items { name } } "
    "second: iamGroups(limit: 2) { items { name } } }"
)
MISSING_MEMBER = """
mutation {
  m0: addIamUserToGroupByEmail(groupId: "no-such-group", userEmail: "a@example.com") {
    success
  }
}"""


def test_a_refused_aliased_field_is_named_by_its_alias(gql: Poster) -> None:
    gql.emu.switches.iam_enabled = False
    body = gql(ALIASED_GROUPS)
    assert body["data"] is None
    assert [e["path"] for e in body["errors"]] == [["first"], ["second"]]
    assert {e["extensions"]["code"] for e in body["errors"]} == {"FORBIDDEN"}


def test_an_internal_error_of_an_aliased_field_is_named_by_its_alias(gql: Poster) -> None:
    gql.emu.switches.fail_mutation("addIamUserToGroupByEmail")
    body = gql(MISSING_MEMBER)
    (error,) = body["errors"]
    assert error["path"] == ["m0"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "serviceName": "iam"}
