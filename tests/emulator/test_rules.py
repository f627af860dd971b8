"""Rule behaviour: server fields, versions, action ids, referenced questions, filters."""

from __future__ import annotations

from typing import Any

from .conftest import Poster

FIELDS = """id accountId name version tags questionId questionName pollingInterval
  operations { when actions } question { queries { query name version includeDeleted } }"""
CREATE_INLINE = f"""mutation ($i: CreateInlineQuestionRuleInstanceInput!) {{
  createInlineQuestionRuleInstance(instance: $i) {{ {FIELDS} }}
}}"""
CREATE_REF = f"""mutation ($i: CreateReferencedQuestionRuleInstanceInput!) {{
  createReferencedQuestionRuleInstance(instance: $i) {{ {FIELDS} }}
}}"""
UPDATE_INLINE = f"""mutation ($i: UpdateInlineQuestionRuleInstanceInput!) {{
  updateInlineQuestionRuleInstance(instance: $i) {{ {FIELDS} }}
}}"""
UPDATE_REF = f"""mutation ($i: UpdateReferencedQuestionRuleInstanceInput!) {{
  updateReferencedQuestionRuleInstance(instance: $i) {{ {FIELDS} }}
}}"""
OPERATIONS = [
    {
        "when": {"type": "FILTER", "condition": ["AND", ["queries.q.total", ">", 0]]},
        "actions": [
            {"type": "SET_PROPERTY", "targetProperty": "alertLevel", "targetValue": "LOW"},
            {"type": "CREATE_ALERT"},
        ],
    }
]


def inline(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "specVersion": 1,
        "operations": OPERATIONS,
        "question": {"queries": [{"query": "Find Host", "name": "q"}]},
        **extra,
    }


def action_ids(rule: dict[str, Any]) -> list[str]:
    return [a["id"] for op in rule["operations"] for a in op["actions"]]


def test_create_fills_server_fields_and_action_ids(gql: Poster) -> None:
    rule = gql.data(CREATE_INLINE, i=inline("r1", tags=["j1sync"]))[
        "createInlineQuestionRuleInstance"
    ]
    assert rule["version"] == 1 and rule["accountId"] == "j1sync-emulator"
    assert rule["pollingInterval"] == "ONE_DAY"
    assert rule["question"]["queries"] == [
        {"query": "Find Host", "name": "q", "version": "v1", "includeDeleted": False}
    ]
    assert len(set(action_ids(rule))) == 2
    assert rule["operations"][0]["actions"][0]["targetValue"] == "LOW"


def test_update_needs_the_current_version_and_increments_it(gql: Poster) -> None:
    rule = gql.data(CREATE_INLINE, i=inline("r2"))["createInlineQuestionRuleInstance"]
    first_ids = action_ids(rule)
    updated = gql.data(
        UPDATE_INLINE, i={**inline("r2", description="new"), "id": rule["id"], "version": 1}
    )
    updated_rule = updated["updateInlineQuestionRuleInstance"]
    assert updated_rule["version"] == 2
    assert not set(action_ids(updated_rule)) & set(first_ids)  # fresh ids on every update
    stale = gql(UPDATE_INLINE, i={**inline("r2"), "id": rule["id"], "version": 1})
    ahead = gql(UPDATE_INLINE, i={**inline("r2"), "id": rule["id"], "version": 4})
    assert ahead["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    error = stale["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "serviceName": "rules"}
    assert "version" in error["message"]
    stored = next(r for r in gql.emu.snapshot()["rules"] if r["id"] == rule["id"])
    assert stored["version"] == 2 and stored["description"] == "new"


def test_referenced_rule_resolves_question_by_name_or_id(gql: Poster) -> None:
    question = next(q for q in gql.emu.snapshot()["questions"] if q["name"] == "public-s3-buckets")
    instance = {k: v for k, v in inline("ref").items() if k != "question"}
    created = gql.data(CREATE_REF, i={**instance, "questionName": "public-s3-buckets"})
    rule = created["createReferencedQuestionRuleInstance"]
    assert (rule["questionId"], rule["questionName"]) == (question["id"], "public-s3-buckets")
    assert rule["question"] is None
    updated = gql.data(
        UPDATE_REF, i={**instance, "id": rule["id"], "version": 1, "questionId": question["id"]}
    )
    assert updated["updateReferencedQuestionRuleInstance"]["questionName"] == "public-s3-buckets"
    missing = gql(CREATE_REF, i={**instance, "questionName": "no-such-question"})
    assert missing["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    in_use = gql("mutation ($id: ID!) { deleteQuestion(id: $id) { id } }", id=question["id"])
    assert in_use["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_list_filters_by_tag_and_pages_with_null_end_cursor(gql: Poster) -> None:
    query = """query ($c: String, $f: ListRuleInstancesFilters, $l: Int) {
      listRuleInstances(cursor: $c, filters: $f, limit: $l) {
        questionInstances { name } pageInfo { endCursor hasNextPage }
      }
    }"""
    first = gql.data(query, f={"tags": ["j1sync"]})["listRuleInstances"]
    assert [r["name"] for r in first["questionInstances"]] == [
        "unencrypted-critical-data",
        "legacy-open-ports",
    ]
    assert first["pageInfo"] == {"endCursor": None, "hasNextPage": False}
    page = gql.data(query, l=1)["listRuleInstances"]
    assert page["pageInfo"]["hasNextPage"] and page["pageInfo"]["endCursor"]
    names = [page["questionInstances"][0]["name"]]
    while page["pageInfo"]["hasNextPage"]:
        page = gql.data(query, l=1, c=page["pageInfo"]["endCursor"])["listRuleInstances"]
        names += [r["name"] for r in page["questionInstances"]]
    assert names == [
        "unencrypted-critical-data",
        "legacy-open-ports",
        "Root account login detected",
    ]
    assert page["pageInfo"]["endCursor"] is None


def test_delete_and_evaluate(gql: Poster) -> None:
    rule = gql.data(CREATE_INLINE, i=inline("r3", outputs=["alertLevel"]))[
        "createInlineQuestionRuleInstance"
    ]
    evaluated = gql.data(
        "mutation ($id: ID!) { evaluateRuleInstance(id: $id) { id outputs { name } } }",
        id=rule["id"],
    )
    assert evaluated["evaluateRuleInstance"] == {
        "id": rule["id"],
        "outputs": [{"name": "alertLevel"}],
    }
    deleted = gql.data("mutation ($id: ID!) { deleteRuleInstance(id: $id) { id } }", id=rule["id"])
    assert deleted == {"deleteRuleInstance": {"id": rule["id"]}}
    again = gql("mutation ($id: ID!) { deleteRuleInstance(id: $id) { id } }", id=rule["id"])
    assert again["errors"][0]["extensions"]["code"] == "NOT_FOUND"
