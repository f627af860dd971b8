"""Error shapes over HTTP: HTTP 200 with errors[] carrying extensions.code and
extensions.serviceName, messages like the live API's; request-level failures as 400."""

from __future__ import annotations

from typing import Any

from .conftest import Poster


def only_error(body: dict[str, Any]) -> dict[str, Any]:
    assert len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    return error


def test_missing_rule_is_not_found_with_the_recorded_message(gql: Poster) -> None:
    body = gql("query ($id: ID!) { questionRuleInstance(id: $id) { id } }", id="nope")
    error = only_error(body)
    assert error["message"].startswith("Rule instance does not exist")
    assert error["path"] == ["questionRuleInstance"]
    assert error["extensions"] == {"code": "NOT_FOUND", "serviceName": "rules"}
    assert body["data"] == {"questionRuleInstance": None}


def test_missing_question_and_group_are_not_found(gql: Poster) -> None:
    question = only_error(gql("query ($id: ID!) { question(id: $id) { id } }", id="nope"))
    assert question["extensions"] == {"code": "NOT_FOUND", "serviceName": "questions"}
    group = only_error(
        gql("mutation ($n: String!) { deleteIamGroup(name: $n) { success } }", n="nope")
    )
    assert group["extensions"] == {"code": "NOT_FOUND", "serviceName": "iam"}


def test_missing_integration_instance_is_bad_user_input_as_recorded(gql: Poster) -> None:
    body = gql("query ($id: String!) { integrationInstance(id: $id) { id } }", id="nope")
    error = only_error(body)
    assert error["message"] == "Integration instance not found"
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "serviceName": "integrations"}


def test_duplicate_group_name_is_bad_user_input(gql: Poster) -> None:
    body = gql("mutation ($n: String!) { createIamGroup(name: $n) { id } }", n="security-engineers")
    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "security-engineers" in error["message"]


def test_unknown_user_email_is_bad_user_input(gql: Poster) -> None:
    group_id = gql.emu.snapshot()["iam_groups"][2]["id"]
    body = gql(
        """mutation ($g: String!, $e: String!) {
          addIamUserToGroupByEmail(groupId: $g, userEmail: $e) { success }
        }""",
        g=group_id,
        e="mallory@example.com",
    )
    error = only_error(body)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "serviceName": "iam"}
    assert "mallory@example.com" in error["message"]


def test_validation_failure_is_400_graphql_validation_failed(gql: Poster) -> None:
    response = gql.raw({"query": "{ listRuleInstances { questionInstances { nope } } }"})
    assert response.status_code == 400
    error = only_error(response.json())
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "nope" in error["message"] and error["locations"]


def test_parse_failure_is_400_graphql_parse_failed(gql: Poster) -> None:
    response = gql.raw({"query": "{ listRuleInstances { "})
    assert response.status_code == 400
    assert only_error(response.json())["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


def test_variables_of_the_wrong_type_are_400_bad_user_input(gql: Poster) -> None:
    response = gql.raw(
        {
            "query": "query ($l: Int!) { iamGroups(limit: $l) { items { id } } }",
            "variables": {"l": "x"},
        }
    )
    assert response.status_code == 400
    assert only_error(response.json())["extensions"]["code"] == "BAD_USER_INPUT"


def test_body_without_a_query_is_400(gql: Poster) -> None:
    assert gql.raw({"variables": {}}).status_code == 400
    response = gql.session.post(gql.emu.url + "/graphql", data=b"{not json", headers=gql.headers())
    assert response.status_code == 400
